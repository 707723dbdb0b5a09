'use strict';
// dist/cli/cli.cjs: runs the main CLI bundle with the V8 code cache `npm run build` made for it,
// which skips most of its compilation (measured 5-10 ms per start on Node 20, on every kubectl
// command). A cache from another Node version is rejected by V8 and the bundle compiles as usual.
const { readFileSync, writeFileSync } = require('node:fs');
const { Script } = require('node:vm');
const { createRequire } = require('node:module');

const main = `${__dirname}/cli-main.cjs`;
const cacheFile = `${__dirname}/cli-main.v8-cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(main, 'utf8')}\n})`, {
  filename: main,
  cachedData,
});
if (process.env.EKS_AUTH_BUILD_CODE_CACHE === '1') {
  // The build runs a cache-hit `token` with this set: the cache then holds what that path compiled.
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(main), mod, main, __dirname);
