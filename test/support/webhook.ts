/** Helpers for the webhook tests: a state dir with a real certificate, and a TokenReview client. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createSelfSignedCertificate } from '../../src/server/certificate.js';

export async function stateDir(): Promise<{ dir: string; certPem: string; keyPem: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-auth-webhook-'));
  const { certPem, keyPem } = await createSelfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });
  writeFileSync(join(dir, 'cert.pem'), certPem);
  writeFileSync(join(dir, 'key.pem'), keyPem, { mode: 0o600 });
  return { dir, certPem, keyPem, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An HTTPS client that trusts exactly the server's certificate, as kube-apiserver does. */
export function webhookClient(url: string, caPem: string) {
  const dispatcher = new Agent({ connect: { ca: caPem }, connections: 32 });
  return {
    dispatcher,
    async call(method: string, path: string, body?: string): Promise<{ status: number; body: any; text: string }> {
      const res = await request(`${url}${path}`, { method: method as 'GET', ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}), dispatcher });
      const text = await res.body.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.statusCode, body: parsed, text };
    },
    review(token: string, apiVersion = 'authentication.k8s.io/v1') {
      return this.call('POST', '/authenticate', JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token, audiences: [] } }));
    },
    close: () => dispatcher.close(),
  };
}
