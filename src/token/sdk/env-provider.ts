// Lazy boundary (its own bundle): the SDK's environment credential provider alone.
export { fromEnv } from '@aws-sdk/credential-provider-env';
