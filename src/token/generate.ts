/**
 * The cache-miss half of getToken: credentials (through the SDK), role assumption, signing.
 * Loaded only when no cached token fits; the credential-cache decisions live here.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCredentialCache } from '../cache/credential-cache.js';
import { cacheKey } from '../cache/keys.js';
import { isEksAuthError } from '../errors.js';
import type { ProfileSettings } from './aws-config.js';
import { assumeRole, createLogger, resolveSourceCredentials, type ResolvedCredentials } from './credentials.js';
import { tokenExpiry, type GetTokenOptions, type TokenResult } from './get-token.js';
import { presignGetCallerIdentity } from './presign.js';
import type { StsEndpoint } from './sts-endpoint.js';
import { CLOCK_SKEW_TOLERANCE_MS, describeSkew, readClockOffset, writeClockOffset } from './clock.js';
import { encodeToken } from './token-format.js';

const isInteractive = (interactive: boolean | (() => boolean) | undefined) => (typeof interactive === 'function' ? interactive() : Boolean(interactive));

export async function generateToken(args: {
  options: GetTokenOptions;
  settings: ProfileSettings;
  endpoint: StsEndpoint;
  env: Record<string, string | undefined>;
  now: () => Date;
  cache?: { dir: string; fingerprint: string; stsApiEndpoint: string | null } | undefined;
}): Promise<TokenResult> {
  const { options, settings, endpoint, now, cache } = args;
  const logger = options.logger ?? createLogger(false);
  // Every network connection of getToken happens below (SDK credential sources, STS AssumeRole).
  await options.beforeNetwork?.();
  logger.debug(`STS host ${endpoint.host}, signing region ${endpoint.signingRegion}, profile ${settings.profileName}`);

  const chain = () =>
    resolveSourceCredentials({
      profile: options.profile,
      profileName: settings.profileName,
      interactive: options.interactive ?? false,
      clusterId: options.clusterId,
      logger,
      prompt: options.prompt,
    });

  const resolveSource = async (): Promise<ResolvedCredentials> => {
    if (typeof options.credentials === 'function') return options.credentials();
    if (options.credentials) return options.credentials;
    try {
      return await chain();
    } catch (err) {
      // An expired SSO session with a user at the terminal: sign in once, then try again.
      if (!isEksAuthError(err) || err.code !== 'SSO_SESSION_EXPIRED' || !isInteractive(options.interactive)) throw err;
      const { ssoSettingsOf, ssoDeviceLogin } = await import('./sso-login.js');
      const sso = await ssoSettingsOf(settings.profiles, settings.profileName, args.env);
      if (!sso) throw err;
      await ssoDeviceLogin({ sso, profileName: settings.profileName, lockDir: cache?.dir ?? join(tmpdir(), `eks-auth-${process.getuid?.() ?? 'user'}`), tell: (m) => options.notify?.(m), logger });
      return chain();
    }
  };

  // Profiles that assume a role (maybe with MFA), use SSO or run a process hand out temporary
  // credentials that are slow to get: cache them like the AWS CLI does, keyed by the profile.
  const getSource =
    cache && !options.credentials && settings.profileMakesTemporaryCredentials
      ? () => withCredentialCache(cache.dir, cacheKey({ kind: 'source', v: 1, source: cache.fingerprint, stsApiEndpoint: cache.stsApiEndpoint }), { profile: settings.profileName, roleArn: null }, resolveSource)
      : resolveSource;

  // AWS time − local time, learned from an STS response now or on an earlier run.
  let clockOffsetMs = cache ? readClockOffset(cache.dir) : 0;
  let learnedOffsetMs: number | undefined;
  const onServerDate = (serverDate: Date, receivedAt: Date) => {
    learnedOffsetMs = serverDate.getTime() - receivedAt.getTime();
  };

  let credentials: ResolvedCredentials;
  if (options.roleArn) {
    const roleArn = options.roleArn;
    const assume = async () =>
      assumeRole(await getSource(), {
        roleArn,
        externalId: options.externalId,
        sessionName: options.sessionName,
        forwardSessionName: options.forwardSessionName,
        region: settings.region,
        logger,
        onServerDate,
      });
    // With the role's credentials cached, the source credentials are not even resolved. IAM
    // credentials are global, so the key has no region: one AssumeRole serves every region.
    if (cache) {
      const roleKey = cacheKey({
        kind: 'role', v: 1, source: cache.fingerprint, roleArn, externalId: options.externalId ?? null, sessionName: options.sessionName ?? null,
        forwardSessionName: Boolean(options.forwardSessionName), stsApiEndpoint: cache.stsApiEndpoint,
      });
      credentials = await withCredentialCache(cache.dir, roleKey, { profile: settings.profileName, roleArn }, assume);
    } else {
      credentials = await assume();
    }
  } else {
    credentials = await getSource();
  }

  if (learnedOffsetMs !== undefined) {
    // The Date header has one-second resolution; smaller differences are noise.
    const skewed = Math.abs(learnedOffsetMs) > CLOCK_SKEW_TOLERANCE_MS;
    if (skewed && Math.abs(learnedOffsetMs - clockOffsetMs) > CLOCK_SKEW_TOLERANCE_MS) {
      options.notify?.(`warning: ${describeSkew(learnedOffsetMs)} (STS's Date header); signing with the corrected time. Fix the clock (for example "timedatectl set-ntp true").`);
    }
    clockOffsetMs = skewed ? learnedOffsetMs : 0;
    if (cache) {
      try {
        writeClockOffset(cache.dir, learnedOffsetMs);
      } catch {}
    }
  }

  // Signed in AWS time (whole seconds: X-Amz-Date has no fraction); the expiry is told to kubectl
  // in local time, which is the clock kubectl compares it with.
  const localNow = now().getTime();
  const signedAt = new Date(Math.floor((localNow + clockOffsetMs) / 1000) * 1000);
  const url = await presignGetCallerIdentity({ credentials, clusterId: options.clusterId, endpoint, signingDate: signedAt });
  const credentialsEndLocal = credentials.expiration ? new Date(credentials.expiration.getTime() - clockOffsetMs) : undefined;
  return {
    token: encodeToken(url),
    expiresAt: tokenExpiry(new Date(signedAt.getTime() - clockOffsetMs), credentialsEndLocal),
    signedAt,
    clusterId: options.clusterId,
    stsHost: endpoint.host,
    signingRegion: endpoint.signingRegion,
    partition: endpoint.partition,
    accessKeyId: credentials.accessKeyId,
    credentialsExpireAt: credentials.expiration,
    credentialSource: options.credentials ? 'given by the caller' : credentials.source,
    clockOffsetMs,
    fromCache: false,
  };
}
