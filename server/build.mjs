/**
 * Builds the server for `pnpm start`: each entry of src/ (the server, the demo, the backup) to
 * one ES module under dist/ at the same relative place, run by plain `node`. tsx stays for
 * `pnpm dev` and the tests; the bundle must behave exactly as tsx runs the sources:
 *
 * - Packages stay in node_modules (better-sqlite3's binary, pg, pino…): a package import is
 *   left to Node when Node, starting from dist/, finds the very file tsx would have loaded.
 *   Workspace packages (@kspay/shared: TypeScript sources) are compiled in, as tsx compiles
 *   them, and so is a package only they depend on (Node could not find it from dist/).
 * - `import.meta.dirname`, `.filename` and `.url` keep naming the source file's place, so paths
 *   relative to it (the web build, the demo's data directory) resolve as under tsx.
 *
 * `node build.mjs` always builds; scripts/build-if-changed.mjs skips it when no input changed.
 */
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const SERVER = import.meta.dirname;
const SRC = path.join(SERVER, 'src');
const DIST = path.join(SERVER, 'dist');
const ENTRIES = ['main.ts', 'demo/main.ts', 'backup.ts'];

const inNodeModules = (file) => file.split(path.sep).includes('node_modules');
const real = (file) => fs.realpathSync(file);

/** Package imports: external when Node resolves them from dist/ to the file tsx would load. */
const packagesExternal = {
  name: 'packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (isBuiltin(args.path)) return { external: true };
      if (args.pluginData === 'inner' || args.kind === 'entry-point') return undefined;
      const resolve = (resolveDir) =>
        b.resolve(args.path, { kind: args.kind, resolveDir, pluginData: 'inner' });
      const here = await resolve(args.resolveDir);
      if (here.errors.length > 0) return { errors: here.errors };
      if (!inNodeModules(here.path)) return { path: here.path };
      const fromDist = await resolve(DIST);
      if (fromDist.errors.length === 0 && real(fromDist.path) === real(here.path)) {
        return { external: true };
      }
      return { path: here.path };
    });
  }
};

/** Rewrites `import.meta.*` in a source file so it names that file, not the bundle. */
function sourcePlaces(outDir) {
  return {
    name: 'source-places',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        if (inNodeModules(args.path)) return undefined;
        const text = fs.readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        const rel = path.relative(outDir, path.dirname(args.path)).split(path.sep).join('/');
        const file = `${rel}/${path.basename(args.path)}`;
        const contents =
          `import * as __sourcePath from 'node:path';\n` +
          text
            .replaceAll(
              'import.meta.dirname',
              `__sourcePath.join(import.meta.dirname, ${JSON.stringify(rel)})`
            )
            .replaceAll(
              'import.meta.filename',
              `__sourcePath.join(import.meta.dirname, ${JSON.stringify(file)})`
            )
            .replaceAll(
              'import.meta.url',
              `new URL(${JSON.stringify(file)}, import.meta.url).href`
            );
        const loader = path.extname(args.path).endsWith('ts') ? 'ts' : 'js';
        return { contents, loader, resolveDir: path.dirname(args.path) };
      });
    }
  };
}

fs.rmSync(DIST, { recursive: true, force: true });
fs.mkdirSync(DIST, { recursive: true });
// One build per entry: `sourcePlaces` needs the directory of the file its code lands in.
for (const entry of ENTRIES) {
  const outfile = path.join(DIST, entry.replace(/\.ts$/, '.js'));
  await build({
    entryPoints: [path.join(SRC, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [packagesExternal, sourcePlaces(path.dirname(outfile))]
  });
}
