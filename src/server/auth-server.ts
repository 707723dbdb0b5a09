/**
 * The TokenReview webhook kube-apiserver calls (PROTOCOL.md §3): HTTPS, POST /authenticate,
 * GET /healthz, GET /metrics. Stateless: every review is verified with STS and mapped through the
 * current aws-auth mappings, so any number of replicas can serve the same cluster.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isEksAuthError } from '../errors.js';
import type { PartitionId } from '../aws/partitions.js';
import { mapIdentity, MappingError } from '../mapping/aws-auth.js';
import { undiciTransport, type StsTransport } from '../verify/sts-client.js';
import { verifyToken } from '../verify/verify-token.js';
import type { JsonLogger } from './log.js';
import type { MappingSource } from './mapping-source.js';
import { createMetrics, stsRegionOf, type Metrics, type ReviewResult } from './metrics.js';
import { allowedReview, deniedReview, parseTokenReview, type TokenReviewVersion } from './token-review.js';

/** kube-apiserver's TokenReviews are well under 8 KiB (tokens are < 4 KiB); refuse more. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface AuthServerOptions {
  clusterId: string;
  certPem: string;
  keyPem: string;
  address: string;
  port: number;
  partition: PartitionId;
  region?: string | undefined;
  stsEndpointOverride?: string | undefined;
  /** Deadline of each STS call. */
  stsTimeoutMs: number;
  /** Reviews processed at once; more are answered 429 at once rather than queued without bound. */
  maxInFlight: number;
  mappings: MappingSource;
  logger: JsonLogger;
  metrics?: Metrics;
  transport?: StsTransport;
}

export interface AuthServer {
  readonly url: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** Stops accepting, lets in-flight reviews finish (up to graceMs), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

class HttpProblem extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(new HttpProblem(413, `request body over ${MAX_BODY_BYTES} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: object | string, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startAuthServer(opts: AuthServerOptions): Promise<AuthServer> {
  const metrics = opts.metrics ?? createMetrics();
  const base = opts.transport ?? undiciTransport;
  // Counts STS answers and connection failures per region, with the Go tool's metric names.
  const transport: StsTransport = async (request) => {
    const StsRegion = stsRegionOf(request.headers.host ?? '');
    try {
      const response = await base(request);
      metrics.stsResponses.inc({ ResponseCode: String(response.status), StsRegion });
      if (response.status !== 200 && response.body.includes('Throttling')) metrics.stsThrottling.inc({ StsRegion });
      return response;
    } catch (err) {
      metrics.stsConnectionFailures.inc({ StsRegion });
      throw err;
    }
  };
  let inFlight = 0;
  let idle: (() => void) | undefined;

  async function review(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const started = process.hrtime.bigint();
    let apiVersion: TokenReviewVersion = 'authentication.k8s.io/v1';
    const finish = (status: number, result: ReviewResult | undefined, body: object, fields: Record<string, string | undefined> = {}) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (result) metrics.latency.observe({ result }, seconds);
      send(res, status, body);
      opts.logger.info('review', { result: result ?? 'rejected', status, latencyMs: Math.round(seconds * 10000) / 10, ...fields });
      return status;
    };
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      const status = err instanceof HttpProblem ? err.status : 400;
      return finish(status, 'malformed_request', deniedReview(apiVersion, (err as Error).message));
    }
    const parsed = parseTokenReview(body);
    apiVersion = parsed.apiVersion;
    if (!parsed.ok) return finish(400, 'malformed_request', deniedReview(apiVersion, parsed.reason), { reason: parsed.reason });
    if (inFlight >= opts.maxInFlight) {
      return finish(429, undefined, deniedReview(apiVersion, 'too many reviews in flight; retry'), { reason: 'overloaded' });
    }

    inFlight++;
    metrics.reviewsInFlight.inc();
    try {
      const identity = await verifyToken(parsed.token, {
        clusterId: opts.clusterId,
        partition: opts.partition,
        region: opts.region,
        stsEndpointOverride: opts.stsEndpointOverride,
        timeoutMs: opts.stsTimeoutMs,
        transport,
      });
      let user;
      try {
        user = mapIdentity(identity, opts.mappings.current());
      } catch (err) {
        if (!(err instanceof MappingError)) throw err;
        return finish(403, 'unknown_user', deniedReview(apiVersion, err.message), { arn: identity.arn, reason: err.message });
      }
      if (!user) {
        return finish(403, 'unknown_user', deniedReview(apiVersion, `${identity.canonicalArn} is not mapped in aws-auth`), { arn: identity.arn, reason: 'unmapped' });
      }
      return finish(200, 'success', allowedReview(apiVersion, identity, user), { arn: identity.arn, user: user.username, matchedBy: user.matchedBy });
    } catch (err) {
      if (!isEksAuthError(err)) throw err;
      const throttled = err.code === 'STS_THROTTLED';
      const stsProblem = err.code.startsWith('STS_');
      const result: ReviewResult = throttled ? 'sts_throttling' : stsProblem ? 'sts_error' : 'invalid_token';
      return finish(throttled ? 429 : 403, result, deniedReview(apiVersion, err.message), { reason: err.message, code: err.code });
    } finally {
      inFlight--;
      metrics.reviewsInFlight.dec();
      if (inFlight === 0) idle?.();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    let status = 404;
    if (path === '/authenticate') {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        send(res, (status = 405), deniedReview('authentication.k8s.io/v1', `method ${req.method} not allowed; POST a TokenReview`));
      } else {
        status = await review(req, res);
      }
    } else if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, (status = 200), 'ok\n', 'text/plain');
    } else if (path === '/metrics' && req.method === 'GET') {
      send(res, (status = 200), await metrics.registry.metrics(), metrics.registry.contentType);
    } else {
      send(res, 404, { error: 'not found' });
    }
    metrics.httpRequests.inc({ path: ['/authenticate', '/healthz', '/metrics'].includes(path ?? '') ? path! : 'other', code: String(status) });
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req, res) => {
    handle(req, res).catch((err) => {
      opts.logger.error('request failed', { error: (err as Error).message });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, () => resolve());
  });
  const { port } = server.address() as { port: number };
  const host = opts.address.includes(':') ? `[${opts.address}]` : opts.address;

  return {
    url: `https://${host}:${port}`,
    port,
    metrics,
    close: (graceMs = 15_000) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const force = () => {
          for (const s of sockets) s.destroy();
        };
        const timer = setTimeout(force, graceMs);
        timer.unref();
        const whenIdle = () => {
          clearTimeout(timer);
          // Answers already written; let keep-alive connections go.
          setImmediate(() => {
            server.closeIdleConnections();
            force();
          });
        };
        if (inFlight === 0) whenIdle();
        else idle = whenIdle;
      }),
  };
}
