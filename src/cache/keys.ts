/**
 * Cache keys. A key is the SHA-256 of every input that changes the token or credentials, so a
 * different input can never return another input's entry. Secrets never enter a key: access key
 * IDs are hashed, secret keys and session tokens are left out.
 */
import { createHash } from 'node:crypto';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function hashKey(fields: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(fields));
}

type Profiles = Record<string, Record<string, string | undefined> | undefined>;
const SECRET_FIELDS = new Set(['aws_secret_access_key', 'aws_session_token']);

function profileDigest(profiles: Profiles, name: string, seen: Set<string>): unknown {
  const section = profiles[name];
  if (!section || seen.has(name)) return null;
  seen.add(name);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(section)) {
    if (v === undefined || SECRET_FIELDS.has(k)) continue;
    fields[k] = k === 'aws_access_key_id' ? sha256Hex(v) : v;
  }
  return { name, fields, source: section.source_profile ? profileDigest(profiles, section.source_profile, seen) : null };
}

/**
 * Who the source credentials are, as far as can be told without resolving them (a cache hit must
 * not load the SDK): environment keys (by a hash of the access key ID) when they apply — the
 * SDK's chain uses them first unless a profile is named — else the profile's settings (its
 * static key ID hashed, its role, SSO or process settings, its source_profile chain) and the
 * web identity and container variables.
 */
export function sourceFingerprint(args: { profiles: Profiles; profileName: string; profileNamed: boolean; env: Record<string, string | undefined> }): string {
  const { profiles, profileName, profileNamed, env } = args;
  if (!profileNamed && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return hashKey({ source: 'env', accessKeyId: sha256Hex(env.AWS_ACCESS_KEY_ID) });
  }
  return hashKey({
    source: 'chain',
    profile: profileDigest(profiles, profileName, new Set()),
    webIdentity: env.AWS_WEB_IDENTITY_TOKEN_FILE ? [env.AWS_WEB_IDENTITY_TOKEN_FILE, env.AWS_ROLE_ARN ?? '', env.AWS_ROLE_SESSION_NAME ?? ''] : null,
    container: env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? null,
  });
}
