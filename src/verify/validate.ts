/**
 * The format checks of PROTOCOL.md §2, steps 1–11, in order: the first failure rejects the token.
 * Pure and synchronous: nothing here touches the network, so a malformed or hostile token never
 * makes the verifier send a request anywhere.
 */
import { EksAuthError } from '../errors.js';
import type { PartitionId } from '../aws/partitions.js';
import { TOKEN_PREFIX } from '../token/token-format.js';
import { isAllowedStsHost } from './sts-hosts.js';

export const MAX_TOKEN_LENGTH = 4096;
/** STS honours a presigned GetCallerIdentity URL for 15 minutes after X-Amz-Date. */
export const TOKEN_MAX_AGE_MS = 15 * 60 * 1000;

const ALLOWED_QUERY_KEYS = new Set([
  'action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires',
  'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders',
]);

export interface ValidatedToken {
  /** The presigned URL exactly as decoded. */
  url: string;
  /** Its path and query as they appear in the token, byte for byte: what is sent to STS. */
  pathAndQuery: string;
  /** The STS host the token names (lower case). */
  host: string;
  accessKeyId: string;
  signedAt: Date;
}

export interface ValidateOptions {
  partition: PartitionId;
  /** The verifier's own region: its STS host is always allowed. */
  region?: string | undefined;
  now: Date;
}

function malformed(check: string): EksAuthError {
  return new EksAuthError('TOKEN_MALFORMED', `invalid token: ${check}`);
}

export function validateToken(token: string, options: ValidateOptions): ValidatedToken {
  // 1. Length, prefix included. Counted in bytes: kube-apiserver passes the header through.
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_LENGTH) throw malformed(`longer than ${MAX_TOKEN_LENGTH} bytes`);
  // 2. Prefix.
  if (!token.startsWith(TOKEN_PREFIX)) throw malformed(`does not start with "${TOKEN_PREFIX}"`);
  // 3. Strict base64url without padding: Node's decoder is lenient, so check the alphabet first.
  const encoded = token.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) throw malformed('not base64url without padding (only A-Z a-z 0-9 - _ are allowed)');
  if (encoded.length % 4 === 1) throw malformed('base64url payload has an impossible length');
  const url = Buffer.from(encoded, 'base64url').toString('utf8');

  // 4. A URL, https. Presigned URLs are printable ASCII; anything else could only smuggle bytes
  // into the request line, and STS would refuse it anyway.
  if (!/^[\x21-\x7e]*$/.test(url)) throw malformed('URL contains characters that are not printable ASCII');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw malformed('payload is not a URL');
  }
  if (parsed.protocol !== 'https:') throw malformed(`scheme must be https, not ${parsed.protocol.replace(/:$/, '')}`);

  // The URL parser normalises (drops :443, resolves "/a/..", lower-cases the host): judge the
  // authority and path as they are written in the token, since that is what would be sent.
  const afterScheme = url.slice('https://'.length);
  const authorityEnd = afterScheme.search(/[/?#]/);
  const rawAuthority = authorityEnd < 0 ? afterScheme : afterScheme.slice(0, authorityEnd);
  const rawPath = afterScheme.slice(rawAuthority.length).replace(/[?#].*$/, '');

  // 5. Host: an STS host of the verifier's partition, nothing else in the authority.
  if (rawAuthority.includes('@')) throw malformed('URL carries user info');
  if (/:\d*$/.test(rawAuthority)) throw malformed(`URL names a port (${rawAuthority.slice(rawAuthority.lastIndexOf(':') + 1) || 'empty'})`);
  const host = parsed.hostname;
  // Exact match, as the Go tool does: case variants are never produced by a real client.
  if (rawAuthority !== host || !isAllowedStsHost(host, options.partition, options.region)) {
    throw malformed(`host "${rawAuthority}" is not an STS endpoint of partition ${options.partition}`);
  }

  // 6. Path exactly "/", and nothing that is not sent (a fragment).
  if (rawPath !== '/') throw malformed(`path must be "/", not "${rawPath}"`);
  if (url.includes('#')) throw malformed('URL has a fragment');

  // 7. Query: allow-listed keys, case-insensitive, each once with one value.
  const raw = parsed.search.slice(1);
  const params = new Map<string, string>();
  for (const pair of raw === '' ? [] : raw.split('&')) {
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      value = decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1));
    } catch {
      throw malformed('query has a broken percent-encoding');
    }
    if (!ALLOWED_QUERY_KEYS.has(key)) throw malformed(`query parameter "${key}" is not allowed`);
    if (params.has(key)) throw malformed(`query parameter "${key}" appears more than once`);
    params.set(key, value);
  }

  // 8. Action.
  if (params.get('action') !== 'GetCallerIdentity') throw malformed('Action must be GetCallerIdentity');
  // 9. The cluster ID header is signed.
  const signed = (params.get('x-amz-signedheaders') ?? '').toLowerCase().split(';');
  if (!signed.includes('x-k8s-aws-id')) throw malformed('X-Amz-SignedHeaders does not include x-k8s-aws-id');
  // 10. Expires.
  const expires = params.get('x-amz-expires');
  if (expires === undefined || !/^\d{1,3}$/.test(expires) || Number(expires) > 900) throw malformed('X-Amz-Expires must be an integer from 0 to 900');
  // 11. Date, and age.
  const date = params.get('x-amz-date') ?? '';
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) throw malformed('X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ');
  const signedAt = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  if (Number.isNaN(signedAt.getTime())) throw malformed('X-Amz-Date is not a date');
  if (options.now.getTime() > signedAt.getTime() + TOKEN_MAX_AGE_MS) {
    throw new EksAuthError('TOKEN_EXPIRED', `invalid token: expired (signed ${signedAt.toISOString()}, valid for 15 minutes)`);
  }

  const accessKeyId = (params.get('x-amz-credential') ?? '').split('/')[0] ?? '';
  return { url, pathAndQuery: afterScheme.slice(rawAuthority.length), host, accessKeyId, signedAt };
}
