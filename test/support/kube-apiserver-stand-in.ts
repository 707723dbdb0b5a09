/**
 * Plays kube-apiserver for kubectl on 127.0.0.1 over HTTPS: takes the bearer token kubectl got
 * from eks-auth, has it checked by the STS stand-in (as the EKS authenticator would), and answers
 * /version. Anything unauthenticated gets kube-apiserver's 401 Status.
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { createSelfSignedCertificate } from '../../src/server/certificate.js';

export interface KubeApiServerStandIn {
  readonly url: string;
  readonly caPem: string;
  /** Every bearer token seen, in order (tests assert reuse and counts). */
  readonly tokens: string[];
  close(): Promise<void>;
}

export interface StandInUser {
  username: string;
  groups: string[];
}

/**
 * `authenticate` says whether a bearer token is good, and optionally who it is (for
 * SelfSubjectReview; default: "eks-user" in system:authenticated).
 */
export async function startKubeApiServerStandIn(authenticate: (token: string) => Promise<boolean | StandInUser>): Promise<KubeApiServerStandIn> {
  const { certPem, keyPem } = await createSelfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });
  const tokens: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (token) tokens.push(token);
    const deny = () => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
    };
    if (!token) return deny();
    authenticate(token).then(
      (ok) => {
        if (!ok) return deny();
        if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
          const user = typeof ok === 'object' ? ok : { username: 'eks-user', groups: [] };
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: { username: user.username, groups: [...user.groups, 'system:authenticated'] } } }));
          return;
        }
        if (req.url === '/version') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0-eks-standin', platform: 'linux/amd64' }));
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      },
      () => deny(),
    );
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: certPem,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
