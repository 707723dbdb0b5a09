// Lazy boundary (its own bundle): the SDK's whole default credential chain.
export { fromNodeProviderChain } from '@aws-sdk/credential-providers';
