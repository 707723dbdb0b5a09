import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EksAuthError } from '../errors.js';
import { PARTITION_IDS, type PartitionId } from '../aws/partitions.js';
import { MappingError } from '../mapping/aws-auth.js';
import { startAuthServer } from '../server/auth-server.js';
import { jsonLogger } from '../server/log.js';
import { fileMappingSource } from '../server/mapping-source.js';
import { createMetrics } from '../server/metrics.js';

interface ServerFlags {
  clusterId?: string;
  stateDir: string;
  mapping?: string;
  address: string;
  port: string;
  partition: string;
  region?: string;
  stsEndpointOverride?: string;
  stsTimeout: string;
  maxInFlight: string;
}

function positiveInt(value: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new EksAuthError('USAGE', `${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

export async function runServer(flags: ServerFlags): Promise<void> {
  if (!flags.clusterId) throw new EksAuthError('USAGE', 'a cluster ID is required: pass -i <cluster>');
  if (!flags.mapping) throw new EksAuthError('USAGE', 'an aws-auth mapping file is required: pass --mapping <file> (a ConfigMap manifest or its data)');
  if (!(PARTITION_IDS as readonly string[]).includes(flags.partition)) throw new EksAuthError('USAGE', `unknown partition "${flags.partition}": one of ${PARTITION_IDS.join(', ')}`);
  const port = positiveInt(flags.port, '--port', 65535);
  const logger = jsonLogger();
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(join(flags.stateDir, 'cert.pem'), 'utf8');
    keyPem = readFileSync(join(flags.stateDir, 'key.pem'), 'utf8');
  } catch {
    throw new EksAuthError('USAGE', `no cert.pem and key.pem in ${flags.stateDir}: run "eks-auth init -i ${flags.clusterId} --state-dir ${flags.stateDir}" first`);
  }
  const metrics = createMetrics();
  let mappings;
  try {
    mappings = fileMappingSource(flags.mapping, { logger, onReload: (ok) => metrics.mappingReloads.inc({ result: ok ? 'success' : 'failure' }) });
  } catch (err) {
    const why = err instanceof MappingError ? err.message : (err as Error).message;
    throw new EksAuthError('USAGE', `cannot load the aws-auth mappings from ${flags.mapping}: ${why}`);
  }
  const server = await startAuthServer({
    clusterId: flags.clusterId,
    certPem,
    keyPem,
    address: flags.address,
    port,
    partition: flags.partition as PartitionId,
    region: flags.region,
    stsEndpointOverride: flags.stsEndpointOverride,
    stsTimeoutMs: positiveInt(flags.stsTimeout, '--sts-timeout'),
    maxInFlight: positiveInt(flags.maxInFlight, '--max-in-flight'),
    mappings,
    logger,
    metrics,
  });
  logger.info('listening', { url: `${server.url}/authenticate`, cluster: flags.clusterId, partition: flags.partition });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server.close(15_000).then(() => {
      mappings.close();
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
