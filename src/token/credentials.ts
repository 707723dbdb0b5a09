/**
 * Credential resolution for `token`: the SDK's default chain (loaded only on a cache miss), an
 * optional AssumeRole, and the translation of SDK failures into one actionable line each.
 * Heavy modules are imported lazily so a command that does not need them never loads them.
 */
import { EksAuthError, isEksAuthError } from '../errors.js';
import type { SigningCredentials } from './presign.js';

export interface ResolvedCredentials extends SigningCredentials {
  expiration?: Date | undefined;
  /** Where they came from, in words (for doctor and --verbose). */
  source?: string | undefined;
}

/** The SDK marks resolved credentials with feature flags; these say where they came from. */
const SOURCE_NAMES: Array<[string, string]> = [
  ['CREDENTIALS_STS_ASSUME_ROLE', 'a role assumed by the profile (role_arn)'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'a role assumed from source_profile (role_arn)'],
  ['CREDENTIALS_PROFILE_NAMED_PROVIDER', 'a role assumed from credential_source'],
  ['CREDENTIALS_PROFILE_SSO', 'IAM Identity Center (SSO) through the profile'],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'IAM Identity Center (SSO, legacy settings) through the profile'],
  ['CREDENTIALS_SSO', 'IAM Identity Center (SSO)'],
  ['CREDENTIALS_SSO_LEGACY', 'IAM Identity Center (SSO, legacy settings)'],
  ['CREDENTIALS_PROFILE_PROCESS', 'credential_process of the profile'],
  ['CREDENTIALS_PROCESS', 'credential_process'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web identity token of the profile'],
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)'],
  ['CREDENTIALS_PROFILE_LOGIN', 'aws login session of the profile'],
  ['CREDENTIALS_LOGIN', 'aws login session'],
  ['CREDENTIALS_PROFILE', 'static keys in the shared credentials/config file'],
  ['CREDENTIALS_HTTP', 'the container credentials endpoint (ECS, EKS Pod Identity)'],
  ['CREDENTIALS_IMDS', 'EC2 instance metadata (IMDS)'],
  ['CREDENTIALS_ENV_VARS', 'environment variables (AWS_ACCESS_KEY_ID)'],
];

export function describeCredentialSource(features: Record<string, unknown> | undefined): string | undefined {
  if (!features) return undefined;
  return SOURCE_NAMES.find(([flag]) => flag in features)?.[1];
}

