import { parseKnownFiles } from '@smithy/core/config';
import { EksAuthError } from '../errors.js';
import type { StsEndpointSettings } from './sts-endpoint.js';

export interface ProfileSettings extends StsEndpointSettings {
  /** The profile the credential chain will use. */
  profileName: string;
  /** Whether the user named it (--profile or AWS_PROFILE), as opposed to the implicit default. */
  profileNamed: boolean;
  /** The profile's mfa_serial, when it assumes a role with MFA. */
  mfaSerial?: string | undefined;
  /** Whether the profile's credentials are temporary and costly to get (role, SSO, process). */
  profileMakesTemporaryCredentials: boolean;
  /** All profiles of the shared files (for the cache's source fingerprint). */
  profiles: Record<string, Record<string, string | undefined> | undefined>;
}

type Env = Record<string, string | undefined>;

function envBoolean(env: Env, name: string): boolean | undefined {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new EksAuthError('USAGE', `${name} must be "true" or "false", not "${env[name]}"`);
}

function iniBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value.trim().toLowerCase() === 'true';
}

function regionalEndpointsSetting(value: string | undefined, source: string): 'regional' | 'legacy' | undefined {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (v === 'regional' || v === 'legacy') return v;
  throw new EksAuthError('USAGE', `${source} must be "regional" or "legacy", not "${value}"`);
}

/**
 * Everything the token needs from the environment and the shared config files, read with the
 * SDK's own loader (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and ~ expansion included).
 * Precedence is the AWS CLI's: flag, then environment, then profile. The region is never looked
 * up in instance metadata: off EC2 that probe costs seconds, and the token does not need it.
 */
export async function loadProfileSettings(opts: { profile?: string | undefined; region?: string | undefined }, env: Env = process.env): Promise<ProfileSettings> {
  const profileName = opts.profile || env.AWS_PROFILE || 'default';
  const profileNamed = Boolean(opts.profile || env.AWS_PROFILE);
  const profiles = await parseKnownFiles({
    profile: profileName,
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
  });
  const profile = profiles[profileName];
  if (profileNamed && profile === undefined) {
    throw new EksAuthError(
      'UNKNOWN_PROFILE',
      `profile "${profileName}" is not in ${env.AWS_CONFIG_FILE ?? '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'}: check --profile/AWS_PROFILE, or create it with "aws configure --profile ${profileName}"`,
    );
  }
  const region = opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || profile?.region || undefined;
  return {
    profileName,
    profileNamed,
    region,
    stsRegionalEndpoints:
      regionalEndpointsSetting(env.AWS_STS_REGIONAL_ENDPOINTS, 'AWS_STS_REGIONAL_ENDPOINTS') ??
      regionalEndpointsSetting(profile?.sts_regional_endpoints, `sts_regional_endpoints in profile ${profileName}`),
    useFips: envBoolean(env, 'AWS_USE_FIPS_ENDPOINT') ?? iniBoolean(profile?.use_fips_endpoint),
    useDualstack: envBoolean(env, 'AWS_USE_DUALSTACK_ENDPOINT') ?? iniBoolean(profile?.use_dualstack_endpoint),
    mfaSerial: profile?.mfa_serial,
    profileMakesTemporaryCredentials: Boolean(profile && (profile.role_arn || profile.sso_session || profile.sso_start_url || profile.credential_process)),
    profiles,
  };
}
