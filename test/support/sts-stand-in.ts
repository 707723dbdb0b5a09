/**
 * A local STS for tests: HTTP on 127.0.0.1 only, SigV4 checked for real (presigned URLs and
 * header-signed API calls), answers GetCallerIdentity (JSON or XML, as STS does) and AssumeRole
 * (XML, awsQuery protocol). It knows a few identities and roles, records every request, and can be
 * told to misbehave (throttle, 500, non-JSON, hang, redirect). Always close() it; a test that
 * forgets is caught by the process never exiting, and the server is unref'd as a second guard.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { parseAmzDate, parseRawQuery, readSignedParts, SignatureProblem, verifySignature } from './sigv4-check.js';

export interface StandInIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  arn: string;
  userId: string;
  account: string;
  /** Temporary credentials stop working at this instant (ms since epoch). */
  expiresAt?: number;
}

export interface StandInRole {
  arn: string;
  roleId: string;
  /** When set, AssumeRole must pass exactly this ExternalId. */
  externalId?: string;
  /** Canonical ARNs allowed to assume the role; default: any known identity. */
  trustedPrincipals?: string[];
  /** When set, AssumeRole must pass this SerialNumber and TokenCode. */
  mfa?: { serialNumber: string; tokenCode: string };
}

export type StandInFault = 'throttle' | 'server-error' | 'not-json' | 'hang' | 'redirect' | 'huge-body';

