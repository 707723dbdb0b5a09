/**
 * Cache keys. A key is the canonical JSON of every input that changes the token or credentials.
 * Each entry stores its whole key and is used only on an exact match, so a different input can
 * never return another input's entry; the file name is a short hash of the key, and a collision
 * costs a miss, nothing more. No node:crypto here: loading it costs ~7 ms on every kubectl
 * command, and no secret enters a key — secret keys and session tokens are left out, and the
 * access key ID is only stored in a private file beside a token that already carries it.
 */

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The canonical key string for a set of fields. */
export function cacheKey(fields: Record<string, unknown>): string {
  return canonicalJson(fields);
}

/** FNV-1a, two 32-bit lanes with different offsets: a 64-bit file name, not a security measure. */
export function keyFileName(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 13);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

type Profiles = Record<string, Record<string, string | undefined> | undefined>;
const SECRET_FIELDS = new Set(['aws_secret_access_key', 'aws_session_token']);

function profileDigest(profiles: Profiles, name: string, seen: Set<string>): unknown {
  const section = profiles[name];
  if (!section || seen.has(name)) return null;
  seen.add(name);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(section)) if (v !== undefined && !SECRET_FIELDS.has(k)) fields[k] = v;
  return { name, fields, source: section.source_profile ? profileDigest(profiles, section.source_profile, seen) : null };
}

/**
 * Who the source credentials are, as far as can be told without resolving them (a cache hit must
 * not load the SDK): environment keys (by access key ID) when they apply — the SDK's chain uses
 * them first unless a profile is named — else the profile's settings (its key ID, role, SSO or
 * process settings, its source_profile chain, never its secrets) and the web identity and
 * container variables.
 */
export function sourceFingerprint(args: { profiles: Profiles; profileName: string; profileNamed: boolean; env: Record<string, string | undefined> }): string {
  const { profiles, profileName, profileNamed, env } = args;
  if (!profileNamed && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return canonicalJson({ source: 'env', accessKeyId: env.AWS_ACCESS_KEY_ID });
  }
  return canonicalJson({
    source: 'chain',
    profile: profileDigest(profiles, profileName, new Set()),
    webIdentity: env.AWS_WEB_IDENTITY_TOKEN_FILE ? [env.AWS_WEB_IDENTITY_TOKEN_FILE, env.AWS_ROLE_ARN ?? '', env.AWS_ROLE_SESSION_NAME ?? ''] : null,
    container: env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? null,
  });
}
