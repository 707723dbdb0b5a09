/**
 * Small, synchronous file primitives for the caches. Synchronous on purpose: the cache-hit path
 * runs on every kubectl command, and a handful of sync syscalls beat promise round-trips.
 * Files are 0600 in 0700 folders, written atomically (temp file + rename in the same folder), so
 * parallel readers see the old file or the new one, never a torn one.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, chmodSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Creates the folder (and parents) private to the user; tightens an existing one we own. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
}

/**
 * Reads and parses a JSON file, or undefined when it is missing, unreadable, not JSON, or not a
 * private file of this user (a file others could have written is not trusted).
 */
export function readPrivateJson(path: string): unknown {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (st.mode & 0o077) !== 0 || (process.getuid && st.uid !== process.getuid())) return undefined;
    return JSON.parse(readFileSync(fd, 'utf8'));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes JSON atomically with mode 0600. Throws on failure; callers treat that as "not cached". */
export function writePrivateJson(dir: string, name: string, value: unknown): void {
  ensurePrivateDir(dir);
  // Unique enough with 'wx' (exclusive create); not node:crypto, which the hit path avoids loading.
  const tmp = join(dir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, join(dir, name));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function listJsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  } catch {
    return [];
  }
}

/** Removes the folder's cache files (entries, temp files, locks); returns how many entries went. */
export function clearDir(dir: string): number {
  let entries = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/\.(json|tmp|lock)$/.test(name)) continue;
    try {
      unlinkSync(join(dir, name));
      if (name.endsWith('.json') && !name.startsWith('.')) entries++;
    } catch {}
  }
  return entries;
}

/**
 * An exclusive lock file (O_EXCL). Returns a release function, or undefined when another live
 * process holds it past `waitMs`; a lock older than `staleMs` is taken over (its holder died).
 */
export async function acquireLock(path: string, opts: { waitMs: number; staleMs: number; onWait?: () => boolean }): Promise<(() => void) | undefined> {
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    try {
      if (Date.now() - statSync(path).mtimeMs > opts.staleMs) {
        rmSync(path, { force: true });
        continue;
      }
    } catch {
      continue; // released meanwhile
    }
    // The holder may have finished the work: let the caller look before waiting on.
    if (opts.onWait?.()) return undefined;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}
