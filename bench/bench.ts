/**
 * Start-up benchmark, interleaved: every round runs each command a few times with hyperfine, and
 * rounds alternate, so drift in machine load hits all commands alike; the ratios come from one
 * run. Done twice: with NODE_EXTRA_CA_CERTS as this machine sets it (if it does) and without.
 *
 *   npm run bench [-- --rounds 8 --runs 5]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { EKS_AUTH, ROOT, kubectlVersions } from '../test/support/cli.js';
import { startKubeApiServerStandIn } from '../test/support/kube-apiserver-stand-in.js';
import { ALICE } from '../test/support/sts-stand-in.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '8' }, runs: { type: 'string', default: '5' } } });
const ROUNDS = Number(values.rounds);
const RUNS = Number(values.runs);
const STATIC_TOKEN = 'static-bench-token';
const work = mkdtempSync(join(tmpdir(), 'eks-auth-bench-'));

// The apiserver does the same cheap check for both kinds of token, so the difference between the
// two kubectl rows is the credential plugin alone.
const apiserver = await startKubeApiServerStandIn(async (token) => token === STATIC_TOKEN || token.startsWith('k8s-aws-v1.'));
const kubectl = kubectlVersions().at(-1) ?? 'kubectl';
const cluster = { name: 'bench', cluster: { server: apiserver.url, 'certificate-authority-data': Buffer.from(apiserver.caPem).toString('base64') } };
const kubeconfig = (user: object) =>
  stringify({ apiVersion: 'v1', kind: 'Config', clusters: [cluster], users: [{ name: 'u', user }], contexts: [{ name: 'c', context: { cluster: 'bench', user: 'u' } }], 'current-context': 'c' });
writeFileSync(join(work, 'static.yaml'), kubeconfig({ token: STATIC_TOKEN }));
writeFileSync(join(work, 'exec.yaml'), kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never', command: EKS_AUTH, args: ['token', '-i', 'bench', '--region', 'eu-west-1'] } }));

const commands: Array<[string, string]> = [
  ['node -e 0', 'node -e 0'],
  ['eks-auth token (cache hit)', `${EKS_AUTH} token -i bench --region eu-west-1`],
  ['eks-auth token --no-cache (env credentials)', `${EKS_AUTH} token -i bench --region eu-west-1 --no-cache`],
  ['aws eks get-token', 'aws eks get-token --cluster-name bench --region eu-west-1'],
  ['kubectl get --raw /version, static token', `${kubectl} --kubeconfig ${join(work, 'static.yaml')} get --raw /version`],
  ['kubectl get --raw /version, eks-auth', `${kubectl} --kubeconfig ${join(work, 'exec.yaml')} get --raw /version`],
];

function environment(withCa: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('KUBERNETES_') && !k.startsWith('EKS_AUTH_')) env[k] = v;
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: ALICE.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey,
    AWS_CONFIG_FILE: join(work, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    EKS_AUTH_CACHE_DIR: join(work, 'cache'),
    HOME: work,
  });
  if (!withCa) delete env.NODE_EXTRA_CA_CERTS;
  if (process.env.AWS_CA_BUNDLE) env.AWS_CA_BUNDLE = process.env.AWS_CA_BUNDLE;
  return env;
}

async function measure(withCa: boolean): Promise<Map<string, number[]>> {
  const env = environment(withCa);
  // Warm the token cache so "cache hit" is one.
  execFileSync(EKS_AUTH, ['token', '-i', 'bench', '--region', 'eu-west-1'], { env, stdio: 'ignore' });
  const times = new Map<string, number[]>(commands.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? commands : [...commands].reverse();
    const out = join(work, `round-${round}.json`);
    const args = ['-N', '--style', 'none', '--warmup', '1', '--runs', String(RUNS), '--export-json', out];
    for (const [name, cmd] of order) args.push('-n', name, cmd);
    // Asynchronous: the apiserver stand-in lives in this process and must keep answering kubectl.
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('hyperfine', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error('hyperfine failed');
    for (const result of JSON.parse(readFileSync(out, 'utf8')).results as Array<{ command: string; times: number[] }>) {
      times.get(result.command)!.push(...result.times.map((s) => s * 1000));
    }
    process.stderr.write(`  round ${round + 1}/${ROUNDS}\r`);
  }
  return times;
}

function peakRss(withCa: boolean, args: string[]): number {
  const file = join(work, 'rss.txt');
  rmSync(file, { force: true });
  const env = { ...environment(withCa), NODE_OPTIONS: `--require=${join(ROOT, 'bench/record-rss.cjs')}`, EKS_AUTH_BENCH_RSS_FILE: file };
  for (let i = 0; i < 5; i++) execFileSync(EKS_AUTH, args, { env, stdio: 'ignore' });
  return Math.max(...readFileSync(file, 'utf8').trim().split('\n').map(Number)) / 1024;
}

const stat = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, median: sorted[Math.floor(sorted.length / 2)]!, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
};

const modes = process.env.NODE_EXTRA_CA_CERTS ? [true, false] : [false];
console.log(`eks-auth start-up benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${kubectl.split('/').pop()}`);
console.log(`${ROUNDS} interleaved rounds × ${RUNS} runs per command (hyperfine -N), times in ms\n`);
try {
  for (const withCa of modes) {
    const times = await measure(withCa);
    const base = stat(times.get('node -e 0')!).median;
    const noCache = stat(times.get('eks-auth token --no-cache (env credentials)')!).median;
    console.log(withCa ? `NODE_EXTRA_CA_CERTS set (${process.env.NODE_EXTRA_CA_CERTS})` : 'NODE_EXTRA_CA_CERTS unset');
    console.log('| command | median | mean ± sd | × node -e 0 |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name] of commands) {
      const s = stat(times.get(name)!);
      console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.mean.toFixed(1)} ± ${s.sd.toFixed(1)} | ${(s.median / base).toFixed(2)} |`);
    }
    const aws = stat(times.get('aws eks get-token')!).median;
    const kStatic = stat(times.get('kubectl get --raw /version, static token')!).median;
    const kExec = stat(times.get('kubectl get --raw /version, eks-auth')!).median;
    console.log(`\naws eks get-token / eks-auth --no-cache: ${(aws / noCache).toFixed(1)}×; kubectl with eks-auth costs ${(kExec - kStatic).toFixed(1)} ms over a static token`);
    console.log(`peak RSS: cache hit ${peakRss(withCa, ['token', '-i', 'bench', '--region', 'eu-west-1']).toFixed(1)} MB, --no-cache ${peakRss(withCa, ['token', '-i', 'bench', '--region', 'eu-west-1', '--no-cache']).toFixed(1)} MB\n`);
  }
} finally {
  await apiserver.close();
  rmSync(work, { recursive: true, force: true });
}
