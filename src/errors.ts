/**
 * Typed errors with stable codes. Every failure the CLI reports is one of these; the CLI prints
 * `eks-auth: <message>` (one line) and, with --verbose, the cause chain. Messages must never
 * contain a secret key, session token or bearer token.
 */
export type EksAuthErrorCode =
  // usage
  | 'USAGE'
  // client side: credentials and token generation
  | 'NO_CREDENTIALS'
  | 'UNKNOWN_PROFILE'
  | 'SSO_SESSION_EXPIRED'
  | 'MFA_REQUIRED'
  | 'ASSUME_ROLE_DENIED'
  | 'STS_CALL_FAILED'
  | 'CREDENTIALS_ERROR'
  | 'INVALID_REGION'
  // server side: token verification (the check that failed is in the message)
  | 'TOKEN_MALFORMED'
  | 'TOKEN_EXPIRED'
  | 'STS_REJECTED'
  | 'STS_THROTTLED'
  | 'STS_UNREACHABLE'
  | 'STS_TIMEOUT'
  | 'STS_BAD_RESPONSE'
  | 'ARN_INVALID';

export class EksAuthError extends Error {
  override readonly name = 'EksAuthError';
  readonly code: EksAuthErrorCode;

  constructor(code: EksAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Structural, not instanceof: the CLI is split into separately loaded bundles, each with its own
 * copy of this class.
 */
export function isEksAuthError(err: unknown): err is EksAuthError {
  return err instanceof Error && err.name === 'EksAuthError' && typeof (err as { code?: unknown }).code === 'string';
}
