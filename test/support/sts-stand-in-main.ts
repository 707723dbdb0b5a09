// Runs the STS stand-in as a process of its own (benchmarks): prints its URL, stops on SIGTERM.
import { startStsStandIn } from './sts-stand-in.js';

const sts = await startStsStandIn();
process.stdout.write(`${sts.url}\n`);
process.on('SIGTERM', () => void sts.close().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
