/**
 * TokenReview requests and answers (authentication.k8s.io v1 and v1beta1), PROTOCOL.md §3. Pure.
 */
import type { Identity } from '../verify/verify-token.js';
import type { MappedUser } from '../mapping/aws-auth.js';

export const TOKEN_REVIEW_VERSIONS = ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'] as const;
export type TokenReviewVersion = (typeof TOKEN_REVIEW_VERSIONS)[number];

export type ParsedReview = { ok: true; apiVersion: TokenReviewVersion; token: string } | { ok: false; apiVersion: TokenReviewVersion; reason: string };

export function parseTokenReview(body: string): ParsedReview {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { ok: false, apiVersion: 'authentication.k8s.io/v1', reason: 'body is not JSON' };
  }
  const review = (doc && typeof doc === 'object' ? doc : {}) as { apiVersion?: unknown; kind?: unknown; spec?: { token?: unknown } };
  const apiVersion = (TOKEN_REVIEW_VERSIONS as readonly unknown[]).includes(review.apiVersion) ? (review.apiVersion as TokenReviewVersion) : undefined;
  if (!apiVersion || review.kind !== 'TokenReview') {
    return { ok: false, apiVersion: apiVersion ?? 'authentication.k8s.io/v1', reason: 'body is not a TokenReview of authentication.k8s.io/v1 or v1beta1' };
  }
  if (typeof review.spec?.token !== 'string' || review.spec.token === '') return { ok: false, apiVersion, reason: 'TokenReview has no spec.token' };
  return { ok: true, apiVersion, token: review.spec.token };
}

/** The uid aws-iam-authenticator gives, kept so existing RBAC and audit tooling match. */
export function reviewUid(identity: Identity): string {
  return `aws-iam-authenticator:${identity.accountId}:${identity.userId}`;
}

export function allowedReview(apiVersion: TokenReviewVersion, identity: Identity, user: MappedUser): object {
  return {
    apiVersion,
    kind: 'TokenReview',
    status: {
      authenticated: true,
      user: {
        username: user.username,
        uid: reviewUid(identity),
        groups: user.groups,
        extra: {
          arn: [identity.arn],
          canonicalArn: [identity.canonicalArn],
          sessionName: [identity.sessionName],
          accessKeyId: [identity.accessKeyId],
          principalId: [identity.userId],
          'sigs.k8s.io/aws-iam-authenticator/principalId': [identity.userId],
        },
      },
    },
  };
}

export function deniedReview(apiVersion: TokenReviewVersion, error: string): object {
  return { apiVersion, kind: 'TokenReview', status: { authenticated: false, error } };
}
