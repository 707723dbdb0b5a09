/**
 * The kubectl exec credential contract (client.authentication.k8s.io), PROTOCOL.md §1.
 * Pure functions: the CLI passes in KUBERNETES_EXEC_INFO and prints what these return.
 */
export const EXEC_API_V1 = 'client.authentication.k8s.io/v1';
export const EXEC_API_V1BETA1 = 'client.authentication.k8s.io/v1beta1';
export const EXEC_API_V1ALPHA1 = 'client.authentication.k8s.io/v1alpha1';

export type ExecCredentialApiVersion = typeof EXEC_API_V1 | typeof EXEC_API_V1BETA1 | typeof EXEC_API_V1ALPHA1;

export interface ExecInfo {
  /** The apiVersion to answer with. */
  apiVersion: ExecCredentialApiVersion;
  /** One line for stderr when the exec info was malformed, unknown or deprecated. */
  warning?: string;
  /** spec.interactive, when kubectl said (v1beta1 and later always do). */
  interactive?: boolean;
  /** spec.cluster, present when the kubeconfig sets provideClusterInfo: true. */
  cluster?: Record<string, unknown>;
}

/**
 * Reads KUBERNETES_EXEC_INFO the way `aws eks get-token` does: v1 and v1beta1 are echoed,
 * v1alpha1 is echoed with a deprecation warning, and anything unusable falls back to v1beta1
 * (silently when unset or empty, with a warning when malformed or unknown).
 */
export function parseExecInfo(raw: string | undefined): ExecInfo {
  if (raw === undefined || raw.trim() === '') return { apiVersion: EXEC_API_V1BETA1 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { apiVersion: EXEC_API_V1BETA1, warning: `KUBERNETES_EXEC_INFO is not valid JSON; answering with ${EXEC_API_V1BETA1}. Your Kubernetes client is likely buggy: update it.` };
  }
  const obj = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const spec = (obj.spec !== null && typeof obj.spec === 'object' ? obj.spec : {}) as Record<string, unknown>;
  const extras: Pick<ExecInfo, 'interactive' | 'cluster'> = {};
  if (typeof spec.interactive === 'boolean') extras.interactive = spec.interactive;
  if (spec.cluster !== null && typeof spec.cluster === 'object') extras.cluster = spec.cluster as Record<string, unknown>;

  switch (obj.apiVersion) {
    case EXEC_API_V1:
    case EXEC_API_V1BETA1:
      return { apiVersion: obj.apiVersion, ...extras };
    case EXEC_API_V1ALPHA1:
      return {
        apiVersion: EXEC_API_V1ALPHA1,
        warning: `kubeconfig user entry uses the deprecated API version ${EXEC_API_V1ALPHA1}: change it to ${EXEC_API_V1}.`,
        ...extras,
      };
    default:
      return {
        apiVersion: EXEC_API_V1BETA1,
        warning: `KUBERNETES_EXEC_INFO names an unknown apiVersion ${JSON.stringify(obj.apiVersion ?? null)}; answering with ${EXEC_API_V1BETA1}.`,
        ...extras,
      };
  }
}

/** RFC 3339, UTC, whole seconds, `Z` (kubectl parses exactly this). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * One line of compact JSON, newline-terminated: kubectl rejects any other bytes on stdout.
 * The expiry is rounded down to the whole second so kubectl never keeps a token past its life.
 */
export function formatExecCredential(args: {
  token: string;
  expiresAt: Date;
  apiVersion?: ExecCredentialApiVersion;
}): string {
  const credential = {
    kind: 'ExecCredential',
    apiVersion: args.apiVersion ?? EXEC_API_V1BETA1,
    spec: {},
    status: { expirationTimestamp: formatTimestamp(args.expiresAt), token: args.token },
  };
  return `${JSON.stringify(credential)}\n`;
}
