/**
 * getToken: the token side's library entry point. This module is on the cache-hit path of every
 * kubectl command, so it imports only light modules (config files, endpoint rules, the cache);
 * the AWS SDK and the signer sit behind the dynamic import of ./generate.js, loaded on a miss.
 */
import { EksAuthError } from '../errors.js';
import type { PartitionId } from '../aws/partitions.js';
import { loadProfileSettings } from './aws-config.js';
import { resolveStsEndpoint } from './sts-endpoint.js';
import { cacheKey, sourceFingerprint } from '../cache/keys.js';
import { readCachedToken, writeCachedToken } from '../cache/token-cache.js';
import type { Logger, ResolvedCredentials } from './credentials.js';

/**
 * STS honours a presigned GetCallerIdentity URL for 15 minutes after signing. The token is
 * announced to kubectl as expiring one minute earlier (clock skew, the API server's round trip),
 * which gives the same 14 minutes the AWS CLI announces.
 */
export const STS_TOKEN_VALIDITY_MS = 15 * 60 * 1000;
export const EXPIRY_MARGIN_MS = 60 * 1000;
export const TOKEN_LIFETIME_MS = STS_TOKEN_VALIDITY_MS - EXPIRY_MARGIN_MS;

export interface GetTokenOptions {
  /** Cluster name or ID: the value of the signed x-k8s-aws-id header. */
  clusterId: string;
  region?: string | undefined;
  profile?: string | undefined;
  /** Role to assume with STS AssumeRole before signing. */
  roleArn?: string | undefined;
  externalId?: string | undefined;
  sessionName?: string | undefined;
  /** Use the caller's own role session name for the assumed role. */
  forwardSessionName?: boolean | undefined;
  /**
   * Credentials to sign with instead of the SDK's default chain (CI pipelines that already hold
   * them). A function is called once.
   */
  credentials?: ResolvedCredentials | (() => Promise<ResolvedCredentials>) | undefined;
  /**
   * Reuse tokens (and assumed-role credentials) from this folder; off unless given. The CLI
   * passes ~/.kube/cache/eks-auth by default.
   */
  cacheDir?: string | undefined;
  /** Whether an MFA prompt may be shown (or a function deciding it when asked); default false. */
  interactive?: boolean | (() => boolean) | undefined;
  prompt?: ((question: string) => Promise<string>) | undefined;
  logger?: Logger | undefined;
  /**
   * Told what the user should see even on success: a skewed clock, an SSO sign-in URL and code.
   * One line each, without a program prefix; default: ignored.
   */
  notify?: ((message: string) => void) | undefined;
  /** Called once before the first network connection (a cache hit makes none). */
  beforeNetwork?: (() => Promise<void>) | undefined;
  /** Clock, for tests and clock-skew correction. */
  now?: (() => Date) | undefined;
  /**
   * Environment for the region, STS endpoint and profile settings (AWS_REGION, AWS_PROFILE,
   * AWS_CONFIG_FILE, …); default process.env. The SDK's credential chain always reads process.env.
   */
  env?: Record<string, string | undefined> | undefined;
}

/** Which token to make, as kubeconfig arguments and cluster extensions describe it. */
export type TokenTarget = Partial<Pick<GetTokenOptions, 'clusterId' | 'region' | 'profile' | 'roleArn' | 'externalId' | 'sessionName' | 'forwardSessionName'>>;

export interface TokenResult {
  /** `k8s-aws-v1.…`: a bearer token for the cluster. Secret: do not log it. */
  token: string;
  /** When kubectl should stop using the token. */
  expiresAt: Date;
  /** X-Amz-Date of the signature. */
  signedAt: Date;
  clusterId: string;
  stsHost: string;
  signingRegion: string;
  partition: PartitionId;
  /** Access key ID that signed the token (not secret; names the credentials in errors and caches). */
  accessKeyId: string;
  /** Expiry of the signing credentials, when they are temporary. */
  credentialsExpireAt?: Date | undefined;
  /** Whether the token came from the cache. */
  fromCache: boolean;
  /** Where the signing credentials came from, in words (not for cache hits). */
  credentialSource?: string | undefined;
  /** The clock correction applied when signing (AWS time − local time), in ms. */
  clockOffsetMs?: number | undefined;
}