export interface RecordedRequest {
  method: string;
  url: string;
  host: string | undefined;
  clusterIdHeader: string | undefined;
  action: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export interface AssumeRoleCall {
  roleArn: string;
  sessionName: string;
  externalId: string | undefined;
  callerArn: string;
  serialNumber: string | undefined;
  tokenCode: string | undefined;
  durationSeconds: number;
}

export interface StsStandIn {
  /** http://127.0.0.1:<port> (https with the tls option) */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly assumeRoleCalls: AssumeRoleCall[];
  addIdentity(identity: StandInIdentity): void;
  addRole(role: StandInRole): void;
  setFault(fault: StandInFault | undefined): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  identities?: StandInIdentity[];
  roles?: StandInRole[];
  /** The stand-in's clock in ms (tests with frozen or skewed clocks). */
  now?: () => number;
  /** Presigned GetCallerIdentity must sign x-k8s-aws-id (what EKS relies on). Default true. */
  requireClusterIdHeader?: boolean;
  port?: number;
  /** Serve HTTPS with this certificate (PEM) instead of HTTP. */
  tls?: { cert: string; key: string };
}

/** Example identities every test may use. Secrets are made up. */
export const ALICE: StandInIdentity = {
  accessKeyId: 'AKIAALICEEXAMPLE0001',
  secretAccessKey: 'aliceSecretKeyExample0000000000000000000',
  arn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDAALICEEXAMPLE00001',
  account: '111122223333',
};
export const BOB_SESSION: StandInIdentity = {
  accessKeyId: 'ASIABOBEXAMPLE000002',
  secretAccessKey: 'bobSecretKeyExample/000000000+000000000',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/bob+session=token==',
  arn: 'arn:aws:sts::111122223333:assumed-role/developer/bob@example.com',
  userId: 'AROADEVELOPEREXAMPLE:bob@example.com',
  account: '111122223333',
};
export const ADMIN_ROLE: StandInRole = {
  arn: 'arn:aws:iam::111122223333:role/team/eks-admin',
  roleId: 'AROAEKSADMINEXAMPLE1',
};
export const PARTNER_ROLE: StandInRole = {
  arn: 'arn:aws:iam::444455556666:role/partner-deploy',
  roleId: 'AROAPARTNEREXAMPLE01',
  externalId: 'partner-external-id-42',
};

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** Canonical ARN of an identity, for trust checks: assumed-role sessions → their role. */
function canonicalOf(arn: string): string {
  const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/(?:.*\/)?([^/]+)\/[^/]+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/** The region a host name implies, for the scope check STS makes. */
function regionOfHost(host: string): string | undefined {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  if (h === 'sts.amazonaws.com') return 'us-east-1';
  const m = /^sts(?:-fips)?\.([a-z0-9-]+)\./.exec(h);
  return m ? m[1] : undefined;
}

class StsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

export async function startStsStandIn(options: StandInOptions = {}): Promise<StsStandIn> {
  const now = options.now ?? Date.now;
  const requireClusterIdHeader = options.requireClusterIdHeader ?? true;
  const identities = new Map<string, StandInIdentity>();
  const roles = new Map<string, StandInRole>();
  for (const i of options.identities ?? [ALICE, BOB_SESSION]) identities.set(i.accessKeyId, i);
  for (const r of options.roles ?? [ADMIN_ROLE, PARTNER_ROLE]) roles.set(r.arn, r);
  const requests: RecordedRequest[] = [];
  const assumeRoleCalls: AssumeRoleCall[] = [];
  const sockets = new Set<Socket>();
  let fault: StandInFault | undefined;

  function authenticate(req: IncomingMessage, path: string, query: Array<[string, string]>, body: Buffer): StandInIdentity {
    const headers = req.headers as Record<string, string | undefined>;
    let parts;
    try {
      parts = readSignedParts(query, headers);
    } catch (err) {
      if (err instanceof SignatureProblem) throw new StsError(400, err.code, err.message);
      throw err;
    }
    if (!parts) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    if (parts.service !== 'sts') throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`);
    const hostRegion = regionOfHost(headers.host ?? '');
    if (hostRegion !== undefined && hostRegion !== parts.region) {
      throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${parts.region}'.`);
    }
    const identity = identities.get(parts.accessKeyId);
    if (!identity || (identity.sessionToken ?? undefined) !== parts.securityToken) {
      throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const signedAt = parseAmzDate(parts.amzDate);
    if (signedAt === undefined || parts.amzDate.slice(0, 8) !== parts.date) {
      throw new StsError(403, 'SignatureDoesNotMatch', 'X-Amz-Date is missing or does not match the credential scope date.');
    }
    const t = now();
    if (parts.presigned) {
      // STS honours a presigned GetCallerIdentity URL for 15 minutes whatever X-Amz-Expires says.
      if (t > signedAt + FIFTEEN_MINUTES) throw new StsError(403, 'ExpiredToken', `Signature expired: ${parts.amzDate} is now earlier than ${new Date(t - FIFTEEN_MINUTES).toISOString()}`);
      if (signedAt > t + FIFTEEN_MINUTES) throw new StsError(403, 'SignatureDoesNotMatch', `Signature not yet current: ${parts.amzDate} is still later than now`);
      if (requireClusterIdHeader && !parts.signedHeaders.includes('x-k8s-aws-id')) {
        throw new StsError(403, 'SignatureDoesNotMatch', 'x-k8s-aws-id is not among the signed headers');
      }
    } else if (Math.abs(t - signedAt) > 5 * 60 * 1000) {
      throw new StsError(403, 'SignatureDoesNotMatch', 'Signature expired: the request time is more than 5 minutes from the server time');
    }
    if (!parts.signedHeaders.includes('host')) throw new StsError(403, 'SignatureDoesNotMatch', 'host must be a signed header');
    if (!verifySignature({ method: req.method ?? 'GET', path, query, rawHeaders: req.rawHeaders, body, parts, secretAccessKey: identity.secretAccessKey })) {
      throw new StsError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
    }
    if (identity.expiresAt !== undefined && t >= identity.expiresAt) {
      throw new StsError(403, 'ExpiredToken', 'The security token included in the request is expired');
    }
    return identity;
  }

  function assumeRole(caller: StandInIdentity, params: Map<string, string>): string {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw new StsError(400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`);
    }
    const role = roles.get(roleArn);
    const denied = () =>
      new StsError(403, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    if (!role) throw denied();
    if (role.trustedPrincipals && !role.trustedPrincipals.includes(canonicalOf(caller.arn))) throw denied();
    if (role.externalId !== undefined && params.get('ExternalId') !== role.externalId) throw denied();
    if (role.mfa && (params.get('SerialNumber') !== role.mfa.serialNumber || params.get('TokenCode') !== role.mfa.tokenCode)) throw denied();
    const durationSeconds = Number(params.get('DurationSeconds') ?? '3600');
    assumeRoleCalls.push({
      roleArn, sessionName, externalId: params.get('ExternalId'), callerArn: caller.arn,
      serialNumber: params.get('SerialNumber'), tokenCode: params.get('TokenCode'), durationSeconds,
    });
    const account = roleArn.split(':')[4]!;
    const partition = roleArn.split(':')[1]!;
    const issued: StandInIdentity = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`,
      userId: `${role.roleId}:${sessionName}`,
      account,
      expiresAt: Math.floor(now() / 1000) * 1000 + durationSeconds * 1000,
    };
    identities.set(issued.accessKeyId, issued);
    return (
      `<AssumeRoleResponse xmlns="${XMLNS}"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>${xmlEscape(issued.userId)}</AssumedRoleId><Arn>${xmlEscape(issued.arn)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(issued.secretAccessKey)}</SecretAccessKey>` +
      `<SessionToken>${xmlEscape(issued.sessionToken!)}</SessionToken><Expiration>${new Date(issued.expiresAt!).toISOString()}</Expiration></Credentials>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`
    );
  }

  function sendError(res: ServerResponse, err: StsError, json: boolean): void {
    const requestId = randomUUID();
    if (json) {
      res.writeHead(err.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Error: { Code: err.code, Message: err.message, Type: err.type }, RequestId: requestId }));
    } else {
      res.writeHead(err.status, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="${XMLNS}"><Error><Type>${err.type}</Type><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const path = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
    const query = parseRawQuery(qIndex < 0 ? '' : rawUrl.slice(qIndex + 1));
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const params = new Map<string, string>(query);
    if (req.method === 'POST' && isForm) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
    const action = params.get('Action');
    const header = req.headers['x-k8s-aws-id'];
    requests.push({
      method: req.method ?? '', url: rawUrl, host: req.headers.host, action,
      clusterIdHeader: Array.isArray(header) ? header.join(',') : header,
      headers: { ...req.headers },
    });
    const wantsJson = (req.headers.accept ?? '').includes('application/json');

    switch (fault) {
      case 'hang':
        return; // never answer; close() destroys the socket
      case 'throttle':
        return sendError(res, new StsError(400, 'Throttling', 'Rate exceeded'), wantsJson);
      case 'server-error':
        return sendError(res, new StsError(500, 'InternalFailure', 'We encountered an internal error. Please try again.', 'Receiver'), wantsJson);
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>captive portal</body></html>');
        return;
      case 'redirect':
        res.writeHead(302, { location: 'http://127.0.0.1:9/stolen' });
        res.end();
        return;
      case 'huge-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
        return;
      default:
    }

    try {
      if (path !== '/') throw new StsError(404, 'UnknownOperationException', `No operation at ${path}`);
      const caller = authenticate(req, path, query, body);
      if (action === 'GetCallerIdentity') {
        const result = { Account: caller.account, Arn: caller.arn, UserId: caller.userId };
        const requestId = randomUUID();
        if (wantsJson) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ GetCallerIdentityResponse: { GetCallerIdentityResult: result, ResponseMetadata: { RequestId: requestId } } }));
        } else {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(`<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult><Arn>${xmlEscape(result.Arn)}</Arn><UserId>${xmlEscape(result.UserId)}</UserId><Account>${result.Account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
        }
        return;
      }
      if (action === 'AssumeRole') {
        const xml = assumeRole(caller, params);
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(xml);
        return;
      }
      throw new StsError(400, 'InvalidAction', `Could not find operation ${action ?? '(none)'} for version 2011-06-15`);
    } catch (err) {
      if (err instanceof StsError) return sendError(res, err, wantsJson);
      return sendError(res, new StsError(500, 'InternalFailure', String(err), 'Receiver'), wantsJson);
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const port = (server.address() as { port: number }).port;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    assumeRoleCalls,
    addIdentity: (i) => void identities.set(i.accessKeyId, i),
    addRole: (r) => void roles.set(r.arn, r),
    setFault: (f) => {
      fault = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
