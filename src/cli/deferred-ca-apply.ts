// Loaded only before a TLS connection of `token` (see deferred-ca.ts).
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/**
 * Adds the certificates in `path` to Node's default trust store, as NODE_EXTRA_CA_CERTS would
 * have: for every TLS context that names no CA of its own. Node's TLS client calls
 * tls.createSecureContext through the module object, so replacing the property reaches every
 * connection (https, undici, the AWS SDK).
 */
export function addExtraCaCertificates(path: string, warn: (message: string) => void): void {
  let extra: string;
  try {
    extra = readFileSync(path, 'utf8');
  } catch (err) {
    // Node itself only warns when the file is unreadable, and goes on with the default store.
    warn(`ignoring extra CA certificates in ${path}: ${(err as Error).message}`);
    return;
  }
  const ca = [...tls.rootCertificates, extra];
  const original = tls.createSecureContext;
  tls.createSecureContext = (options) => original(options?.ca ? options : { ...options, ca });
}
