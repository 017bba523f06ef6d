import { z } from 'zod';

/**
 * Zod compiles object parsers with `new Function` when it may, and first probes whether it may.
 * The console's CSP allows no eval, so that probe is refused — and reported as a CSP violation
 * even though zod catches it. `jitless` skips the probe and the compiler; the interpreted
 * parsers give the same answers. (The server keeps the compiled parsers: it has no CSP.)
 */
z.config({ jitless: true });
