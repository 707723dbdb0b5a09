// Lazy boundary (its own bundle): the SDK's STS client, for AssumeRole and GetCallerIdentity.
export { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
