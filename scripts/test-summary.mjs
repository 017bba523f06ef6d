// Prints one closing line for the whole test run, summed over every package's vitest JSON
// report: "Tests: N passed, N failed, N skipped". Exits non-zero when a report is missing or
// nothing ran, so a silently empty run cannot look green. Above it, each package's wall time
// and its slowest files (where the time goes when the suite grows).
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
const seconds = (ms) => `${Math.round(ms / 1000)} s`;
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
  const files = report.testResults ?? [];
  const wall = files.length
    ? Math.max(...files.map((f) => f.endTime)) - Math.min(...files.map((f) => f.startTime))
    : 0;
  console.log(
    `${pkg}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped in ${seconds(wall)}`
  );
  const slowest = files
    .map((f) => ({
      file: path.relative(path.join(root, pkg), f.name),
      ms: f.endTime - f.startTime
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3);
  for (const f of slowest) console.log(`  ${seconds(f.ms).padStart(6)}  ${f.file}`);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exitCode = 1;
