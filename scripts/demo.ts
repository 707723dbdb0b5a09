/**
 * The whole loop on loopback, no AWS account: a local STS (the tests' SigV4-checking stand-in)
 * with an example identity, `eks-auth token` with example credentials, `eks-auth verify` against
 * that STS, a token for the wrong cluster being refused, then `eks-auth init` and `eks-auth
 * server` answering the TokenReview kube-apiserver would send. Every step runs the real CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startStsStandIn, ALICE } from '../test/support/sts-stand-in.js';
import { EKS_AUTH, run, type RunResult } from '../test/support/cli.js';

const CLUSTER = 'demo-cluster';
const REGION = 'eu-west-1';

// Asynchronous on purpose: the STS stand-in runs in this process and must keep answering.
function eksAuth(args: string[], input?: string): Promise<RunResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: ALICE.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return run(EKS_AUTH, args, { env, ...(input !== undefined ? { input } : {}) });
}

const step = (n: number, text: string) => console.log(`\n\x1b[1m${n}. ${text}\x1b[0m`);
const shorten = (url: string) => url.replace(/(X-Amz-Signature=)([0-9a-f]{8})[0-9a-f]+/, '$1$2…');

const sts = await startStsStandIn();
try {
  step(1, `A local STS on ${sts.url} knows ${ALICE.arn}`);
  console.log(`   (it checks SigV4 signatures and the x-k8s-aws-id header for real)`);

  step(2, `eks-auth token -i ${CLUSTER} --region ${REGION}   (example credentials of alice)`);
  const token = await eksAuth(['token', '-i', CLUSTER, '--region', REGION]);
  if (token.code !== 0) throw new Error(`token failed: ${token.stderr}`);
  const credential = JSON.parse(token.stdout);
  const bearer: string = credential.status.token;
  console.log(`   ExecCredential ${credential.apiVersion}, expires ${credential.status.expirationTimestamp}`);
  console.log(`   token: ${bearer.slice(0, 24)}… (${bearer.length} characters)`);
  const url = Buffer.from(bearer.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
  console.log('   decoded:');
  for (const part of shorten(url).split(/(?=[?&])/)) console.log(`     ${part}`);

  step(3, `eks-auth verify -t - -i ${CLUSTER} --sts-endpoint-override ${sts.url} -o json`);
  const verified = await eksAuth(['verify', '-t', '-', '-i', CLUSTER, '--sts-endpoint-override', sts.url, '-o', 'json'], bearer);
  if (verified.code !== 0) throw new Error(`verify failed: ${verified.stderr}`);
  console.log(JSON.stringify(JSON.parse(verified.stdout), null, 2).replace(/^/gm, '   '));

  step(4, 'The same token presented to another cluster is refused by STS (the signature covers the cluster ID)');
  const wrong = await eksAuth(['verify', '-t', '-', '-i', 'other-cluster', '--sts-endpoint-override', sts.url], bearer);
  console.log(`   exit ${wrong.code}: ${wrong.stderr.trim()}`);

  step(5, 'A tampered token never reaches STS');
  const before = sts.requests.length;
  const evil = 'k8s-aws-v1.' + Buffer.from(url.replace(/sts\.[a-z0-9-]+\.amazonaws\.com/, 'sts.eu-west-1.amazonaws.com.evil.example')).toString('base64url');
  const tampered = await eksAuth(['verify', '-t', '-', '-i', CLUSTER, '--sts-endpoint-override', sts.url], evil);
  console.log(`   exit ${tampered.code}: ${tampered.stderr.trim()}`);
  console.log(`   requests STS saw for it: ${sts.requests.length - before}`);
  const state = mkdtempSync(join(tmpdir(), 'eks-auth-demo-'));
  try {
    const port = String(21362 + Math.floor(Math.random() * 1000));
    step(6, `eks-auth init -i ${CLUSTER} --state-dir ${state} --port ${port}`);
    const init = await eksAuth(['init', '-i', CLUSTER, '--state-dir', state, '--port', port]);
    console.log(init.stdout.trimEnd().replace(/^/gm, '   '));

    step(7, `eks-auth server on https://127.0.0.1:${port}, mapping alice to the group "developers"`);
    writeFileSync(join(state, 'aws-auth.yaml'), `mapUsers: |\n  - userarn: ${ALICE.arn}\n    username: alice\n    groups: [developers]\n`);
    const server = spawn(EKS_AUTH, ['server', '-i', CLUSTER, '--state-dir', state, '--mapping', join(state, 'aws-auth.yaml'), '--port', port, '--sts-endpoint-override', sts.url], { stdio: ['ignore', 'ignore', 'pipe'] });
    let logs = '';
    server.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    for (let i = 0; i < 100 && !logs.includes('"msg":"listening"'); i++) await new Promise((r) => setTimeout(r, 50));
    const exited = new Promise((r) => server.on('exit', r));
    try {
      // What kube-apiserver sends, trusting exactly the certificate in the webhook kubeconfig.
      const dispatcher = new Agent({ connect: { ca: readFileSync(join(state, 'cert.pem'), 'utf8') } });
      const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: bearer, audiences: [] } };
      console.log(`   POST /authenticate ${JSON.stringify({ ...review, spec: { token: `${bearer.slice(0, 24)}…` } })}`);
      const answer = await request(`https://127.0.0.1:${port}/authenticate`, { method: 'POST', body: JSON.stringify(review), headers: { 'content-type': 'application/json' }, dispatcher });
      console.log(`   ${answer.statusCode}`);
      console.log(JSON.stringify(await answer.body.json(), null, 2).replace(/^/gm, '   '));
      await dispatcher.close();
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
    console.log('   server log (JSON lines on stderr):');
    console.log(logs.trimEnd().replace(/^/gm, '     '));
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
  console.log(`\nDone: STS saw ${sts.requests.length} requests in all.`);
} finally {
  await sts.close();
}
