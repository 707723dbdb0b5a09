/** Token framing: dependency-free, so the cache-hit path and the verifier can use it cheaply. */
export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

/** `k8s-aws-v1.` + base64url without padding. */
export function encodeToken(presignedUrl: string): string {
  return TOKEN_PREFIX + Buffer.from(presignedUrl, 'utf8').toString('base64url');
}

/** Inverse of encodeToken, lenient; the verifier has its own strict decoder. */
export function decodeToken(token: string): string {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error('not an EKS token');
  return Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8');
}
