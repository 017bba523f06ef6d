// Dexie decides at load time whether liveQuery can run by looking for a global indexedDB, so
// tests install fake-indexeddb globally before Dexie loads. Each test "browser" still gets its
// own factory (idb.ts), so clients never share data.
import 'fake-indexeddb/auto';
