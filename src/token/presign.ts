import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { StsEndpoint } from './sts-endpoint.js';
import { CLUSTER_ID_HEADER } from './token-format.js';

/**
 * 60 s is what every EKS token carries, but STS accepts a presigned GetCallerIdentity URL for
 * 15 minutes after X-Amz-Date whatever X-Amz-Expires says; old aws-iam-authenticator servers
 * reject values above 60. So the token lives 15 minutes while saying 60.
 */
export const PRESIGN_EXPIRES_SECONDS = 60;

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/**
 * The order botocore writes a presigned query in: the operation's own parameters, then the
 * presign parameters, the security token after SignedHeaders, the signature last. Servers do not
 * care; matching it makes our token byte-identical to `aws eks get-token`'s.
 */
const QUERY_ORDER = [
  'Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
  'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature',
] as const;

/** RFC 3986 percent-encoding (unreserved: A-Z a-z 0-9 - _ . ~), as botocore and SigV4 use. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function serializeQuery(query: Record<string, string>): string {
  const known = QUERY_ORDER.filter((k) => query[k] !== undefined);
  const rest = Object.keys(query).filter((k) => !(QUERY_ORDER as readonly string[]).includes(k)).sort();
  return [...known, ...rest].map((k) => `${rfc3986Encode(k)}=${rfc3986Encode(query[k]!)}`).join('&');
}

/**
 * Presigns `GET https://<sts-host>/?Action=GetCallerIdentity&Version=2011-06-15` with the cluster
 * ID in the signed header x-k8s-aws-id (never in the query).
 */
export async function presignGetCallerIdentity(args: {
  credentials: SigningCredentials;
  clusterId: string;
  endpoint: StsEndpoint;
  signingDate: Date;
}): Promise<string> {
  const { credentials, clusterId, endpoint, signingDate } = args;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region: endpoint.signingRegion,
    service: 'sts',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: endpoint.host,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: clusterId },
  });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate });
  return `https://${endpoint.host}/?${serializeQuery(signed.query as Record<string, string>)}`;
}
