/**
 * The other half of bin/eks-auth's NODE_EXTRA_CA_CERTS hand-over (see the launcher for why).
 *
 * restoreDeferredCaEnv() runs first thing: child processes (credential_process, SSO helpers) see
 * NODE_EXTRA_CA_CERTS exactly as the user set it. applyDeferredCaCerts() runs before the first TLS
 * connection this process could make: it adds the file's certificates to Node's default trust
 * store the way the variable would have, i.e. for every TLS context that names no CA of its own.
 */
let deferredPath: string | undefined;
let applied = false;

export function restoreDeferredCaEnv(env: NodeJS.ProcessEnv = process.env): void {
  const path = env.EKS_AUTH_DEFERRED_CA_CERTS;
  if (!path) return;
  delete env.EKS_AUTH_DEFERRED_CA_CERTS;
  env.NODE_EXTRA_CA_CERTS = path;
  deferredPath = path;
}

export async function applyDeferredCaCerts(warn: (message: string) => void = () => {}): Promise<void> {
  if (!deferredPath || applied) return;
  applied = true;
  const { addExtraCaCertificates } = await import('./deferred-ca-apply.js');
  addExtraCaCertificates(deferredPath, warn);
}
