/**
 * An independent SigV4 verifier for the test STS stand-in, written from the AWS specification with
 * node:crypto only. It must not share code with the signer eks-auth ships (@smithy/signature-v4):
 * a shared bug would then sign and verify wrong tokens alike. It is cross-checked against tokens
 * from the real AWS CLI (botocore) in the tests.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Splits a raw query string into decoded pairs, keeping order and duplicates ('+' is literal). */
export function parseRawQuery(raw: string): Array<[string, string]> {
  if (raw === '') return [];
  return raw.split('&').map((part) => {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    return [decodeURIComponent(k), decodeURIComponent(v)];
  });
}

export interface SignedParts {
  accessKeyId: string;
  date: string; // YYYYMMDD
  region: string;
  service: string;
  amzDate: string; // YYYYMMDDTHHMMSSZ
  signedHeaders: string[];
  signature: string;
  securityToken?: string;
  presigned: boolean;
}

export class SignatureProblem extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Extracts what the signature claims, from the query (presigned) or the Authorization header. */
export function readSignedParts(query: Array<[string, string]>, headers: Record<string, string | undefined>): SignedParts | undefined {
  const q = new Map(query);
  if (q.has('X-Amz-Signature')) {
    const cred = (q.get('X-Amz-Credential') ?? '').split('/');
    if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || cred.length !== 5 || cred[4] !== 'aws4_request') {
      throw new SignatureProblem('IncompleteSignature', 'Malformed presigned X-Amz-Credential or X-Amz-Algorithm');
    }
    const securityToken = q.get('X-Amz-Security-Token');
    return {
      accessKeyId: cred[0]!, date: cred[1]!, region: cred[2]!, service: cred[3]!,
      amzDate: q.get('X-Amz-Date') ?? '',
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: q.get('X-Amz-Signature')!,
      ...(securityToken !== undefined ? { securityToken } : {}),
      presigned: true,
    };
  }
  const auth = headers['authorization'];
  if (!auth) return undefined;
  const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new SignatureProblem('IncompleteSignature', 'Authorization header is not a SigV4 header');
  const cred = m[1]!.split('/');
  if (cred.length !== 5 || cred[4] !== 'aws4_request') throw new SignatureProblem('IncompleteSignature', 'Malformed Credential in Authorization header');
  const securityToken = headers['x-amz-security-token'];
  return {
    accessKeyId: cred[0]!, date: cred[1]!, region: cred[2]!, service: cred[3]!,
    amzDate: headers['x-amz-date'] ?? '',
    signedHeaders: m[2]!.split(';'),
    signature: m[3]!,
    ...(securityToken !== undefined ? { securityToken } : {}),
    presigned: false,
  };
}

/**
 * Recomputes the signature of a request as STS would and compares it. `rawHeaders` are Node's
 * (name, value) pairs as received; `body` the raw body.
 */
export function verifySignature(args: {
  method: string;
  path: string;
  query: Array<[string, string]>;
  rawHeaders: string[];
  body: Buffer;
  parts: SignedParts;
  secretAccessKey: string;
}): boolean {
  const { method, path, query, rawHeaders, body, parts, secretAccessKey } = args;
  const canonicalQuery = query
    .filter(([k]) => !(parts.presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

  const headerValues = new Map<string, string[]>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    headerValues.set(name, [...(headerValues.get(name) ?? []), rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ')]);
  }
  const canonicalHeaders = parts.signedHeaders.map((h) => `${h}:${(headerValues.get(h) ?? []).join(',')}\n`).join('');
  const payloadHash = headerValues.get('x-amz-content-sha256')?.[0] ?? (body.length === 0 ? EMPTY_SHA256 : sha256Hex(body));
  const canonicalPath = path.split('/').map((s) => uriEncode(decodeURIComponent(s))).join('/');

  const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, parts.signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, parts.date);
  for (const step of [parts.region, parts.service, 'aws4_request']) key = hmac(key, step);
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'));
  const given = Buffer.from(parts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Parses YYYYMMDDTHHMMSSZ. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}
