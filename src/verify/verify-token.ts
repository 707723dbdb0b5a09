import { EksAuthError } from '../errors.js';
import type { PartitionId } from '../aws/partitions.js';
import { CLUSTER_ID_HEADER } from '../token/token-format.js';
import { canonicalizeArn, splitUserId } from './arn.js';
import { transportError, undiciTransport, type StsTransport } from './sts-client.js';
import { validateToken } from './validate.js';

export interface VerifyOptions {
  /** This cluster's ID: sent as x-k8s-aws-id, so a token for another cluster fails at STS. */
  clusterId: string;
  /** The verifier's partition; tokens naming other partitions' hosts are rejected. Default aws. */
  partition?: PartitionId;
  /** The verifier's own region: its STS host is always accepted. */
  region?: string;
  /** Deadline for the STS call. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * Send the STS request to this origin (VPC endpoint, proxy, test server) instead of the token's
   * host. The token's host stays the Host header, so the signature still holds.
   */
  stsEndpointOverride?: string;
  /** HTTP stack; default undici with keep-alive and HTTPS_PROXY/NO_PROXY support. */
  transport?: StsTransport;
  /** Clock for the age check. */
  now?: () => Date;
}

export interface Identity {
  /** ARN as STS returned it. */
  arn: string;
  /** The IAM identity aws-auth mappings name (assumed-role sessions → their role). */
  canonicalArn: string;
  accountId: string;
  /** STS UserId without the session part for roles. */
  userId: string;
  /** Role session name ('' for users, root and federated users). */
  sessionName: string;
  /** Access key ID from X-Amz-Credential. */
  accessKeyId: string;
  /** The STS host the token named. */
  stsEndpoint: string;
}

export const DEFAULT_STS_TIMEOUT_MS = 10_000;
/** GetCallerIdentity answers are a few hundred bytes; refuse to buffer more than this. */
export const MAX_STS_RESPONSE_BYTES = 64 * 1024;

function stsErrorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { Error?: { Code?: string; Message?: string } };
    if (parsed.Error?.Code) return `${parsed.Error.Code}${parsed.Error.Message ? `: ${parsed.Error.Message}` : ''}`;
  } catch {}
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]{1,300})<\/Message>/.exec(body)?.[1];
  return code ? `${code}${message ? `: ${message}` : ''}` : undefined;
}

/**
 * Decides who a token belongs to: the format checks (no I/O), then STS GetCallerIdentity with
 * this cluster's ID, then the canonical identity. Throws EksAuthError with a stable code.
 */
export async function verifyToken(token: string, options: VerifyOptions): Promise<Identity> {
  if (!options.clusterId) throw new EksAuthError('USAGE', 'verifyToken needs the cluster ID');
  const partition = options.partition ?? 'aws';
  const timeoutMs = options.timeoutMs ?? DEFAULT_STS_TIMEOUT_MS;
  const validated = validateToken(token, { partition, region: options.region, now: options.now?.() ?? new Date() });

  const presigned = new URL(validated.url);
  let origin = presigned.origin;
  if (options.stsEndpointOverride) {
    const override = new URL(options.stsEndpointOverride);
    if (override.protocol !== 'https:' && override.protocol !== 'http:') throw new EksAuthError('USAGE', `STS endpoint override must be an http(s) URL, not ${options.stsEndpointOverride}`);
    origin = override.origin;
  }
  const endpoint = origin === presigned.origin ? validated.host : `${origin} for ${validated.host}`;
  const transport = options.transport ?? undiciTransport;

  let response;
  try {
    response = await transport({
      origin,
      // The path and query exactly as signed (not re-serialised by a URL parser).
      path: validated.pathAndQuery,
      headers: { host: validated.host, [CLUSTER_ID_HEADER]: options.clusterId, accept: 'application/json' },
      timeoutMs,
      maxBodyBytes: MAX_STS_RESPONSE_BYTES,
    });
  } catch (err) {
    throw transportError(err, endpoint, timeoutMs);
  }

  if (response.status !== 200) {
    if (response.body.includes('Throttling')) throw new EksAuthError('STS_THROTTLED', `STS throttled the request (${response.status}); retry later`);
    if (response.status >= 300 && response.status < 400) {
      throw new EksAuthError('STS_BAD_RESPONSE', `STS answered with a redirect (${response.status}); redirects are not followed`);
    }
    const detail = stsErrorCode(response.body);
    throw new EksAuthError('STS_REJECTED', `STS rejected the token (${response.status}${detail ? ` ${detail}` : ''})`);
  }
  let result: { Arn?: unknown; Account?: unknown; UserId?: unknown } | undefined;
  try {
    result = (JSON.parse(response.body) as { GetCallerIdentityResponse?: { GetCallerIdentityResult?: typeof result } })?.GetCallerIdentityResponse?.GetCallerIdentityResult;
  } catch {
    throw new EksAuthError('STS_BAD_RESPONSE', 'STS answered 200 with a body that is not JSON');
  }
  if (!result || typeof result.Arn !== 'string' || typeof result.Account !== 'string' || typeof result.UserId !== 'string') {
    throw new EksAuthError('STS_BAD_RESPONSE', 'STS answered 200 without Arn, Account and UserId');
  }
  const principal = canonicalizeArn(result.Arn);
  if (principal.accountId !== result.Account) {
    throw new EksAuthError('STS_BAD_RESPONSE', `STS returned account ${result.Account} for ARN ${result.Arn}`);
  }
  const { userId, sessionName } = splitUserId(result.UserId, principal.type);
  return {
    arn: result.Arn,
    canonicalArn: principal.canonicalArn,
    accountId: result.Account,
    userId,
    sessionName,
    accessKeyId: validated.accessKeyId,
    stsEndpoint: validated.host,
  };
}
