import { EksAuthError } from '../errors.js';
import { PARTITION_IDS, type PartitionId } from '../aws/partitions.js';
import { verifyToken, type Identity } from '../verify/verify-token.js';

interface VerifyFlags {
  token?: string;
  clusterId?: string;
  partition?: string;
  region?: string;
  stsEndpointOverride?: string;
  output?: 'json' | 'text';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function formatIdentity(identity: Identity, output: 'json' | 'text'): string {
  if (output === 'json') return `${JSON.stringify(identity)}\n`;
  const width = Math.max(...Object.keys(identity).map((k) => k.length));
  return Object.entries(identity).map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`).join('\n') + '\n';
}

export async function runVerify(flags: VerifyFlags): Promise<void> {
  if (!flags.clusterId) throw new EksAuthError('USAGE', 'a cluster ID is required: pass -i <cluster>');
  if (flags.token === undefined) throw new EksAuthError('USAGE', 'a token is required: pass -t <token>, or -t - to read it from stdin');
  if (flags.partition !== undefined && !(PARTITION_IDS as readonly string[]).includes(flags.partition)) {
    throw new EksAuthError('USAGE', `unknown partition "${flags.partition}": one of ${PARTITION_IDS.join(', ')}`);
  }
  // "-t -" keeps the token out of the process list and shell history.
  const token = flags.token === '-' ? await readStdin() : flags.token;
  const identity = await verifyToken(token, {
    clusterId: flags.clusterId,
    partition: (flags.partition ?? 'aws') as PartitionId,
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.stsEndpointOverride ? { stsEndpointOverride: flags.stsEndpointOverride } : {}),
  });
  process.stdout.write(formatIdentity(identity, flags.output ?? 'text'));
}
