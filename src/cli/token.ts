import { EksAuthError } from '../errors.js';
import { EXEC_API_V1, EXEC_API_V1BETA1, formatExecCredential, parseExecInfo } from '../token/exec-credential.js';
import { createLogger } from '../token/credentials.js';
import { getToken } from '../token/get-token.js';
import { settingsFromClusterInfo } from '../token/cluster-info.js';
import { defaultCacheDir } from '../cache/paths.js';
import { writeStdout } from './output.js';
import { applyDeferredCaCerts } from './deferred-ca.js';

interface TokenFlags {
  clusterId?: string;
  clusterName?: string;
  region?: string;
  profile?: string;
  role?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  forwardSessionName?: boolean;
  tokenOnly?: boolean;
  apiVersion?: 'v1' | 'v1beta1';
  cache?: boolean;
  cacheDir?: string;
}

function pick(a: string | undefined, b: string | undefined, names: string): string | undefined {
  if (a !== undefined && b !== undefined && a !== b) throw new EksAuthError('USAGE', `${names} name the same thing but differ: pass one of them`);
  return a ?? b;
}

async function promptOnStderr(question: string): Promise<string> {
  const { promptOnStderr: ask } = await import('./prompt.js');
  return ask(question);
}

export async function runToken(rawFlags: Record<string, unknown>, ctx: { verbose: boolean }): Promise<void> {
  const flags = rawFlags as TokenFlags;
  const execInfo = parseExecInfo(process.env.KUBERNETES_EXEC_INFO);
  if (execInfo.warning) process.stderr.write(`eks-auth: warning: ${execInfo.warning}\n`);
  const apiVersion = flags.apiVersion === 'v1' ? EXEC_API_V1 : flags.apiVersion === 'v1beta1' ? EXEC_API_V1BETA1 : execInfo.apiVersion;
  // kubectl says whether stdin is the user's terminal; without exec info, look for ourselves, but
  // only if a prompt is needed: touching process.stdin sets up a stream (~8 ms on every run).
  const interactive = execInfo.interactive ?? (() => Boolean(process.stdin.isTTY));

  const logger = createLogger(ctx.verbose);
  // With provideClusterInfo: true, the cluster's exec extension fills what the flags leave open.
  const fromCluster = settingsFromClusterInfo(execInfo.cluster);
  const result = await getToken({
    clusterId: pick(flags.clusterId, flags.clusterName, '--cluster-id and --cluster-name') ?? fromCluster.clusterId ?? '',
    region: flags.region ?? fromCluster.region,
    profile: flags.profile ?? fromCluster.profile,
    roleArn: pick(flags.role, flags.roleArn, '--role and --role-arn') ?? fromCluster.roleArn,
    externalId: flags.externalId ?? fromCluster.externalId,
    sessionName: flags.sessionName ?? (flags.forwardSessionName ? undefined : fromCluster.sessionName),
    forwardSessionName: flags.forwardSessionName,
    interactive,
    prompt: promptOnStderr,
    logger,
    notify: (message) => process.stderr.write(`eks-auth: ${message}\n`),
    beforeNetwork: () => applyDeferredCaCerts((message) => logger.warn(message)),
    cacheDir: flags.cache === false ? undefined : (flags.cacheDir ?? defaultCacheDir()),
  });
  if (ctx.verbose) process.stderr.write(`eks-auth [debug] token ${result.fromCache ? 'from cache' : 'signed'}, ${result.token.slice(0, 18)}…, expires ${result.expiresAt.toISOString()}\n`);
  writeStdout(flags.tokenOnly ? `${result.token}\n` : formatExecCredential({ token: result.token, expiresAt: result.expiresAt, apiVersion }));
}