export function validateTokenOptions(opts: Pick<GetTokenOptions, 'clusterId' | 'sessionName' | 'forwardSessionName' | 'externalId' | 'roleArn'>): void {
  if (!opts.clusterId || opts.clusterId.trim() === '') {
    throw new EksAuthError('USAGE', 'a cluster ID is required: pass -i <cluster> (or --cluster-name, KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID, or clusterName in the cluster\'s client.authentication.k8s.io/exec extension with provideClusterInfo: true)');
  }
  if (opts.sessionName !== undefined && opts.forwardSessionName) {
    throw new EksAuthError('USAGE', '--session-name and --forward-session-name conflict: pass one of them');
  }
  if (!opts.roleArn && (opts.sessionName !== undefined || opts.forwardSessionName || opts.externalId !== undefined)) {
    throw new EksAuthError('USAGE', '--session-name, --forward-session-name and --external-id apply to an assumed role: add -r <role-arn>');
  }
  if (opts.roleArn && !/^arn:[\w-]+:iam::\d{12}:role\/.+/.test(opts.roleArn)) {
    throw new EksAuthError('USAGE', `"${opts.roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }
}

export interface TokenCacheKeyFields {
  clusterId: string;
  region: string | null;
  stsHost: string;
  signingRegion: string;
  partition: string;
  profile: string;
  roleArn: string | null;
  externalId: string | null;
  sessionName: string | null;
  forwardSessionName: boolean;
  /** sourceFingerprint(): who the source credentials are (hashed key ID or profile settings). */
  source: string;
  /** AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL: another STS can hand out other role credentials. */
  stsApiEndpoint: string | null;
}

/** Every input that changes the token: a different input never finds another's entry. */
export function tokenCacheKey(fields: TokenCacheKeyFields): string {
  return cacheKey({ kind: 'token', v: 1, ...fields });
}

/** The earlier of the STS validity and the credentials' own expiry, less the margin. */
export function tokenExpiry(signedAt: Date, credentialsExpireAt?: Date): Date {
  const end = Math.min(signedAt.getTime() + STS_TOKEN_VALIDITY_MS, credentialsExpireAt?.getTime() ?? Infinity);
  return new Date(Math.floor((end - EXPIRY_MARGIN_MS) / 1000) * 1000);
}

/**
 * Produces an EKS bearer token: from the cache when a fresh one is there, else resolves
 * credentials (default chain, or the ones given), assumes a role when asked, and presigns STS
 * GetCallerIdentity for the cluster.
 */
export async function getToken(options: GetTokenOptions): Promise<TokenResult> {
  validateTokenOptions(options);
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());

  const settings = await loadProfileSettings({ profile: options.profile, region: options.region }, env);
  const endpoint = resolveStsEndpoint(settings);

  // Explicit credentials are the caller's business: cache only what the chain resolves.
  const cacheDir = options.credentials ? undefined : options.cacheDir;
  const fingerprint = cacheDir ? sourceFingerprint({ ...settings, env }) : '';
  const stsApiEndpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? null;
  const tokenKey = tokenCacheKey({
    clusterId: options.clusterId, region: settings.region ?? null, stsHost: endpoint.host, signingRegion: endpoint.signingRegion,
    partition: endpoint.partition, profile: settings.profileName, roleArn: options.roleArn ?? null, externalId: options.externalId ?? null,
    sessionName: options.sessionName ?? null, forwardSessionName: Boolean(options.forwardSessionName), source: fingerprint, stsApiEndpoint,
  });
  if (cacheDir) {
    const hit = readCachedToken(cacheDir, tokenKey, now().getTime());
    if (hit) return hit;
  }

  const { generateToken } = await import('./generate.js');
  const result = await generateToken({ options, settings, endpoint, env, now, cache: cacheDir ? { dir: cacheDir, fingerprint, stsApiEndpoint } : undefined });
  if (cacheDir) {
    try {
      writeCachedToken(cacheDir, tokenKey, result, { region: settings.region ?? null, profile: settings.profileName, roleArn: options.roleArn ?? null });
    } catch (err) {
      // A cache that cannot be written (read-only home, full disk) costs speed, never the token.
      options.logger?.debug(`token cache not written: ${(err as Error).message}`);
    }
  }
  return result;
}
