/**
 * IAM Identity Center on loopback, for the device-authorization sign-in: the SSO OIDC API
 * (RegisterClient, StartDeviceAuthorization, CreateToken — restJson) and the SSO portal's
 * GetRoleCredentials, on one HTTP server. The "user" approves a device code on the second poll.
 * Role credentials it hands out are registered with the STS stand-in, so tokens signed with them
 * verify. Point the SDK at it with AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { StsStandIn } from './sts-stand-in.js';

export interface SsoStandIn {
  readonly url: string;
  readonly deviceAuthorizations: number;
  readonly roleCredentialCalls: number;
  readonly roleArn: string;
  close(): Promise<void>;
}

export async function startSsoStandIn(sts: StsStandIn, account = '111122223333', roleName = 'Developer'): Promise<SsoStandIn> {
  const pending = new Map<string, number>(); // device code → polls so far
  const accessTokens = new Set<string>();
  let deviceAuthorizations = 0;
  let roleCredentialCalls = 0;
  const sockets = new Set<Socket>();

  const json = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const input = body ? JSON.parse(body) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/client/register') {
      return json(res, 200, { clientId: `client-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(16).toString('hex'), clientIdIssuedAt: Math.floor(Date.now() / 1000), clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 90 * 86400 });
    }
    if (req.method === 'POST' && url.pathname === '/device_authorization') {
      deviceAuthorizations++;
      const deviceCode = randomBytes(8).toString('hex');
      pending.set(deviceCode, 0);
      return json(res, 200, { deviceCode, userCode: 'ABCD-EFGH', verificationUri: 'https://device.sso.example/', verificationUriComplete: `https://device.sso.example/?user_code=ABCD-EFGH`, expiresIn: 60, interval: 1 });
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const polls = pending.get(input.deviceCode);
      if (polls === undefined) return json(res, 400, { error: 'invalid_grant' }, 'InvalidGrantException');
      if (polls < 1) {
        pending.set(input.deviceCode, polls + 1);
        return json(res, 400, { error: 'authorization_pending' }, 'AuthorizationPendingException');
      }
      pending.delete(input.deviceCode);
      const accessToken = `sso-access-${randomBytes(12).toString('hex')}`;
      accessTokens.add(accessToken);
      return json(res, 200, { accessToken, tokenType: 'Bearer', expiresIn: 3600, refreshToken: `refresh-${randomBytes(8).toString('hex')}` });
    }
    if (req.method === 'GET' && url.pathname === '/federation/credentials') {
      roleCredentialCalls++;
      if (!accessTokens.has(String(req.headers['x-amz-sso_bearer_token'] ?? ''))) return json(res, 401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
      const session = `sso-user-${roleCredentialCalls}`;
      const creds = { accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(64).toString('base64') };
      sts.addIdentity({ ...creds, arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${roleName}_0123456789abcdef/${session}`, userId: `AROASSOEXAMPLE:${session}`, account });
      return json(res, 200, { roleCredentials: { ...creds, expiration: Date.now() + 3600_000 } });
    }
    json(res, 404, { message: `no route ${req.method} ${url.pathname}` });
  }

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get deviceAuthorizations() {
      return deviceAuthorizations;
    },
    get roleCredentialCalls() {
      return roleCredentialCalls;
    },
    roleArn: `arn:aws:iam::${account}:role/AWSReservedSSO_${roleName}_0123456789abcdef`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
