/**
 * IAM Identity Center (SSO) sign-in with the OAuth device authorization grant, as
 * `aws sso login` does: register a client, show the user a URL and code on stderr, poll until they
 * approve, and write the token where the AWS CLI and SDKs read it (~/.aws/sso/cache). Several
 * kubectl processes can start at once (kubectl, helm, k9s): a per-session lock makes one of them
 * run the login while the others wait for its token.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadSsoSessionData } from '@smithy/core/config';
import { EksAuthError } from '../errors.js';
import { acquireLock, ensurePrivateDir, writePrivateJson } from '../cache/file-store.js';
import type { Logger } from './credentials.js';

export interface SsoSettings {
  /** The token cache id: the sso-session name, or the start URL for legacy profiles. */
  cacheId: string;
  startUrl: string;
  region: string;
  scopes: string[];
}

type Profiles = Record<string, Record<string, string | undefined> | undefined>;

/** The SSO settings of a profile, or undefined when it does not use SSO. */
export async function ssoSettingsOf(profiles: Profiles, profileName: string, env: Record<string, string | undefined>): Promise<SsoSettings | undefined> {
  const profile = profiles[profileName];
  if (!profile) return undefined;
  if (profile.sso_session) {
    const sessions = (await loadSsoSessionData(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {})) as Profiles;
    const session = sessions[profile.sso_session];
    if (!session?.sso_start_url || !session.sso_region) return undefined;
    return {
      cacheId: profile.sso_session,
      startUrl: session.sso_start_url,
      region: session.sso_region,
      scopes: (session.sso_registration_scopes ?? 'sso:account:access').split(',').map((s) => s.trim()).filter(Boolean),
    };
  }
  if (profile.sso_start_url && profile.sso_region) {
    return { cacheId: profile.sso_start_url, startUrl: profile.sso_start_url, region: profile.sso_region, scopes: [] };
  }
  return undefined;
}

/** Where the AWS CLI keeps the token: ~/.aws/sso/cache/<sha1 of the cache id>.json. */
export function ssoTokenPath(cacheId: string, home = homedir()): string {
  return join(process.env.HOME || home, '.aws', 'sso', 'cache', `${createHash('sha1').update(cacheId).digest('hex')}.json`);
}

function tokenStillValid(path: string): boolean {
  try {
    const token = JSON.parse(readFileSync(path, 'utf8')) as { accessToken?: string; expiresAt?: string };
    return Boolean(token.accessToken) && Date.parse(token.expiresAt ?? '') - Date.now() > 60_000;
  } catch {
    return false;
  }
}

export interface SsoLoginOptions {
  sso: SsoSettings;
  profileName: string;
  /** Folder for the lock (the eks-auth cache folder). */
  lockDir: string;
  /** Where the URL and code are shown (one line each): stderr, never stdout (kubectl reads that). */
  tell: (message: string) => void;
  logger: Logger;
  /** The longest the login may take, the device code's own lifetime permitting. */
  timeoutMs?: number;
}

export async function ssoDeviceLogin(opts: SsoLoginOptions): Promise<void> {
  const tokenPath = ssoTokenPath(opts.sso.cacheId);
  ensurePrivateDir(opts.lockDir);
  const lockName = `sso-login-${createHash('sha1').update(opts.sso.cacheId).digest('hex').slice(0, 16)}.lock`;
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const release = await acquireLock(join(opts.lockDir, lockName), { waitMs: timeoutMs, staleMs: timeoutMs + 60_000, onWait: () => tokenStillValid(tokenPath) });
  try {
    // Another process signed in while this one waited: its token serves.
    if (tokenStillValid(tokenPath)) return;
    if (!release) throw new EksAuthError('SSO_SESSION_EXPIRED', `another eks-auth is signing in to SSO for profile "${opts.profileName}" and has not finished: finish that sign-in, or run "aws sso login --profile ${opts.profileName}"`);

    const { SSOOIDCClient, RegisterClientCommand, StartDeviceAuthorizationCommand, CreateTokenCommand } = await import('./sdk/sso-oidc-client.js');
    const client = new SSOOIDCClient({ region: opts.sso.region, logger: opts.logger });
    try {
      const registration = await client.send(new RegisterClientCommand({ clientName: 'eks-auth', clientType: 'public', ...(opts.sso.scopes.length ? { scopes: opts.sso.scopes } : {}) }));
      const device = await client.send(new StartDeviceAuthorizationCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl: opts.sso.startUrl }));
      const deadline = Date.now() + Math.min(timeoutMs, (device.expiresIn ?? 600) * 1000);
      opts.tell(
        `the SSO session of profile "${opts.profileName}" has expired. To sign in, open ${device.verificationUriComplete ?? device.verificationUri} ` +
          `and check that it shows the code ${device.userCode}; waiting until ${new Date(deadline).toISOString()}.`,
      );
      let interval = Math.max(1, device.interval ?? 5) * 1000;
      for (;;) {
        await new Promise((r) => setTimeout(r, interval));
        if (Date.now() > deadline) throw new EksAuthError('SSO_SESSION_EXPIRED', `the SSO sign-in for profile "${opts.profileName}" was not approved in time: run the command again, or "aws sso login --profile ${opts.profileName}"`);
        try {
          const token = await client.send(new CreateTokenCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
          // 0600, atomically: the token is a bearer secret, and other processes may be reading.
          writePrivateJson(dirname(tokenPath), basename(tokenPath), {
            startUrl: opts.sso.startUrl,
            region: opts.sso.region,
            accessToken: token.accessToken,
            expiresAt: new Date(Date.now() + (token.expiresIn ?? 3600) * 1000).toISOString(),
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
            registrationExpiresAt: new Date((registration.clientSecretExpiresAt ?? 0) * 1000).toISOString(),
            ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
          });
          opts.tell(`signed in to SSO for profile "${opts.profileName}".`);
          return;
        } catch (err) {
          const name = (err as { name?: string }).name;
          if (name === 'AuthorizationPendingException') continue;
          if (name === 'SlowDownException') {
            interval += 5000;
            continue;
          }
          throw new EksAuthError('SSO_SESSION_EXPIRED', `the SSO sign-in for profile "${opts.profileName}" failed (${name ?? 'error'}): run "aws sso login --profile ${opts.profileName}"`, { cause: err });
        }
      }
    } finally {
      client.destroy();
    }
  } finally {
    release?.();
  }
}
