/**
 * Cached temporary credentials (assumed roles, SSO and process credentials), so `-r` and MFA
 * users make one AssumeRole (and answer one MFA prompt) per credential lifetime, not per kubectl
 * command. Files under <cache-dir>/credentials hold secrets: 0600, never logged, never listed.
 */
import { join } from 'node:path';
import type { ResolvedCredentials } from '../token/credentials.js';
import { keyFileName } from './keys.js';
import { acquireLock, ensurePrivateDir, listJsonFiles, readPrivateJson, writePrivateJson } from './file-store.js';

/** Credentials are reused until this close to their expiry (the AWS SDKs' refresh window). */
export const CREDENTIAL_REFRESH_WINDOW_MS = 5 * 60_000;

export type CachedCredentials = ResolvedCredentials & { expiration: Date };

export interface CredentialCacheEntry {
  version: 1;
  kind: 'credentials';
  key: string;
  /** What the entry is for, for `cache list` (no secrets). */
  profile: string;
  roleArn: string | null;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | null;
  expiration: string;
}

export const credentialDir = (cacheDir: string) => join(cacheDir, 'credentials');

function isEntry(value: unknown, key: string): value is CredentialCacheEntry {
  const e = value as Partial<CredentialCacheEntry> | undefined;
  return !!e && e.version === 1 && e.kind === 'credentials' && e.key === key && typeof e.accessKeyId === 'string' && typeof e.secretAccessKey === 'string' && typeof e.expiration === 'string';
}

export function readCachedCredentials(cacheDir: string, key: string, now: number): CachedCredentials | undefined {
  const entry = readPrivateJson(join(credentialDir(cacheDir), `${keyFileName(key)}.json`));
  if (!isEntry(entry, key)) return undefined;
  const expiration = new Date(entry.expiration);
  if (!(expiration.getTime() - now > CREDENTIAL_REFRESH_WINDOW_MS)) return undefined;
  return { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey, sessionToken: entry.sessionToken ?? undefined, expiration, source: `the credential cache (${entry.roleArn ? `AssumeRole of ${entry.roleArn}` : `profile ${entry.profile}`})` };
}

export function writeCachedCredentials(cacheDir: string, key: string, meta: { profile: string; roleArn: string | null }, creds: CachedCredentials): void {
  const entry: CredentialCacheEntry = {
    version: 1,
    kind: 'credentials',
    key,
    ...meta,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken ?? null,
    expiration: creds.expiration.toISOString(),
  };
  writePrivateJson(credentialDir(cacheDir), `${keyFileName(key)}.json`, entry);
}

/** For `cache list`: what is cached and until when, never the secrets. */
export function listCachedCredentials(cacheDir: string): Array<Pick<CredentialCacheEntry, 'profile' | 'roleArn' | 'expiration'>> {
  const dir = credentialDir(cacheDir);
  return listJsonFiles(dir)
    .map((f) => readPrivateJson(join(dir, f)))
    .filter((e): e is CredentialCacheEntry => isEntry(e, (e as CredentialCacheEntry | undefined)?.key ?? ''))
    .map(({ profile, roleArn, expiration }) => ({ profile, roleArn, expiration }));
}

/**
 * Resolves credentials through the cache: a fresh entry is returned as is; otherwise one process
 * at a time (a lock per key) calls `resolve`, and the others wait for its result. A lock that
 * cannot be had in time, or a cache that cannot be written, means resolving without the cache,
 * never an error.
 */
export async function withCredentialCache(
  cacheDir: string,
  key: string,
  meta: { profile: string; roleArn: string | null },
  resolve: () => Promise<ResolvedCredentials>,
  now: () => number = Date.now,
): Promise<ResolvedCredentials> {
  const cached = readCachedCredentials(cacheDir, key, now());
  if (cached) return cached;
  let release: (() => void) | undefined;
  try {
    const dir = credentialDir(cacheDir);
    ensurePrivateDir(dir);
    release = await acquireLock(join(dir, `${keyFileName(key)}.lock`), {
      waitMs: 10_000,
      staleMs: 120_000,
      onWait: () => readCachedCredentials(cacheDir, key, now()) !== undefined,
    });
  } catch {
    release = undefined;
  }
  try {
    const afterWait = readCachedCredentials(cacheDir, key, now());
    if (afterWait) return afterWait;
    const fresh = await resolve();
    if (fresh.expiration) {
      try {
        writeCachedCredentials(cacheDir, key, meta, { ...fresh, expiration: fresh.expiration });
      } catch {}
    }
    return fresh;
  } finally {
    release?.();
  }
}
