/**
 * The token cache: one small JSON file per key under <cache-dir>/tokens. Tokens are bearer
 * secrets: the files are private, and nothing here logs them.
 */
import { join } from 'node:path';
import type { PartitionId } from '../aws/partitions.js';
import type { TokenResult } from '../token/get-token.js';
import { keyFileName } from './keys.js';
import { listJsonFiles, readPrivateJson, writePrivateJson } from './file-store.js';

/** A cached token is handed out only while more than this much of its life remains. */
export const TOKEN_REUSE_MIN_REMAINING_MS = 60_000;

export interface TokenCacheEntry {
  version: 1;
  kind: 'token';
  key: string;
  token: string;
  signedAt: string;
  expiresAt: string;
  clusterId: string;
  region: string | null;
  stsHost: string;
  signingRegion: string;
  partition: string;
  profile: string;
  roleArn: string | null;
  accessKeyId: string;
  credentialsExpireAt: string | null;
}

export const tokenDir = (cacheDir: string) => join(cacheDir, 'tokens');

function isEntry(value: unknown, key: string): value is TokenCacheEntry {
  const e = value as Partial<TokenCacheEntry> | undefined;
  return (
    !!e && e.version === 1 && e.kind === 'token' && e.key === key && typeof e.token === 'string' && e.token.startsWith('k8s-aws-v1.') &&
    typeof e.expiresAt === 'string' && typeof e.signedAt === 'string' && typeof e.stsHost === 'string'
  );
}

/** The token for `key` when it has more than a minute left; corrupt or foreign files count as none. */
export function readCachedToken(cacheDir: string, key: string, now: number): TokenResult | undefined {
  const e = readPrivateJson(join(tokenDir(cacheDir), `${keyFileName(key)}.json`));
  if (!isEntry(e, key)) return undefined;
  const expires = Date.parse(e.expiresAt);
  if (!(expires - now > TOKEN_REUSE_MIN_REMAINING_MS)) return undefined;
  if (expires - now > 15 * 60_000) return undefined; // the clock went backwards since it was written
  return {
    token: e.token, expiresAt: new Date(e.expiresAt), signedAt: new Date(e.signedAt), clusterId: e.clusterId, stsHost: e.stsHost,
    signingRegion: e.signingRegion, partition: e.partition as PartitionId, accessKeyId: e.accessKeyId,
    credentialsExpireAt: e.credentialsExpireAt ? new Date(e.credentialsExpireAt) : undefined, fromCache: true,
  };
}

/** Stores a token under `key`, with what `cache list` shows beside it (no secrets but the token). */
export function writeCachedToken(cacheDir: string, key: string, t: TokenResult, shown: { region: string | null; profile: string; roleArn: string | null }): void {
  const entry: TokenCacheEntry = {
    version: 1, kind: 'token', key, token: t.token, signedAt: t.signedAt.toISOString(), expiresAt: t.expiresAt.toISOString(),
    clusterId: t.clusterId, stsHost: t.stsHost, signingRegion: t.signingRegion, partition: t.partition, accessKeyId: t.accessKeyId,
    credentialsExpireAt: t.credentialsExpireAt?.toISOString() ?? null, ...shown,
  };
  writePrivateJson(tokenDir(cacheDir), `${keyFileName(key)}.json`, entry);
}

export function listCachedTokens(cacheDir: string): TokenCacheEntry[] {
  const dir = tokenDir(cacheDir);
  return listJsonFiles(dir)
    .map((f) => readPrivateJson(join(dir, f)))
    .filter((e): e is TokenCacheEntry => isEntry(e, (e as TokenCacheEntry | undefined)?.key ?? ''));
}