export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A logger that says nothing unless verbose: the SDK must never write to stderr on its own. */
export function createLogger(verbose: boolean, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (level: string) => (...args: unknown[]) => {
    if (verbose) write(`eks-auth [${level}] ${args.map((a) => (typeof a === 'string' ? a : safeDescribe(a))).join(' ')}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function safeDescribe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  // Objects from the SDK may hold credentials: describe their shape, never their values.
  if (value && typeof value === 'object') return `{${Object.keys(value).join(', ')}}`;
  return String(value);
}

/** The sources the default chain tries, in order, for the "no credentials" message. */
export const CREDENTIAL_SOURCES =
  'environment (AWS_ACCESS_KEY_ID), shared config and credentials files (SSO, credential_process, role_arn), web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), container (ECS/EKS Pod Identity) and EC2 instance metadata';

export interface SourceCredentialOptions {
  /** Profile named with --profile; AWS_PROFILE is honoured by the chain itself. */
  profile?: string | undefined;
  profileName: string;
  /** Whether a prompt may be shown (MFA); a function is asked only when a prompt is needed. */
  interactive: boolean | (() => boolean);
  clusterId: string;
  logger: Logger;
  /** Reads one line from the user; used for the MFA code. */
  prompt?: ((question: string) => Promise<string>) | undefined;
}

export async function resolveSourceCredentials(opts: SourceCredentialOptions): Promise<ResolvedCredentials> {
  // Dispatcher, in the SDK chain's own order: environment keys come first unless a profile is
  // named (the SDK skips them then, as the AWS CLI does for --profile). For them the env provider
  // alone is enough, and the rest of the chain (SSO, STS and metadata clients) is never loaded.
  const env = process.env;
  if (!opts.profile && !env.AWS_PROFILE && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const { fromEnv } = await import('./sdk/env-provider.js');
    const creds = await fromEnv({ logger: opts.logger })();
    return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken, expiration: creds.expiration, source: describeCredentialSource({ CREDENTIALS_ENV_VARS: 1 }) };
  }
  const { fromNodeProviderChain } = await import('./sdk/provider-chain.js');
  const mfaCodeProvider = async (serial: string): Promise<string> => {
    const interactive = typeof opts.interactive === 'function' ? opts.interactive() : opts.interactive;
    if (!interactive || !opts.prompt) {
      throw new EksAuthError(
        'MFA_REQUIRED',
        `profile "${opts.profileName}" needs an MFA code for ${serial}, but no terminal is available to ask for it (kubeconfig interactiveMode Never, or stdin is not a TTY): set interactiveMode: IfAvailable in the kubeconfig's exec entry, or run "eks-auth token -i ${opts.clusterId} --profile ${opts.profileName}" in a terminal once to cache the role's credentials`,
      );
    }
    const code = (await opts.prompt(`MFA code for ${serial}: `)).trim();
    // What was typed is not repeated: it may be something else pasted by mistake.
    if (!/^\d{6}$/.test(code)) throw new EksAuthError('MFA_REQUIRED', `the MFA code for ${serial} must be 6 digits`);
    return code;
  };
  try {
    const provider = fromNodeProviderChain({
      ...(opts.profile ? { profile: opts.profile } : {}),
      mfaCodeProvider,
      logger: opts.logger,
      // No region here: it would override the profile's sso_region for the SSO portal call.
      clientConfig: { logger: opts.logger },
    });
    const creds = await provider();
    return {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiration: creds.expiration,
      source: describeCredentialSource((creds as { $source?: Record<string, unknown> }).$source),
    };
  } catch (err) {
    throw translateCredentialError(err, opts.profileName);
  }
}

/** Maps SDK credential failures to one line saying what is wrong and what to run. */
export function translateCredentialError(err: unknown, profileName: string): EksAuthError {
  if (isEksAuthError(err)) return err;
  const e = err as { name?: string; message?: string; Code?: string };
  const message = String(e?.message ?? err);
  if (/sso/i.test(message) && /(expired|invalid|not found|sso login)/i.test(message)) {
    return new EksAuthError('SSO_SESSION_EXPIRED', `the SSO session for profile "${profileName}" has expired or is missing: run "aws sso login --profile ${profileName}"`, { cause: err });
  }
  if (/Could not load credentials from any providers/.test(message)) {
    return new EksAuthError('NO_CREDENTIALS', `no AWS credentials found; tried ${CREDENTIAL_SOURCES}. Set AWS_PROFILE or pass --profile, or run "aws configure"`, { cause: err });
  }
  if (e?.name === 'AccessDenied' || e?.Code === 'AccessDenied') {
    return new EksAuthError('ASSUME_ROLE_DENIED', `assuming the role of profile "${profileName}" was denied: ${message}`, { cause: err });
  }
  if (e?.name === 'ExpiredToken' || e?.name === 'ExpiredTokenException') {
    return new EksAuthError('CREDENTIALS_ERROR', `the credentials of profile "${profileName}" have expired: refresh them (for example "aws sso login --profile ${profileName}") and try again`, { cause: err });
  }
  return new EksAuthError('CREDENTIALS_ERROR', `could not get credentials for profile "${profileName}": ${message}`, { cause: err });
}

export interface AssumeRoleOptions {
  /** Told the server's Date of each STS response (clock-skew detection). */
  onServerDate?: ((serverDate: Date, receivedAt: Date) => void) | undefined;
  roleArn: string;
  externalId?: string | undefined;
  sessionName?: string | undefined;
  forwardSessionName?: boolean | undefined;
  region?: string | undefined;
  logger: Logger;
}

/**
 * The session name `aws eks get-token --role-arn` uses, so CloudTrail and aws-auth
 * `{{SessionName}}` mappings see the same name whichever tool made the token.
 */
export const DEFAULT_ROLE_SESSION_NAME = 'EKSGetTokenAuth';

/**
 * AssumeRole through the SDK's STS client. AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL redirect this
 * call (the SDK honours them), but never the host inside the token.
 */
export async function assumeRole(source: ResolvedCredentials, opts: AssumeRoleOptions): Promise<ResolvedCredentials> {
  const { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } = await import('./sdk/sts-client.js');
  const client = new STSClient({
    region: opts.region ?? 'us-east-1',
    credentials: source,
    logger: opts.logger,
    maxAttempts: 3,
  });
  if (opts.onServerDate) {
    const report = opts.onServerDate;
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const date = (result.response as { headers?: Record<string, string> }).headers?.date;
        const parsed = date ? new Date(date) : undefined;
        if (parsed && !Number.isNaN(parsed.getTime())) report(parsed, new Date());
        return result;
      },
      { step: 'deserialize', name: 'eksAuthServerDate' },
    );
  }
  try {
    let sessionName = opts.sessionName ?? DEFAULT_ROLE_SESSION_NAME;
    if (opts.forwardSessionName) {
      const caller = await callSts(() => client.send(new GetCallerIdentityCommand({})), 'GetCallerIdentity');
      sessionName = sessionNameFromArn(caller.Arn ?? '');
    }
    const out = await callSts(
      () =>
        client.send(
          new AssumeRoleCommand({
            RoleArn: opts.roleArn,
            RoleSessionName: sessionName,
            ...(opts.externalId ? { ExternalId: opts.externalId } : {}),
          }),
        ),
      'AssumeRole',
      opts.roleArn,
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new EksAuthError('STS_CALL_FAILED', `STS AssumeRole for ${opts.roleArn} returned no credentials`);
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration, source: `AssumeRole of ${opts.roleArn}` };
  } finally {
    client.destroy();
  }
}

/** The session name of an assumed-role ARN, for --forward-session-name. */
export function sessionNameFromArn(arn: string): string {
  const match = /^arn:[\w-]+:sts::\d{12}:assumed-role\/(?:.+\/)?[^/]+\/([^/]+)$/.exec(arn);
  if (!match) {
    throw new EksAuthError('USAGE', `--forward-session-name needs assumed-role credentials, but the caller is ${arn || 'unknown'}: drop the flag or pass -s <name>`);
  }
  return match[1]!;
}

async function callSts<T>(call: () => Promise<T>, operation: string, roleArn?: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isEksAuthError(err)) throw err;
    const e = err as { name?: string; message?: string };
    if (operation === 'AssumeRole' && e.name === 'AccessDenied') {
      throw new EksAuthError('ASSUME_ROLE_DENIED', `STS denied AssumeRole on ${roleArn}: ${e.message ?? e.name}`, { cause: err });
    }
    if (e.name === 'ExpiredToken' || e.name === 'InvalidClientTokenId' || e.name === 'SignatureDoesNotMatch') {
      throw new EksAuthError('CREDENTIALS_ERROR', `STS ${operation} rejected the source credentials (${e.name}): ${e.message ?? ''}`.trim(), { cause: err });
    }
    throw new EksAuthError('STS_CALL_FAILED', `STS ${operation}${roleArn ? ` for ${roleArn}` : ''} failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { cause: err });
  }
}
