// Bundles the CLI and the library with esbuild. ESM with code splitting: each command's module
// and each SDK credential source becomes its own chunk, loaded only when used.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { 'cli/entry': 'src/cli/entry.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer the SDK's ES module builds: they tree-shake, and their dynamic imports become chunks.
  mainFields: ['module', 'main'],
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Some SDK modules still `require` Node built-ins; give ESM chunks a require.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
});

// Type declarations for library users (src/index.ts and what it exports).
const { execFileSync } = await import('node:child_process');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
