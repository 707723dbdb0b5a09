/**
 * The aws-auth mappings from a file or a mounted ConfigMap folder, kept current. A mounted
 * ConfigMap is updated in place by the kubelet (an atomic symlink swap in its folder), so the
 * folder is watched, and the file is
 * also re-read on a timer in case an event is missed. A new version that does not parse is
 * logged and the previous mappings stay in force.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { parseAwsAuth, type AwsAuthMappings } from '../mapping/aws-auth.js';
import type { JsonLogger } from './log.js';

export interface MappingSource {
  current(): AwsAuthMappings;
  close(): void;
}

/**
 * The mappings' text: a YAML file (ConfigMap manifest or data), or a folder where a ConfigMap is
 * mounted as a volume — one file per key, mapRoles, mapUsers, mapAccounts.
 */
function readMappingText(path: string): string {
  if (!statSync(path).isDirectory()) return readFileSync(path, 'utf8');
  const data: Record<string, string> = {};
  for (const key of ['mapRoles', 'mapUsers', 'mapAccounts']) {
    try {
      data[key] = readFileSync(join(path, key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return stringify({ data });
}

export function fileMappingSource(path: string, opts: { logger: JsonLogger; pollMs?: number; onReload?: (ok: boolean) => void }): MappingSource {
  // The first load must succeed: a server with no mappings would deny everyone silently.
  const isDir = statSync(path).isDirectory();
  let text = readMappingText(path);
  let mappings = parseAwsAuth(text);
  opts.logger.info('mappings loaded', { file: path, roles: mappings.roles.length, users: mappings.users.length, accounts: mappings.accounts.length });

  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    let next: string;
    try {
      next = readMappingText(path);
    } catch (err) {
      opts.logger.error('mapping file unreadable; keeping the previous mappings', { file: path, error: (err as Error).message });
      opts.onReload?.(false);
      return;
    }
    if (next === text) return;
    try {
      mappings = parseAwsAuth(next);
      text = next;
      opts.logger.info('mappings reloaded', { file: path, roles: mappings.roles.length, users: mappings.users.length, accounts: mappings.accounts.length });
      opts.onReload?.(true);
    } catch (err) {
      text = next; // do not log the same broken version again on every poll
      opts.logger.error('mapping file does not parse; keeping the previous mappings', { file: path, error: (err as Error).message });
      opts.onReload?.(false);
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, 50); // editors and the kubelet write in several steps
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(isDir ? path : dirname(path), soon);
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined; // the poll below still works
  }
  const poll = setInterval(reload, opts.pollMs ?? 10_000);
  poll.unref();
  return {
    current: () => mappings,
    close: () => {
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
    },
  };
}
