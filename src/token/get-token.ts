import { EksAuthError } from '../errors.js';
import { loadProfileSettings } from './aws-config.js';
import { assumeRole, createLogger, resolveSourceCredentials, type Logger, type ResolvedCredentials } from './credentials.js';
import { encodeToken, presignGetCallerIdentity } from './presign.js';
import { resolveStsEndpoint } from './sts-endpoint.js';
import type { PartitionId } from '../aws/partitions.js';

/**
 * kubectl reuses a credential until exactly its expirationTimestamp. STS honours the presigned URL
 * for 15 minutes; 14 leaves a minute for clock skew and the API server's round trip (the AWS CLI
 * uses the same value).
 */
export const TOKEN_LIFETIME_MS = 14 * 60 * 1000;

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
  /** Whether an MFA prompt may be shown; default false for library callers. */
  interactive?: boolean | undefined;
  prompt?: ((question: string) => Promise<string>) | undefined;
  logger?: Logger | undefined;
  /** Clock, for tests and clock-skew correction. */
  now?: (() => Date) | undefined;
  /**
   * Environment for the region, STS endpoint and profile settings (AWS_REGION, AWS_PROFILE,
   * AWS_CONFIG_FILE, …); default process.env. The SDK's credential chain always reads process.env.
   */
  env?: Record<string, string | undefined> | undefined;
}

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
}

export function validateTokenOptions(opts: Pick<GetTokenOptions, 'clusterId' | 'sessionName' | 'forwardSessionName' | 'externalId' | 'roleArn'>): void {
  if (!opts.clusterId || opts.clusterId.trim() === '') {
    throw new EksAuthError('USAGE', 'a cluster ID is required: pass -i <cluster> (or --cluster-name, or set KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID)');
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

/**
 * Produces an EKS bearer token: resolves credentials (default chain, or the ones given), assumes
 * a role when asked, and presigns STS GetCallerIdentity for the cluster.
 */
export async function getToken(options: GetTokenOptions): Promise<TokenResult> {
  validateTokenOptions(options);
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(false);
  const now = options.now ?? (() => new Date());

  const settings = await loadProfileSettings({ profile: options.profile, region: options.region }, env);
  const endpoint = resolveStsEndpoint(settings);
  logger.debug(`STS host ${endpoint.host}, signing region ${endpoint.signingRegion}, profile ${settings.profileName}`);

  let credentials: ResolvedCredentials;
  if (typeof options.credentials === 'function') credentials = await options.credentials();
  else if (options.credentials) credentials = options.credentials;
  else {
    credentials = await resolveSourceCredentials({
      profile: options.profile,
      profileName: settings.profileName,
      region: settings.region,
      interactive: options.interactive ?? false,
      clusterId: options.clusterId,
      logger,
      prompt: options.prompt,
    });
  }
  if (options.roleArn) {
    credentials = await assumeRole(credentials, {
      roleArn: options.roleArn,
      externalId: options.externalId,
      sessionName: options.sessionName,
      forwardSessionName: options.forwardSessionName,
      region: settings.region,
      logger,
    });
  }

  // Whole seconds: X-Amz-Date has no fraction, and expirationTimestamp must not outlive it.
  const signedAt = new Date(Math.floor(now().getTime() / 1000) * 1000);
  const url = await presignGetCallerIdentity({ credentials, clusterId: options.clusterId, endpoint, signingDate: signedAt });
  let expiresAt = new Date(signedAt.getTime() + TOKEN_LIFETIME_MS);
  // A token is only as good as the credentials that signed it.
  if (credentials.expiration && credentials.expiration < expiresAt) expiresAt = credentials.expiration;

  return {
    token: encodeToken(url),
    expiresAt,
    signedAt,
    clusterId: options.clusterId,
    stsHost: endpoint.host,
    signingRegion: endpoint.signingRegion,
    partition: endpoint.partition,
    accessKeyId: credentials.accessKeyId,
    credentialsExpireAt: credentials.expiration,
  };
}
