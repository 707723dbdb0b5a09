// Lazy boundary (its own bundle): the SDK's SSO OIDC client, for the device-authorization login.
export { SSOOIDCClient, RegisterClientCommand, StartDeviceAuthorizationCommand, CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
