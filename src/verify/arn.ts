import { EksAuthError } from '../errors.js';
import { PARTITION_IDS } from '../aws/partitions.js';

export type PrincipalType = 'user' | 'role' | 'assumed-role' | 'root' | 'federated-user';

export interface CanonicalPrincipal {
  canonicalArn: string;
  partition: string;
  accountId: string;
  type: PrincipalType;
  /** Role name for roles and assumed roles (without path). */
  roleName?: string;
  /** Session name of an assumed role, from the ARN. */
  sessionName?: string;
}

/**
 * The identity an aws-auth mapping names, from the ARN STS returned (PROTOCOL.md §2):
 * `arn:P:sts::A:assumed-role/<path…>/<role>/<session>` → `arn:P:iam::A:role/<path…>/<role>`;
 * IAM users, roles, root and STS federated users stay as they are; anything else is an error.
 */
export function canonicalizeArn(arn: string): CanonicalPrincipal {
  const fail = (why: string) => new EksAuthError('ARN_INVALID', `cannot canonicalise ARN "${arn}": ${why}`);
  const sections = arn.split(':');
  if (sections.length < 6) throw fail('an ARN has six ":"-separated sections');
  const [prefix, partition, service, region, accountId] = sections as [string, string, string, string, string];
  const resource = sections.slice(5).join(':');
  if (prefix !== 'arn') throw fail('it does not start with "arn:"');
  if (!(PARTITION_IDS as readonly string[]).includes(partition)) throw fail(`unknown partition "${partition}"`);
  if (region !== '') throw fail('IAM and STS ARNs have no region');
  if (!/^\d{12}$/.test(accountId)) throw fail('the account ID is not 12 digits');

  if (service === 'iam') {
    if (resource === 'root') return { canonicalArn: arn, partition, accountId, type: 'root' };
    if (/^user\/.+/.test(resource)) return { canonicalArn: arn, partition, accountId, type: 'user' };
    if (/^role\/.+/.test(resource)) {
      return { canonicalArn: arn, partition, accountId, type: 'role', roleName: resource.slice(resource.lastIndexOf('/') + 1) };
    }
    throw fail(`IAM resource "${resource.split('/')[0]}" is not a user, role or root`);
  }
  if (service === 'sts') {
    if (resource.startsWith('assumed-role/')) {
      const rest = resource.slice('assumed-role/'.length);
      const lastSlash = rest.lastIndexOf('/');
      if (lastSlash <= 0 || lastSlash === rest.length - 1) throw fail('an assumed-role ARN names a role and a session');
      const rolePath = rest.slice(0, lastSlash);
      return {
        canonicalArn: `arn:${partition}:iam::${accountId}:role/${rolePath}`,
        partition,
        accountId,
        type: 'assumed-role',
        roleName: rolePath.slice(rolePath.lastIndexOf('/') + 1),
        sessionName: rest.slice(lastSlash + 1),
      };
    }
    if (/^federated-user\/.+/.test(resource)) return { canonicalArn: arn, partition, accountId, type: 'federated-user' };
    throw fail(`STS resource "${resource.split('/')[0]}" is not an assumed role or federated user`);
  }
  throw fail(`service "${service}" is neither iam nor sts`);
}

/**
 * Splits STS's UserId: for roles and assumed roles it is `ROLEID:SESSION` (exactly one ":");
 * for users, root and federated users the whole value is the ID and there is no session.
 */
export function splitUserId(userId: string, type: PrincipalType): { userId: string; sessionName: string } {
  if (type === 'role' || type === 'assumed-role') {
    const parts = userId.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new EksAuthError('ARN_INVALID', `STS returned UserId "${userId}" for a role; expected ROLEID:SESSION`);
    }
    return { userId: parts[0], sessionName: parts[1] };
  }
  return { userId, sessionName: '' };
}
