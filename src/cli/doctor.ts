import { defaultCacheDir } from '../cache/paths.js';
import { runDoctor, type DoctorReport } from '../doctor/doctor.js';
import { kubeconfigFiles } from './convert-kubeconfig.js';
import { writeStdout } from './output.js';

interface DoctorFlags {
  clusterId?: string;
  region?: string;
  profile?: string;
  role?: string;
  kubeconfig?: string;
  context?: string;
  mapping?: string;
  cacheDir?: string;
  output?: 'text' | 'json';
}

const MARK = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' } as const;

export function formatReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]}  ${c.name.padEnd(11)} ${c.summary}`);
    if (c.name === 'token' && typeof c.details?.url === 'string') lines.push(`${' '.repeat(18)}${c.details.url}`);
    if (c.hint && c.status === 'fail') lines.push(`${' '.repeat(18)}→ ${c.hint}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runDoctorCli(flags: DoctorFlags): Promise<number> {
  const report = await runDoctor({
    clusterId: flags.clusterId,
    region: flags.region,
    profile: flags.profile,
    roleArn: flags.role,
    kubeconfigFiles: flags.context ? kubeconfigFiles(flags.kubeconfig) : undefined,
    context: flags.context,
    mappingFile: flags.mapping,
    cacheDir: flags.cacheDir ?? defaultCacheDir(),
  });
  writeStdout(flags.output === 'json' ? `${JSON.stringify(report)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}
