/**
 * `eks-auth init`: the serving certificate and the webhook kubeconfig kube-apiserver reads
 * (PROTOCOL.md §3, the seed article's format).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createSelfSignedCertificate } from './certificate.js';

/**
 * Ten years. The certificate is pinned byte for byte in kube-apiserver's webhook kubeconfig, so
 * its expiry is an outage nobody is warned about: it must outlive the control plane's hosts. The
 * Go tool picks a century; ten years already does that while keeping the date inside what every
 * X.509 tool displays and checks sanely. Rotation: delete cert.pem and key.pem, run init again,
 * restart the server and kube-apiserver.
 */
export const CERT_VALIDITY_DAYS = 3650;

export interface InitOptions {
  clusterId: string;
  stateDir: string;
  hostname: string;
  address: string;
  port: number;
  kubeconfig?: string | undefined;
}

export interface InitResult {
  certPath: string;
  keyPath: string;
  kubeconfigPath: string;
  /** False when an existing certificate and key were kept. */
  createdCertificate: boolean;
  apiserverFlags: string[];
}

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode, flag: 'w' });
  renameSync(tmp, path);
}

export async function initStateDir(opts: InitOptions): Promise<InitResult> {
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const certPath = join(opts.stateDir, 'cert.pem');
  const keyPath = join(opts.stateDir, 'key.pem');
  const kubeconfigPath = opts.kubeconfig ?? join(opts.stateDir, 'eks-auth.kubeconfig');

  let createdCertificate = false;
  if (existsSync(certPath) && existsSync(keyPath)) {
    // Kept: kube-apiserver pins this certificate, so a new one would lock it out until restarted.
  } else {
    const dnsNames = [opts.hostname].filter((h) => !isIP(h));
    const ipAddresses = [...new Set([opts.address, ...(isIP(opts.hostname) ? [opts.hostname] : [])].filter((a) => isIP(a)))];
    const { certPem, keyPem } = await createSelfSignedCertificate({ dnsNames, ipAddresses, validityDays: CERT_VALIDITY_DAYS });
    writeAtomic(keyPath, keyPem, 0o600);
    writeAtomic(certPath, certPem, 0o644);
    createdCertificate = true;
  }
  const certPem = readFileSync(certPath, 'utf8');
  const host = isIP(opts.hostname) === 6 ? `[${opts.hostname}]` : opts.hostname;
  const kubeconfig = {
    clusters: [{ name: 'aws-iam-authenticator', cluster: { 'certificate-authority-data': Buffer.from(certPem).toString('base64'), server: `https://${host}:${opts.port}/authenticate` } }],
    users: [{ name: 'apiserver' }],
    'current-context': 'webhook',
    contexts: [{ name: 'webhook', context: { cluster: 'aws-iam-authenticator', user: 'apiserver' } }],
  };
  writeAtomic(kubeconfigPath, `# Written by eks-auth init for cluster ${opts.clusterId}: the token webhook of kube-apiserver.\n${stringify(kubeconfig)}`, 0o644);
  return {
    certPath,
    keyPath,
    kubeconfigPath,
    createdCertificate,
    apiserverFlags: [
      `--authentication-token-webhook-config-file=${kubeconfigPath}`,
      '--authentication-token-webhook-cache-ttl=2m',
      '--authentication-token-webhook-version=v1',
    ],
  };
}
