// Builds the CLI and the library with esbuild, and the library's type declarations with tsc.
//
// CLI: CommonJS bundles (the ESM loader costs start-up time on every kubectl command). The main
// bundle holds only the cache-hit path of `token`; every lazy boundary below — a module the
// source loads with `await import(...)` — becomes a bundle of its own, required only when used.
// Library: ESM with code splitting, for Node programs that import 'eks-auth'.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const LAZY = {
  'src/token/generate.ts': 'token-generate',
  'src/token/sdk/env-provider.ts': 'sdk-env-provider',
  'src/token/sdk/provider-chain.ts': 'sdk-provider-chain',
  'src/token/sdk/sts-client.ts': 'sdk-sts-client',
  'src/token/sdk/sso-oidc-client.ts': 'sdk-sso-oidc-client',
  'src/token/sso-login.ts': 'token-sso-login',
  'src/cli/verify.ts': 'cli-verify',
  'src/cli/cache.ts': 'cli-cache',
  'src/cli/prompt.ts': 'cli-prompt',
  'src/cli/init.ts': 'cli-init',
  'src/cli/server.ts': 'cli-server',
  'src/cli/convert-kubeconfig.ts': 'cli-convert-kubeconfig',
  'src/cli/doctor.ts': 'cli-doctor',
  'src/cli/deferred-ca-apply.ts': 'deferred-ca-apply',
};
const lazyByPath = new Map(Object.entries(LAZY).map(([src, name]) => [resolve(root, src), name]));

/**
 * Turns `await import('./x.js')` of a lazy module into a plain `require('./<bundle>.cjs')` run at
 * that moment. (Left as a native import(), Node would load the CommonJS file through its ES module
 * loader and lex it for exports: ~15 ms more per boundary.)
 */
const lazyBoundaries = {
  name: 'lazy-boundaries',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.namespace === 'lazy-boundary') return { path: args.path, external: true };
      if (args.kind !== 'dynamic-import') return undefined;
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      const name = lazyByPath.get(target);
      return name ? { path: name, namespace: 'lazy-boundary' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-boundary' }, (args) => ({
      contents: `module.exports = require("./${args.path}.cjs");`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * commander requires node:child_process at load time, for executable subcommands we do not use;
 * loading that built-in costs ~2.5 ms on every run. Give commander a stand-in that requires it
 * on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /^child_process$/, namespace: 'lazy-builtin' }, () => ({
      contents: 'let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:child_process"))[k] });',
      loader: 'js',
    }));
  },
};

/**
 * The SDK's shared-config loader reads ~/.aws/config with node:fs/promises, a built-in that costs
 * ~3 ms to load on the cache-hit path, which otherwise needs only node:fs. It calls one function,
 * readFile(path, 'utf8'); give it that function on top of the callback API of node:fs.
 */
const fsPromisesForConfigLoader = {
  name: 'fs-promises-for-config-loader',
  setup(b) {
    b.onResolve({ filter: /^node:fs\/promises$/ }, (args) =>
      /shared-ini-file-loader[\\/]readFile\.js$/.test(args.importer) ? { path: 'fs-promises-readfile', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /^fs-promises-readfile$/, namespace: 'lazy-builtin' }, () => ({
      contents: 'const fs = require("node:fs"); exports.readFile = (p, o) => new Promise((res, rej) => fs.readFile(p, o, (e, d) => (e ? rej(e) : res(d))));',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Prefer the SDK's ES module builds: they tree-shake better.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await rm(resolve(root, 'dist'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [
    { in: resolve(root, 'src/cli/entry.ts'), out: 'cli-main' },
    ...Object.entries(LAZY).map(([src, name]) => ({ in: resolve(root, src), out: name })),
  ],
  outdir: resolve(root, 'dist/cli'),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  plugins: [lazyBoundaries, lazyChildProcess, fsPromisesForConfigLoader],
});
await build({
  ...common,
  entryPoints: { index: resolve(root, 'src/index.ts') },
  outdir: resolve(root, 'dist'),
  format: 'esm',
  splitting: true,
  sourcemap: 'linked',
  // Some SDK modules still `require` Node built-ins; give ESM chunks a require.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
});
await copyFile(resolve(root, 'scripts/cli-loader.cjs'), resolve(root, 'dist/cli/cli.cjs'));
makeCodeCache();
execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.build.json')], { stdio: 'inherit' });

/**
 * The V8 code cache for cli-main.cjs (see scripts/cli-loader.cjs): run `token` twice with example
 * credentials in a scratch cache, so the second run is a cache hit and its compiled code is saved.
 */
function makeCodeCache() {
  const scratch = mkdtempSync(join(tmpdir(), 'eks-auth-build-'));
  const env = {
    PATH: process.env.PATH, HOME: scratch, EKS_AUTH_CACHE_DIR: join(scratch, 'cache'),
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEBUILD0001', AWS_SECRET_ACCESS_KEY: 'example-secret-for-the-build-only',
    AWS_CONFIG_FILE: join(scratch, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'none'), AWS_EC2_METADATA_DISABLED: 'true',
  };
  try {
    for (const write of ['0', '1']) {
      execFileSync(process.execPath, [resolve(root, 'dist/cli/cli.cjs'), 'token', '-i', 'build', '--region', 'eu-west-1'], {
        env: { ...env, EKS_AUTH_BUILD_CODE_CACHE: write },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
console.error(`built ${basename(root)}/dist: CLI bundles ${['cli-main', ...Object.values(LAZY)].join(', ')} with a V8 code cache; library index.js`);
