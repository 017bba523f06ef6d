/**
 * `pnpm lint`'s import-cycle check: no module of server/src, web/src or shared/src can reach
 * itself through its imports. Type-only imports count: a type that two modules share lives in
 * a third module below both (an env or context type in its own file), so the graph a reader
 * follows has no loops either. Exits non-zero and names every cycle found.
 *
 * madge builds the graph (TypeScript's own module resolution, with each package's tsconfig so
 * `$lib/…` resolves). Svelte components (`.svelte`) are outside the graph: madge cannot read
 * them, and no TypeScript module imports a component, so a cycle through one could only run
 * through components.
 */
import path from 'node:path';
import madge from 'madge';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const PACKAGES = ['server', 'web', 'shared'];

/** The package's compiler options with `extends` applied (web's come from .svelte-kit). */
function compilerOptions(pkg) {
  const file = path.join(ROOT, pkg, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      }
    }
  );
  const options = parsed?.options ?? {};
  // filing-cabinet reads `paths` against `baseUrl`; TypeScript keeps their base apart.
  return options.paths && !options.baseUrl
    ? { ...options, baseUrl: options.pathsBasePath }
    : options;
}

let cycles = 0;
for (const pkg of PACKAGES) {
  const src = path.join(ROOT, pkg, 'src');
  const graph = await madge(src, {
    baseDir: ROOT,
    fileExtensions: ['ts'],
    // SvelteKit's generated route types (`./$types`) are not the project's modules.
    excludeRegExp: [/[\\/]\.svelte-kit[\\/]/],
    tsConfig: { compilerOptions: compilerOptions(pkg) },
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } }
  });
  for (const cycle of graph.circular()) {
    cycles++;
    console.error(`import cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  }
}
if (cycles > 0) {
  console.error(`${cycles} import cycle(s): move what the modules share into a module below both.`);
  process.exit(1);
}
