import { EksAuthError } from '../errors.js';
import { initStateDir } from '../server/init.js';
import { writeStdout } from './output.js';

export async function runInit(flags: { clusterId?: string; stateDir: string; hostname: string; address: string; port: string; kubeconfig?: string }): Promise<void> {
  if (!flags.clusterId) throw new EksAuthError('USAGE', 'a cluster ID is required: pass -i <cluster>');
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new EksAuthError('USAGE', `--port must be 1-65535, not "${flags.port}"`);
  const result = await initStateDir({ clusterId: flags.clusterId, stateDir: flags.stateDir, hostname: flags.hostname, address: flags.address, port, kubeconfig: flags.kubeconfig });
  writeStdout(
    [
      `${result.createdCertificate ? 'wrote' : 'kept existing'} ${result.certPath} and ${result.keyPath}`,
      `wrote ${result.kubeconfigPath}`,
      '',
      'Start kube-apiserver with:',
      ...result.apiserverFlags.map((f) => `  ${f}`),
      '',
      `and run: eks-auth server -i ${flags.clusterId} --state-dir ${flags.stateDir} --mapping <aws-auth.yaml>`,
      '',
    ].join('\n'),
  );
}
