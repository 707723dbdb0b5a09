/**
 * Byte-identical tokens: `eks-auth token` and the real `aws eks get-token` under one frozen clock
 * (libfaketime), same credentials and settings, print the same token and expiry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EKS_AUTH, isolatedEnv, requireTool, run } from '../support/cli.js';

const FROZEN = '2024-02-29 12:34:56';
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIAPARITYEXAMPLE001', AWS_SECRET_ACCESS_KEY: 'paritySecret/Example+Key0000000000000000' };
const SESSION = { ...CREDS, AWS_ACCESS_KEY_ID: 'ASIAPARITYEXAMPLE001', AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLE//session+token==' };

interface Case {
  name: string;
  cluster: string;
  env: Record<string, string>;
  region?: string;
}

const cases: Case[] = [
  { name: 'long-term keys, us-west-2', cluster: 'prod', env: CREDS, region: 'us-west-2' },
  { name: 'session token, eu-west-1', cluster: 'prod', env: SESSION, region: 'eu-west-1' },
  { name: 'China region', cluster: 'cn-cluster', env: SESSION, region: 'cn-north-1' },
  { name: 'GovCloud region', cluster: 'gov', env: CREDS, region: 'us-gov-west-1' },
  { name: 'no region at all (global endpoint)', cluster: 'global', env: SESSION },
  { name: 'region from AWS_DEFAULT_REGION', cluster: 'envregion', env: { ...CREDS, AWS_DEFAULT_REGION: 'ap-southeast-2' } },
  { name: 'AWS_STS_REGIONAL_ENDPOINTS=legacy', cluster: 'legacy', env: { ...SESSION, AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }, region: 'us-west-2' },
  { name: 'FIPS endpoint', cluster: 'fips', env: { ...CREDS, AWS_USE_FIPS_ENDPOINT: 'true' }, region: 'us-east-2' },
  { name: 'cluster name with spaces', cluster: 'my  cluster name', env: CREDS, region: 'us-east-1' },
  { name: 'cluster name with dots', cluster: 'team.prod.eks', env: SESSION, region: 'us-east-1' },
  { name: 'cluster name with non-ASCII characters', cluster: 'clúster-生产-ü', env: CREDS, region: 'eu-central-1' },
];

function frozen(cmd: string, args: string[]): [string, string[]] {
  return ['faketime', ['-f', FROZEN, cmd, ...args]];
}

for (const c of cases) {
  test(`same token as aws eks get-token: ${c.name}`, async (t) => {
    if (!requireTool(t, 'faketime', 'apt-get install -y faketime') || !requireTool(t, 'aws', 'pip install awscli (AWS CLI v1)')) return;
    const { env, cleanup } = isolatedEnv({ ...c.env, FAKETIME_DONT_FAKE_MONOTONIC: '1' });
    t.after(cleanup);
    const regionArgs = c.region ? ['--region', c.region] : [];
    const [awsCmd, awsArgs] = frozen('aws', ['eks', 'get-token', '--cluster-name', c.cluster, ...regionArgs, '--output', 'json']);
    const [ourCmd, ourArgs] = frozen(EKS_AUTH, ['token', '--cluster-name', c.cluster, ...regionArgs]);
    const [theirs, ours] = await Promise.all([run(awsCmd, awsArgs, { env }), run(ourCmd, ourArgs, { env })]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stderr, '', 'stderr stays silent on success');
    const a = JSON.parse(theirs.stdout);
    const b = JSON.parse(ours.stdout);
    assert.equal(b.status.token, a.status.token);
    assert.equal(b.status.expirationTimestamp, a.status.expirationTimestamp);
    assert.equal(b.apiVersion, a.apiVersion);
    // Ours is the compact one-line form kubectl needs; theirs is pretty-printed.
    assert.equal(ours.stdout, `${JSON.stringify(a)}\n`);
  });
}
