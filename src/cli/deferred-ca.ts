/**
 * The other half of bin/eks-auth's NODE_EXTRA_CA_CERTS hand-over (see the launcher for why).
 *
 * restoreDeferredCaEnv() runs first thing: child processes (credential_process, SSO helpers) see
 * NODE_EXTRA_CA_CERTS exactly as the user set it. applyDeferredCaCerts() runs before the first TLS
 * connection this process could make: it adds the file's certificates to Node's default trust
 * store the way the variable would have, i.e. for every TLS context that names no CA of its own.
 */
import { readFileSync } from 'node:fs';

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
  let extra: string;
  try {
    extra = readFileSync(deferredPath, 'utf8');
  } catch (err) {
    // Node itself only warns when the file is unreadable, and goes on with the default store.
    warn(`ignoring extra CA certificates in ${deferredPath}: ${(err as Error).message}`);
    return;
  }
  // The module object itself (not an ES namespace copy): Node's TLS client calls
  // tls.createSecureContext through it, so replacing the property reaches every connection.
  const tls = (await import('node:tls')).default;
  const ca = [...tls.rootCertificates, extra];
  const original = tls.createSecureContext;
  tls.createSecureContext = (options) => original(options?.ca ? options : { ...options, ca });
}
