/**
 * `eks-auth doctor`: the answer to "why am I Unauthorized?" in one command. Each check says what
 * it found; a failed one says what to do. Nothing secret is reported: the token is shown as its
 * decoded URL with the signature shortened and the session token masked.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { parse } from 'yaml';
import { isEksAuthError } from '../errors.js';
import { defaultCacheDir } from '../cache/paths.js';
import { getToken, type TokenResult, type TokenTarget } from '../token/get-token.js';
import { decodeToken } from '../token/token-format.js';
import { describeSkew, CLOCK_SKEW_TOLERANCE_MS } from '../token/clock.js';
import { tokenTargetFromExec } from '../kubeconfig/convert.js';
import { formatDuration } from '../duration.js';
import { verifyToken, type Identity } from '../verify/verify-token.js';
import { undiciTransport, type StsTransport } from '../verify/sts-client.js';
import { mapIdentity, parseAwsAuth } from '../mapping/aws-auth.js';

export interface DoctorOptions {
  clusterId?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  roleArn?: string | undefined;
  /** kubeconfig files (as kubectl would read them) and a context to check the cluster with. */
  kubeconfigFiles?: string[] | undefined;
  context?: string | undefined;
  /** An aws-auth file to try the identity against. */
  mappingFile?: string | undefined;
  cacheDir?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
}

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface DoctorCheck {
  name: 'kubeconfig' | 'credentials' | 'token' | 'identity' | 'clock' | 'cluster' | 'mapping';
  status: CheckStatus;
  summary: string;
  /** What to do about a failure. */
  hint?: string;
  details?: Record<string, unknown>;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

/** The presigned URL with the signature cut to 8 characters and any session token masked. */
export function describeTokenUrl(token: string): string {
  return decodeToken(token)
    .replace(/(X-Amz-Signature=)([0-9a-f]{8})[0-9a-f]*/, '$1$2…')
    .replace(/(X-Amz-Security-Token=)[^&]+/, '$1(masked)');
}

interface ContextInfo {
  server: string;
  caPem?: string;
  insecure: boolean;
  exec: TokenTarget | undefined;
}

function readContext(files: string[], context: string): ContextInfo {
  const docs = files.map((f) => parse(readFileSync(f, 'utf8')) as Record<string, any>);
  const find = (key: string, name: string) => docs.flatMap((d) => (Array.isArray(d?.[key]) ? d[key] : [])).find((e: any) => e?.name === name);
  const ctx = find('contexts', context)?.context;
  if (!ctx) throw new Error(`no context named "${context}" in ${files.join(', ')}`);
  const cluster = find('clusters', ctx.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`context "${context}" names cluster "${ctx.cluster}", which has no server`);
  const exec = find('users', ctx.user)?.user?.exec;
  let execSettings: ContextInfo['exec'];
  if (exec && Array.isArray(exec.args)) {
    const parsed = tokenTargetFromExec(String(exec.command ?? ''), exec.args.map(String));
    if (parsed?.ok) execSettings = parsed.settings;
  }
  return {
    server: String(cluster.server).replace(/\/$/, ''),
    ...(cluster['certificate-authority-data'] ? { caPem: Buffer.from(String(cluster['certificate-authority-data']), 'base64').toString('utf8') } : {}),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    exec: execSettings,
  };
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const env = opts.env ?? process.env;
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => checks.push(check);
  const flags: TokenTarget = { clusterId: opts.clusterId, region: opts.region, profile: opts.profile, roleArn: opts.roleArn };
  let settings: TokenTarget = flags;

  let context: ContextInfo | undefined;
  if (opts.context) {
    try {
      context = readContext(opts.kubeconfigFiles ?? [], opts.context);
      // The user entry's own arguments (session name, external ID included) make the same token
      // kubectl would get; flags given to doctor win.
      settings = { ...context.exec, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
      add({ name: 'kubeconfig', status: 'ok', summary: `context ${opts.context}: ${context.server}${context.exec ? `, cluster ID ${context.exec.clusterId ?? '(none)'}` : ''}` });
    } catch (err) {
      add({ name: 'kubeconfig', status: 'fail', summary: (err as Error).message, hint: 'check --context and --kubeconfig ("kubectl config get-contexts" lists them)' });
    }
  }
  if (!settings.clusterId) {
    add({ name: 'token', status: 'fail', summary: 'no cluster ID', hint: 'pass -i <cluster>, or --context with a user that runs eks-auth, aws eks get-token or aws-iam-authenticator' });
    return { ok: false, checks };
  }

  // The token exactly as `eks-auth token` would hand it to kubectl (cache included).
  let token: TokenResult;
  try {
    token = await getToken({ ...settings, clusterId: settings.clusterId, cacheDir: opts.cacheDir ?? defaultCacheDir(env), env, interactive: false });
  } catch (err) {
    add({ name: 'credentials', status: 'fail', summary: isEksAuthError(err) ? err.message : String(err), hint: 'fix the credentials first: everything else depends on them' });
    return { ok: false, checks };
  }
  add({
    name: 'credentials',
    status: 'ok',
    summary: `${token.fromCache ? 'a cached token (its credentials were not needed)' : (token.credentialSource ?? 'the SDK default chain')}; access key ${token.accessKeyId}${settings.profile ? `, profile ${settings.profile}` : env.AWS_PROFILE ? `, profile ${env.AWS_PROFILE}` : ''}${settings.roleArn ? `, role ${settings.roleArn}` : ''}`,
    details: { source: token.credentialSource ?? null, accessKeyId: token.accessKeyId, fromCache: token.fromCache },
  });
  const now = Date.now();
  add({
    name: 'token',
    status: 'ok',
    summary: `for cluster ${token.clusterId}, STS host ${token.stsHost} (signing region ${token.signingRegion}, partition ${token.partition}); signed ${token.signedAt.toISOString()} (${formatDuration(now - token.signedAt.getTime())} ago), expires in ${formatDuration(token.expiresAt.getTime() - now)}; ${token.fromCache ? 'from the cache' : 'newly signed'}`,
    details: { url: describeTokenUrl(token.token), signedAt: token.signedAt.toISOString(), expiresAt: token.expiresAt.toISOString(), fromCache: token.fromCache },
  });

  // Verified as the server would, through the same STS endpoint settings the CLI honours.
  let serverDate: string | undefined;
  const transport: StsTransport = async (req) => {
    const res = await undiciTransport(req);
    serverDate = res.date;
    return res;
  };
  let identity: Identity | undefined;
  try {
    const override = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
    identity = await verifyToken(token.token, { clusterId: token.clusterId, partition: token.partition, transport, ...(override ? { stsEndpointOverride: override } : {}) });
    add({
      name: 'identity',
      status: 'ok',
      summary: `${identity.arn}${identity.canonicalArn !== identity.arn ? ` (as ${identity.canonicalArn})` : ''}, account ${identity.accountId}`,
      details: { ...identity },
    });
  } catch (err) {
    add({ name: 'identity', status: 'fail', summary: isEksAuthError(err) ? err.message : String(err), hint: 'STS does not accept the token: check the credentials, the clock and the region' });
  }

  if (serverDate) {
    const offset = Date.parse(serverDate) - Date.now();
    const skewed = Math.abs(offset) > CLOCK_SKEW_TOLERANCE_MS;
    add({
      name: 'clock',
      status: skewed ? 'fail' : 'ok',
      summary: skewed ? describeSkew(offset) : `in step with STS (${Math.round(offset / 1000) === 0 ? '' : offset > 0 ? '+' : '-'}${formatDuration(Math.abs(offset))})`,
      ...(skewed ? { hint: 'fix the clock (for example "timedatectl set-ntp true"); tokens signed with a wrong clock fail' } : {}),
      details: { offsetMs: offset },
    });
  } else {
    add({ name: 'clock', status: 'skip', summary: 'no answer from STS to compare with' });
  }

  if (context) {
    add(await clusterCheck(context, token.token));
  }

  if (opts.mappingFile) {
    if (!identity) add({ name: 'mapping', status: 'skip', summary: 'no identity to map' });
    else {
      try {
        const user = mapIdentity(identity, parseAwsAuth(readFileSync(opts.mappingFile, 'utf8')));
        add(
          user
            ? { name: 'mapping', status: 'ok', summary: `${user.matchedBy} → user "${user.username}", groups [${user.groups.join(', ')}]`, details: { ...user } }
            : {
                name: 'mapping',
                status: 'fail',
                summary: `no rule in ${opts.mappingFile} matches ${identity.canonicalArn}`,
                hint: `add it to ${/:role\//.test(identity.canonicalArn) ? 'mapRoles (rolearn' : 'mapUsers (userarn'}: ${identity.canonicalArn}), or its account ${identity.accountId} to mapAccounts`,
              },
        );
      } catch (err) {
        add({ name: 'mapping', status: 'fail', summary: `${opts.mappingFile}: ${(err as Error).message}` });
      }
    }
  }
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

/** What the cluster thinks of the token: SelfSubjectReview (Kubernetes 1.28+). */
async function clusterCheck(context: ContextInfo, token: string): Promise<DoctorCheck> {
  const dispatcher = new Agent({ connect: { ...(context.caPem ? { ca: context.caPem } : {}), rejectUnauthorized: !context.insecure } });
  try {
    const res = await request(`${context.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      dispatcher,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const body = (await res.body.json().catch(() => ({}))) as { status?: { userInfo?: { username?: string; groups?: string[] } } };
    if (res.statusCode === 401) {
      return { name: 'cluster', status: 'fail', summary: `${context.server} answers 401 Unauthorized: it does not accept this identity`, hint: 'the identity must be mapped in aws-auth (or an EKS access entry) of this cluster, and the cluster ID must be the cluster\'s name' };
    }
    if (res.statusCode === 404) {
      return { name: 'cluster', status: 'skip', summary: `${context.server} has no SelfSubjectReview (Kubernetes < 1.28); the token was not rejected` };
    }
    if (res.statusCode >= 300) return { name: 'cluster', status: 'fail', summary: `${context.server} answered ${res.statusCode}` };
    const info = body.status?.userInfo;
    return { name: 'cluster', status: 'ok', summary: `${context.server} says you are "${info?.username ?? '?'}" in [${(info?.groups ?? []).join(', ')}]`, details: { userInfo: info ?? null } };
  } catch (err) {
    return { name: 'cluster', status: 'fail', summary: `cannot reach ${context.server}: ${(err as Error).message}` };
  } finally {
    await dispatcher.close();
  }
}
