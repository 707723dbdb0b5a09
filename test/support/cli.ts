import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EKS_AUTH = join(ROOT, 'bin', 'eks-auth');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A clean environment for a child process: none of the caller's AWS settings or Kubernetes exec
 * info, an empty HOME, shared config files that do not exist, and instance metadata switched off
 * so a test never waits on (or reaches) 169.254.169.254.
 */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): { env: Record<string, string>; home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'eks-auth-test-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('AWS_') || k.startsWith('KUBERNETES_') || k === 'KUBECONFIG' || k.startsWith('EKS_AUTH_')) continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // The AWS CLI verifies TLS with this bundle on these machines; harmless elsewhere.
    ...(process.env.AWS_CA_BUNDLE ? { AWS_CA_BUNDLE: process.env.AWS_CA_BUNDLE } : {}),
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return { env, home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function writeFile(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

export function run(command: string, args: string[], opts: { env: Record<string, string>; input?: string; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function runEksAuth(args: string[], opts: { env: Record<string, string>; input?: string; timeoutMs?: number }): Promise<RunResult> {
  return run(EKS_AUTH, args, opts);
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * True when the external tool is installed. In CI a missing tool fails the test (CI installs
 * everything it needs); elsewhere the test is skipped with what to install.
 */
export function requireTool(t: TestContext, command: string, installHint: string): boolean {
  if (hasCommand(command)) return true;
  if (process.env.CI === 'true') throw new Error(`${command} is not installed but CI must test against it: ${installHint}`);
  t.skip(`${command} not installed: ${installHint}`);
  return false;
}

/** The oldest and newest kubectl binaries on this machine (kubectl.1.NN next to kubectl). */
export function kubectlVersions(): string[] {
  const found = spawnSync('sh', ['-c', 'ls "$(dirname "$(readlink -f "$(command -v kubectl)")")"/kubectl.1.* 2>/dev/null'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
  if (found.length === 0) return hasCommand('kubectl') ? ['kubectl'] : [];
  return [...new Set([found[0]!, found[found.length - 1]!])];
}
