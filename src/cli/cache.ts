import { clearDir } from '../cache/file-store.js';
import { formatDuration } from '../duration.js';
import { defaultCacheDir } from '../cache/paths.js';
import { credentialDir, listCachedCredentials } from '../cache/credential-cache.js';
import { listCachedTokens, tokenDir } from '../cache/token-cache.js';

function remaining(expiresAt: string, now: number): string {
  const ms = Date.parse(expiresAt) - now;
  return ms <= 0 ? 'expired' : formatDuration(ms);
}

export function runCacheList(flags: { cacheDir?: string; output?: 'text' | 'json' }): void {
  const dir = flags.cacheDir ?? defaultCacheDir();
  const now = Date.now();
  const rows = [
    ...listCachedTokens(dir).map((e) => ({ kind: 'token', cluster: e.clusterId, region: e.region ?? '', stsHost: e.stsHost, profile: e.profile, role: e.roleArn ?? '', expiresAt: e.expiresAt })),
    ...listCachedCredentials(dir).map((e) => ({ kind: 'credentials', cluster: '', region: '', stsHost: '', profile: e.profile, role: e.roleArn ?? '', expiresAt: e.expiration })),
  ];
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, remainingSeconds: Math.max(0, Math.floor((Date.parse(r.expiresAt) - now) / 1000)) })))}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(`no cached tokens or credentials in ${dir}\n`);
    return;
  }
  const table = [['KIND', 'CLUSTER', 'REGION', 'PROFILE', 'ROLE', 'EXPIRES IN'], ...rows.map((r) => [r.kind, r.cluster || '-', r.region || '-', r.profile, r.role || '-', remaining(r.expiresAt, now)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  process.stdout.write(table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
}

export function runCacheClear(flags: { cacheDir?: string }): void {
  const dir = flags.cacheDir ?? defaultCacheDir();
  const removed = clearDir(tokenDir(dir)) + clearDir(credentialDir(dir));
  process.stdout.write(`removed ${removed} cached ${removed === 1 ? 'entry' : 'entries'} from ${dir}\n`);
}
