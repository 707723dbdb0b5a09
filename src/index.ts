/**
 * eks-auth as a library. Everything here is stable API; the CLI is a thin layer over it.
 */
export { getToken, tokenExpiry, TOKEN_LIFETIME_MS, type GetTokenOptions, type TokenResult } from './token/get-token.js';
export { defaultCacheDir } from './cache/paths.js';
export {
  formatExecCredential,
  parseExecInfo,
  EXEC_API_V1,
  EXEC_API_V1BETA1,
  EXEC_API_V1ALPHA1,
  type ExecCredentialApiVersion,
  type ExecInfo,
} from './token/exec-credential.js';
export { encodeToken, decodeToken, TOKEN_PREFIX, CLUSTER_ID_HEADER } from './token/token-format.js';
export type { SigningCredentials } from './token/presign.js';
export { resolveStsEndpoint, type StsEndpoint, type StsEndpointSettings } from './token/sts-endpoint.js';
export type { ResolvedCredentials, Logger } from './token/credentials.js';
export { PARTITIONS, PARTITION_IDS, type PartitionId } from './aws/partitions.js';
export { EksAuthError, isEksAuthError, type EksAuthErrorCode } from './errors.js';
export { verifyToken, DEFAULT_STS_TIMEOUT_MS, type VerifyOptions, type Identity } from './verify/verify-token.js';
export { validateToken, MAX_TOKEN_LENGTH, type ValidatedToken } from './verify/validate.js';
export { canonicalizeArn, splitUserId, type CanonicalPrincipal, type PrincipalType } from './verify/arn.js';
export { isAllowedStsHost } from './verify/sts-hosts.js';
export type { StsTransport, StsHttpRequest, StsHttpResponse } from './verify/sts-client.js';
export { parseAwsAuth, mapIdentity, renderTemplate, MappingError, type AwsAuthMappings, type RoleMapping, type UserMapping, type MappedUser } from './mapping/aws-auth.js';
export { startAuthServer, type AuthServer, type AuthServerOptions } from './server/auth-server.js';
export { fileMappingSource, type MappingSource } from './server/mapping-source.js';
export { initStateDir, CERT_VALIDITY_DAYS, type InitOptions, type InitResult } from './server/init.js';
export { parseTokenReview, allowedReview, deniedReview, type TokenReviewVersion } from './server/token-review.js';
export { jsonLogger, type JsonLogger } from './server/log.js';
