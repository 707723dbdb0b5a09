import { copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { EksAuthError } from '../errors.js';
import { convertKubeconfig } from '../kubeconfig/convert.js';
import { writeStdout } from './output.js';

interface ConvertFlags {
  kubeconfig?: string;
  context?: string;
  dryRun?: boolean;
  restore?: boolean;
  command?: string;
}

export const BACKUP_SUFFIX = '.eks-auth-backup';

/** The files kubectl would read: --kubeconfig, else every file in KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (flag) return [flag];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length) return fromEnv.filter((f) => existsSync(f));
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

function writeKeepingMode(path: string, text: string): void {
  const mode = statSync(path).mode & 0o777;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export function runConvertKubeconfig(flags: ConvertFlags): void {
  const files = kubeconfigFiles(flags.kubeconfig);
  if (files.length === 0) throw new EksAuthError('USAGE', 'no kubeconfig file found: pass --kubeconfig <file>');
  const lines: string[] = [];
  if (flags.restore) {
    for (const file of files) {
      const backup = `${file}${BACKUP_SUFFIX}`;
      if (!existsSync(backup)) {
        lines.push(`no backup for ${file} (${backup})`);
        continue;
      }
      renameSync(backup, file);
      lines.push(`restored ${file} from ${backup}`);
    }
    writeStdout(`${lines.join('\n')}\n`);
    return;
  }
  let matchedContext = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new EksAuthError('USAGE', `cannot read kubeconfig ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let result;
    try {
      result = convertKubeconfig(text, { context: flags.context, ...(flags.command ? { command: flags.command } : {}) });
      matchedContext = true;
    } catch (err) {
      if (flags.context && /no context named/.test((err as Error).message)) continue;
      throw new EksAuthError('USAGE', `${file}: ${(err as Error).message}`);
    }
    for (const u of result.converted) lines.push(`${flags.dryRun ? 'would convert' : 'converted'} user "${u.name}" in ${file}: ${u.from} → eks-auth ${u.args.join(' ')}`);
    for (const u of result.skipped) lines.push(`left user "${u.name}" in ${file} as it is: ${u.reason}`);
    if (result.converted.length === 0) {
      lines.push(`nothing to convert in ${file}`);
      continue;
    }
    if (flags.dryRun) {
      process.stderr.write(`${lines.splice(0).join('\n')}\n`);
      writeStdout(result.preview);
      continue;
    }
    const backup = `${file}${BACKUP_SUFFIX}`;
    // The first backup is the one worth keeping: a second run must not overwrite the original.
    if (!existsSync(backup)) {
      copyFileSync(file, backup);
      lines.push(`backup: ${backup} ("eks-auth convert-kubeconfig --restore" puts it back)`);
    } else {
      lines.push(`backup kept from an earlier run: ${backup}`);
    }
    writeKeepingMode(file, result.text);
  }
  if (flags.context && !matchedContext) throw new EksAuthError('USAGE', `no context named "${flags.context}" in ${files.join(', ')}`);
  if (lines.length) writeStdout(`${lines.join('\n')}\n`);
}
