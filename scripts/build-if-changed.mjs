/**
 * `node scripts/build-if-changed.mjs web server`: builds each named target unless its inputs
 * are exactly those of its last build. `pnpm build`, `pnpm start`, `pnpm demo` and the
 * end-to-end tests go through here, so an unchanged checkout starts without building.
 *
 * A target's stamp holds a SHA-256 of its input files' paths and contents (the lockfile
 * among them, so a changed dependency rebuilds). The stamp is removed before a build and
 * written after it succeeds: an interrupted or failed build is never taken as current. A
 * missing output rebuilds too. `--force` builds regardless.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Generated or local-only folders, never an input. */
const SKIP = new Set(['node_modules', 'build', 'dist', '.svelte-kit', 'test-results', 'coverage']);

/**
 * Inputs are folders (walked) and files, relative to the repository's root. The lockfile
 * stands for every installed package's version; the root package.json holds only scripts
 * and tools, so editing a script does not rebuild.
 */
const TARGETS = {
  web: {
    inputs: ['web', 'shared', 'pnpm-lock.yaml', 'tsconfig.json'],
    output: 'web/build/index.html',
    // Outside web/build: everything in there is served.
    stamp: 'web/.svelte-kit/build-inputs.sha256',
    command: ['pnpm', ['--filter', '@kspay/web', 'build']]
  },
  server: {
    inputs: [
      'server/src',
      'server/build.mjs',
      'server/package.json',
      'server/tsconfig.json'
    ].concat(['shared', 'pnpm-lock.yaml', 'tsconfig.json']),
    output: 'server/dist/main.js',
    stamp: 'server/dist/build-inputs.sha256',
    command: [process.execPath, ['server/build.mjs']]
  }
};

function files(rel) {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => !SKIP.has(e.name))
    .flatMap((e) => (e.isDirectory() || e.isFile() ? files(path.join(rel, e.name)) : []));
}

function inputsHash(target) {
  const hash = createHash('sha256');
  hash.update(path.basename(import.meta.filename));
  hash.update(fs.readFileSync(import.meta.filename));
  for (const file of [...new Set(target.inputs.flatMap(files))].sort()) {
    hash.update(`\0${file.split(path.sep).join('/')}\0`);
    hash.update(fs.readFileSync(path.join(ROOT, file)));
  }
  return hash.digest('hex');
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const names = args.filter((a) => a !== '--force');
for (const name of names) {
  const target = TARGETS[name];
  if (!target) {
    console.error(`unknown build target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(2);
  }
  const stamp = path.join(ROOT, target.stamp);
  const hash = inputsHash(target);
  const current =
    !force &&
    fs.existsSync(path.join(ROOT, target.output)) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8').trim() === hash;
  if (current) {
    console.log(`${name}: inputs unchanged since the last build, not rebuilding`);
    continue;
  }
  fs.rmSync(stamp, { force: true });
  const [command, commandArgs] = target.command;
  const run = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, `${hash}\n`);
}
