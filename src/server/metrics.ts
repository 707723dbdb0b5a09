/**
 * Prometheus metrics with the names and labels aws-iam-authenticator exports (PROTOCOL.md §3), so
 * existing dashboards and alerts keep working, plus request counts and an in-flight gauge.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ReviewResult = 'success' | 'malformed_request' | 'invalid_token' | 'sts_error' | 'sts_throttling' | 'unknown_user';

export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    latency: new Histogram({
      name: 'aws_iam_authenticator_authenticate_latency_seconds',
      help: 'Authenticate call latency, by result',
      labelNames: ['result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    stsResponses: new Counter({
      name: 'aws_iam_authenticator_sts_responses_total',
      help: 'STS responses, by HTTP status code and STS region',
      labelNames: ['ResponseCode', 'StsRegion'] as const,
      registers: [registry],
    }),
    stsThrottling: new Counter({
      name: 'aws_iam_authenticator_sts_throttling_total',
      help: 'STS throttling responses, by STS region',
      labelNames: ['StsRegion'] as const,
      registers: [registry],
    }),
    stsConnectionFailures: new Counter({
      name: 'aws_iam_authenticator_sts_connection_failures_total',
      help: 'Failed or timed-out connections to STS, by STS region',
      labelNames: ['StsRegion'] as const,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'eks_auth_http_requests_total',
      help: 'HTTP requests served, by path and status code',
      labelNames: ['path', 'code'] as const,
      registers: [registry],
    }),
    reviewsInFlight: new Gauge({ name: 'eks_auth_reviews_in_flight', help: 'TokenReviews being processed now', registers: [registry] }),
    mappingReloads: new Counter({
      name: 'eks_auth_mapping_reloads_total',
      help: 'aws-auth mapping reloads, by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The region label of an STS host: sts.<region>.… → region; the global host → us-east-1. */
export function stsRegionOf(host: string): string {
  if (host === 'sts.amazonaws.com') return 'us-east-1';
  return /^sts(?:-fips)?\.([^.]+)\./.exec(host)?.[1] ?? 'unknown';
}
