// Preloaded with NODE_OPTIONS=--require=…: at exit, writes the files this process required (one
// per line) to $EKS_AUTH_TEST_MODULES_FILE, so tests can assert what a command did not load.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const file = process.env.EKS_AUTH_TEST_MODULES_FILE;
  if (file) writeFileSync(file, Object.keys(require.cache).join('\n') + '\n');
});
