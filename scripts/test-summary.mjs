// Prints one closing line for the whole test run, summed over every package's vitest JSON
// report: "Tests: N passed, N failed, N skipped". Exits non-zero when a report is missing or
// nothing ran, so a silently empty run cannot look green.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const packages = ['shared', 'server', 'web', 'e2e'];
if (process.argv.includes('--reset')) {
  for (const pkg of packages) {
    fs.rmSync(path.join(root, pkg, 'test-results'), { recursive: true, force: true });
  }
  process.exit(0);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of packages) {
  const file = path.join(root, pkg, 'test-results/vitest.json');
  if (!fs.existsSync(file)) {
    console.error(`missing test report: ${path.relative(root, file)}`);
    process.exitCode = 1;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  console.log(
    `${pkg}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`
  );
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exitCode = 1;
