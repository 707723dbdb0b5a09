/**
 * provideClusterInfo: true makes kubectl pass the cluster in KUBERNETES_EXEC_INFO.spec.cluster,
 * including the cluster's `client.authentication.k8s.io/exec` extension as `config`. Reading the
 * cluster name, region and role from there lets one kubeconfig `users:` entry serve every cluster.
 * Pure; flags given on the command line win over what is found here.
 */
import type { TokenTarget } from './get-token.js';

export type ClusterInfoSettings = Omit<TokenTarget, 'forwardSessionName'>;

/** The region of an EKS API endpoint: https://<id>.<x>.<region>.eks.amazonaws.com[.cn]. */
export function regionFromEksEndpoint(server: string): string | undefined {
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return undefined;
  }
  return /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.eks\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

function stringField(config: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = config[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

export function settingsFromClusterInfo(cluster: Record<string, unknown> | undefined): ClusterInfoSettings {
  if (!cluster) return {};
  const config = (cluster.config && typeof cluster.config === 'object' ? cluster.config : {}) as Record<string, unknown>;
  const settings: ClusterInfoSettings = {};
  const clusterId = stringField(config, 'clusterName', 'clusterId', 'clusterID', 'cluster-name', 'cluster-id');
  const region = stringField(config, 'region') ?? (typeof cluster.server === 'string' ? regionFromEksEndpoint(cluster.server) : undefined);
  const roleArn = stringField(config, 'roleArn', 'role', 'role-arn');
  const profile = stringField(config, 'profile');
  const externalId = stringField(config, 'externalId', 'external-id');
  const sessionName = stringField(config, 'sessionName', 'session-name');
  if (clusterId) settings.clusterId = clusterId;
  if (region) settings.region = region;
  if (roleArn) settings.roleArn = roleArn;
  if (profile) settings.profile = profile;
  if (externalId) settings.externalId = externalId;
  if (sessionName) settings.sessionName = sessionName;
  return settings;
}
