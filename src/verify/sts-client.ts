/**
 * The one request a verifier makes: GET the token's presigned URL at STS, with the verifier's own
 * cluster ID in x-k8s-aws-id. No redirects followed, a deadline, a bounded body. undici gives the
 * server keep-alive pooling and honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (EnvHttpProxyAgent).
 */
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { EksAuthError } from '../errors.js';

export interface StsHttpRequest {
  /** scheme://host[:port] to connect to: the token's host, or the override. */
  origin: string;
  /** Path and query exactly as in the token. */
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface StsHttpResponse {
  status: number;
  body: string;
  /** The response's Date header, when the transport reports it (clock checks). */
  date?: string | undefined;
}

/** How the verifier talks HTTP; injectable for tests and for callers with their own stack. */
export type StsTransport = (request: StsHttpRequest) => Promise<StsHttpResponse>;

/** A dispatcher per process: connections to STS are reused across reviews. */
let sharedDispatcher: Dispatcher | undefined;

export const undiciTransport: StsTransport = async (req) => {
  sharedDispatcher ??= new EnvHttpProxyAgent({ connections: 64, keepAliveTimeout: 30_000, connect: { timeout: req.timeoutMs } });
  // Connect, headers and body each have the deadline (undici's own timers: cheaper per request
  // than an AbortSignal, which matters at thousands of reviews per second).
  const res = await request(`${req.origin}${req.path}`, {
    method: 'GET',
    headers: req.headers,
    dispatcher: sharedDispatcher,
    headersTimeout: req.timeoutMs,
    bodyTimeout: req.timeoutMs,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > req.maxBodyBytes) {
      res.body.destroy();
      throw new EksAuthError('STS_BAD_RESPONSE', `STS response is larger than ${req.maxBodyBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const date = res.headers.date;
  return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), date: typeof date === 'string' ? date : undefined };
};

/** Maps transport failures to typed errors: timeouts and unreachable STS differ for operators. */
export function transportError(err: unknown, endpoint: string, timeoutMs: number): EksAuthError {
  if (err instanceof EksAuthError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const name = e?.name ?? '';
  const code = e?.code ?? e?.cause?.code ?? '';
  if (name === 'TimeoutError' || name === 'AbortError' || /Timeout/.test(name) || /TIMEOUT/.test(code)) {
    return new EksAuthError('STS_TIMEOUT', `STS (${endpoint}) did not answer within ${timeoutMs} ms`, { cause: err });
  }
  return new EksAuthError('STS_UNREACHABLE', `cannot reach STS (${endpoint}): ${code || name || 'error'}${e?.message ? `: ${e.message}` : ''}`, { cause: err });
}
