/**
 * No cluster is available here, so the manifests are checked for what the server needs: parsed,
 * and every field the server depends on cross-checked against the real CLI and the repo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isolatedEnv, ROOT, runEksAuth } from '../support/cli.js';
import { parseAwsAuth } from '../../src/mapping/aws-auth.js';

const load = (file: string) => parseAllDocuments(readFileSync(join(ROOT, 'deploy', file), 'utf8')).map((d) => d.toJS());

test('the DaemonSet runs the server on control-plane nodes, host network, 127.0.0.1:21362', () => {
  const [ds] = load('daemonset.yaml');
  assert.equal(ds.kind, 'DaemonSet');
  assert.equal(ds.metadata.namespace, 'kube-system');
  assert.deepEqual(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels);
  const pod = ds.spec.template.spec;
  assert.equal(pod.hostNetwork, true);
  assert.ok('node-role.kubernetes.io/control-plane' in pod.nodeSelector);
  assert.ok(pod.tolerations.some((t: any) => t.key === 'node-role.kubernetes.io/control-plane' && t.effect === 'NoSchedule'));
  const [c] = pod.containers;
  assert.equal(c.args[0], 'server');
  const flag = (name: string) => c.args.find((a: string) => a.startsWith(`--${name}=`))?.split('=')[1];
  assert.equal(flag('address'), '127.0.0.1');
  assert.equal(flag('port'), '21362');
  assert.equal(c.ports[0].containerPort, 21362);
  for (const probe of [c.livenessProbe, c.readinessProbe]) {
    assert.deepEqual({ ...probe.httpGet }, { host: '127.0.0.1', scheme: 'HTTPS', port: 21362, path: '/healthz' });
  }
  // The state dir and the mapping come from the volumes the flags point at.
  const mountFor = (path: string) => c.volumeMounts.find((m: any) => m.mountPath === path);
  const stateMount = mountFor(flag('state-dir'));
  const mappingMount = mountFor(flag('mapping'));
  assert.ok(stateMount && mappingMount, 'the flags point at mounted volumes');
  const volume = (name: string) => pod.volumes.find((v: any) => v.name === name);
  assert.equal(volume(stateMount.name).hostPath.path, '/var/aws-iam-authenticator');
  assert.equal(volume(mappingMount.name).configMap.name, 'aws-auth');
  assert.ok(pod.terminationGracePeriodSeconds > 15, 'longer than the server\'s 15 s drain');
});

test('every flag in the DaemonSet is a flag of `eks-auth server`', async (t) => {
  const { env, cleanup } = isolatedEnv();
  t.after(cleanup);
  const help = await runEksAuth(['server', '--help'], { env });
  assert.equal(help.code, 0);
  const [ds] = load('daemonset.yaml');
  for (const arg of ds.spec.template.spec.containers[0].args.slice(1)) {
    const name = arg.split('=')[0];
    assert.match(help.stdout, new RegExp(`${name}\\b`), `${name} is not a server flag`);
  }
});

test('the example aws-auth ConfigMap parses with the server\'s parser', () => {
  const text = readFileSync(join(ROOT, 'deploy/aws-auth-example.yaml'), 'utf8');
  const mappings = parseAwsAuth(text);
  assert.equal(mappings.roles.length, 1);
  assert.equal(mappings.users.length, 1);
  assert.deepEqual(mappings.accounts, ['444455556666']);
});

test('the Dockerfile copies what exists and starts the launcher', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
  assert.match(dockerfile, /^ENTRYPOINT \["\/opt\/eks-auth\/bin\/eks-auth"\]$/m);
  assert.match(dockerfile, /^RUN npm run build$/m);
  for (const [, from] of dockerfile.matchAll(/^COPY --from=build \/src\/(\S+) /gm)) {
    assert.ok(['bin/eks-auth', 'dist/cli'].includes(from!), `copies ${from}`);
    assert.ok(existsSync(join(ROOT, from!)), `${from} exists after a build`);
  }
  // The launcher finds dist/cli next to bin/ as the image lays them out.
  assert.match(readFileSync(join(ROOT, 'bin/eks-auth'), 'utf8'), /cli=\$dir\/\.\.\/dist\/cli\/cli\.cjs/);
});
