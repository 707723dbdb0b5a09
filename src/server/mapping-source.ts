/**
 * The aws-auth mappings from a file, kept current. A mounted ConfigMap is updated in place by the
 * kubelet (an atomic symlink swap in the file's folder), so the folder is watched, and the file is
 * also re-read on a timer in case an event is missed. A new version that does not parse is
 * logged and the previous mappings stay in force.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { parseAwsAuth, type AwsAuthMappings } from '../mapping/aws-auth.js';
import type { JsonLogger } from './log.js';

export interface MappingSource {
  current(): AwsAuthMappings;
  close(): void;
}

export function fileMappingSource(path: string, opts: { logger: JsonLogger; pollMs?: number; onReload?: (ok: boolean) => void }): MappingSource {
  // The first load must succeed: a server with no mappings would deny everyone silently.
  let text = readFileSync(path, 'utf8');
  let mappings = parseAwsAuth(text);
  opts.logger.info('mappings loaded', { file: path, roles: mappings.roles.length, users: mappings.users.length, accounts: mappings.accounts.length });

  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    let next: string;
    try {
      next = readFileSync(path, 'utf8');
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
    watcher = watch(dirname(path), soon);
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
