import { request } from 'node:http';

/**
 * Sends a token's presigned URL to a local STS stand-in the way an EKS verifier would: the URL's
 * path and query unchanged, its host as the Host header (so the signature still holds), the
 * cluster ID in x-k8s-aws-id. Returns STS's status and parsed JSON.
 */
export function replayToken(token: string, clusterId: string, stsUrl: string): Promise<{ status: number; body: any }> {
  const presigned = new URL(Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString('utf8'));
  const target = new URL(stsUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: 'GET',
        path: presigned.pathname + presigned.search,
        headers: { host: presigned.host, 'x-k8s-aws-id': clusterId, accept: 'application/json' },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('STS stand-in did not answer')));
    req.on('error', reject);
    req.end();
  });
}
