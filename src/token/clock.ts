/**
 * Clock skew. A presigned token carries its signing time; if the local clock is wrong, STS
 * rejects the token (or it expires early) and nothing can fix it after signing. When eks-auth
 * talks to STS anyway (AssumeRole), it learns the offset from the response's Date header, and
 * keeps it in the cache folder for later runs that make no STS call.
 */
import { join } from 'node:path';
import { readPrivateJson, writePrivateJson } from '../cache/file-store.js';
import { rmSync } from 'node:fs';
import { formatDuration } from '../duration.js';

/** Offsets up to this are left alone: STS tolerates them and the Date header has 1 s resolution. */
export const CLOCK_SKEW_TOLERANCE_MS = 60_000;
const FILE = 'clock-offset.json';

export function readClockOffset(cacheDir: string): number {
  const entry = readPrivateJson(join(cacheDir, FILE)) as { offsetMs?: unknown } | undefined;
  return typeof entry?.offsetMs === 'number' && Number.isFinite(entry.offsetMs) ? entry.offsetMs : 0;
}

export function writeClockOffset(cacheDir: string, offsetMs: number): void {
  if (Math.abs(offsetMs) <= CLOCK_SKEW_TOLERANCE_MS) rmSync(join(cacheDir, FILE), { force: true });
  else writePrivateJson(cacheDir, FILE, { offsetMs, measuredAt: new Date().toISOString() });
}

export function describeSkew(offsetMs: number): string {
  const text = formatDuration(Math.abs(offsetMs));
  // offset = AWS time − local time: positive means the local clock is behind.
  return `the local clock is ${text} ${offsetMs > 0 ? 'behind' : 'ahead of'} AWS`;
}
