import { restoreDeferredCaEnv } from './deferred-ca.js';
import { main } from './main.js';
import { wantsVerbose } from './output.js';

restoreDeferredCaEnv();

// kubectl shows the plugin's stderr to the user, and it must stay silent on success. Node and the
// AWS SDK report things like "NodeVersionSupportWarning" through process warnings: keep them for
// --verbose only.
const verbose = wantsVerbose(process.argv);
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (verbose) process.stderr.write(`eks-auth [warn] ${warning.name}: ${warning.message.split('\n')[0]}\n`);
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
