/**
 * Load benchmark of `eks-auth server`: the server, the STS stand-in and the load generator (wrk
 * from Debian, or autocannon) each in a process of their own on this machine, loopback only,
 * bounded in time.   npm run bench:server [-- --connections 32 --duration 10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { EKS_AUTH, ROOT } from '../test/support/cli.js';
import { ALICE } from '../test/support/sts-stand-in.js';
import { createSelfSignedCertificate } from '../src/server/certificate.js';
import { getToken } from '../src/token/get-token.js';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '32' }, duration: { type: 'string', default: '10' }, tool: { type: 'string', default: 'wrk' } },
});
const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}`))));
  });
const work = mkdtempSync(join(tmpdir(), 'eks-auth-bench-server-'));
const children: ChildProcess[] = [];
const waitForLine = (child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    child[stream]!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) resolve(m[0]);
    });
    child.on('exit', () => reject(new Error(`exited early: ${text}`)));
  });

try {
  const sts = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/sts-stand-in-main.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(sts);
  const stsUrl = (await waitForLine(sts, 'stdout', /http:\/\/127\.0\.0\.1:\d+/)).trim();

  const { certPem, keyPem } = await createSelfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });
  writeFileSync(join(work, 'cert.pem'), certPem);
  writeFileSync(join(work, 'key.pem'), keyPem, { mode: 0o600 });
  writeFileSync(join(work, 'aws-auth.yaml'), `mapUsers: |\n  - userarn: ${ALICE.arn}\n    username: alice\n    groups: [devs]\n`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  // Logs go to a file, as under a supervisor; a pipe nobody reads would slow the server down.
  // EKS_AUTH_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server alone.
  const nodeArgs = process.env.EKS_AUTH_BENCH_NODE_ARGS?.split(' ').filter(Boolean);
  const [command, prefix] = nodeArgs ? [process.execPath, [...nodeArgs, join(ROOT, 'dist/cli/cli.cjs')]] : [EKS_AUTH, []];
  const server = spawn(command, [...prefix, 'server', '-i', 'bench', '--state-dir', work, '--mapping', join(work, 'aws-auth.yaml'), '--port', String(port), '--sts-endpoint-override', stsUrl], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(server);
  await waitForLine(server, 'stderr', /"msg":"listening"/);
  server.stderr!.resume();

  const { token } = await getToken({ clusterId: 'bench', credentials: ALICE, env: { AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') } });
  const review = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
  console.log(`eks-auth server load test, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log(`${values.connections} keep-alive TLS connections, ${values.duration} s; server, STS stand-in (SigV4 checked) and the load generator share the machine`);
  if (values.tool === 'wrk') {
    // wrk (C, one thread) leaves more of the two cores to the server and the STS stand-in.
    writeFileSync(join(work, 'review.lua'), `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = ${JSON.stringify(review)}\n`);
    const out = await run('wrk', ['-t1', `-c${values.connections}`, `-d${values.duration}s`, '--latency', '-s', join(work, 'review.lua'), `https://127.0.0.1:${port}/authenticate`]);
    const pick = (re: RegExp) => re.exec(out)?.[1] ?? '?';
    console.log(`wrk: reviews/s ${pick(/Requests\/sec:\s+([\d.]+)/)}, latency p50 ${pick(/ 50%\s+(\S+)/)}, p90 ${pick(/ 90%\s+(\S+)/)}, p99 ${pick(/ 99%\s+(\S+)/)}`);
    console.log(`non-2xx: ${pick(/Non-2xx or 3xx responses: (\d+)/) === '?' ? 0 : pick(/Non-2xx or 3xx responses: (\d+)/)}, socket errors: ${/Socket errors/.test(out) ? pick(/(Socket errors.*)/) : 'none'}`);
  } else {
    const result = await autocannon({
      url: `https://127.0.0.1:${port}/authenticate`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: review,
      connections: Number(values.connections),
      duration: Number(values.duration),
      tlsOptions: { ca: certPem },
    } as autocannon.Options);
    console.log(`autocannon: reviews/s mean ${Math.round(result.requests.average)} (total ${result.requests.total}), latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
    console.log(`errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`);
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  rmSync(work, { recursive: true, force: true });
}
