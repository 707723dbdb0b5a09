/**
 * The aws-auth ConfigMap format (PROTOCOL.md §4): parsing it strictly enough that a broken edit is
 * caught at reload (and the previous mappings kept), and matching identities against it.
 */
import { parse } from 'yaml';
import { canonicalizeArn } from '../verify/arn.js';
import type { Identity } from '../verify/verify-token.js';

export interface RoleMapping {
  /** The rolearn as written (assumed-role ARNs already canonicalised). */
  roleArn: string;
  username: string;
  groups: string[];
}

export interface UserMapping {
  userArn: string;
  username: string;
  groups: string[];
}

export interface AwsAuthMappings {
  roles: RoleMapping[];
  users: UserMapping[];
  accounts: string[];
}

export class MappingError extends Error {
  override readonly name = 'MappingError';
}

function lowerKeys(item: unknown, where: string): Record<string, unknown> {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new MappingError(`${where} is not a mapping`);
  // Item keys are case-insensitive (rolearn, roleArn, RoleARN all seen in the wild).
  return Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
}

function groupsOf(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((g) => typeof g === 'string')) throw new MappingError(`${where}: groups must be a list of strings`);
  return value;
}

function listOf(value: unknown, key: string): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = parse(value);
    } catch (err) {
      throw new MappingError(`${key} is not YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (parsed === null || parsed === undefined) return [];
  if (!Array.isArray(parsed)) throw new MappingError(`${key} must be a YAML list`);
  return parsed;
}

/**
 * Accepts a whole ConfigMap manifest or just its `data`; mapRoles, mapUsers and mapAccounts may be
 * YAML strings (as in the ConfigMap) or lists. Throws MappingError naming the broken entry.
 */
export function parseAwsAuth(text: string): AwsAuthMappings {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new MappingError(`not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new MappingError('expected a ConfigMap or its data');
  const root = doc as Record<string, unknown>;
  const data = (root.kind === 'ConfigMap' || 'data' in root ? root.data : root) as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') throw new MappingError('the ConfigMap has no data');
  // A file with none of the three keys is more likely cut short or the wrong file than a wish to
  // deny everyone; an intentionally empty aws-auth says so with `mapRoles: ""`.
  if (!['mapRoles', 'mapUsers', 'mapAccounts'].some((k) => k in data)) throw new MappingError('no mapRoles, mapUsers or mapAccounts');

  const roles = listOf(data.mapRoles, 'mapRoles').map((raw, i) => {
    const where = `mapRoles[${i}]`;
    const item = lowerKeys(raw, where);
    if (typeof item.rolearn !== 'string') throw new MappingError(`${where}: rolearn is missing`);
    let roleArn: string;
    try {
      const principal = canonicalizeArn(item.rolearn);
      if (principal.type !== 'role' && principal.type !== 'assumed-role') throw new Error('not a role');
      roleArn = principal.canonicalArn;
    } catch {
      throw new MappingError(`${where}: rolearn "${item.rolearn}" is not an IAM role ARN`);
    }
    if (typeof item.username !== 'string' || item.username === '') throw new MappingError(`${where}: username is missing`);
    return { roleArn, username: item.username, groups: groupsOf(item.groups, where) };
  });
  const users = listOf(data.mapUsers, 'mapUsers').map((raw, i) => {
    const where = `mapUsers[${i}]`;
    const item = lowerKeys(raw, where);
    if (typeof item.userarn !== 'string') throw new MappingError(`${where}: userarn is missing`);
    try {
      canonicalizeArn(item.userarn);
    } catch {
      throw new MappingError(`${where}: userarn "${item.userarn}" is not an IAM ARN`);
    }
    if (typeof item.username !== 'string' || item.username === '') throw new MappingError(`${where}: username is missing`);
    return { userArn: item.userarn, username: item.username, groups: groupsOf(item.groups, where) };
  });
  const accounts = listOf(data.mapAccounts, 'mapAccounts').map((raw, i) => {
    const account = typeof raw === 'number' ? String(raw).padStart(12, '0') : raw;
    if (typeof account !== 'string' || !/^\d{12}$/.test(account)) throw new MappingError(`mapAccounts[${i}]: "${String(raw)}" is not a 12-digit account ID`);
    return account;
  });
  return { roles, users, accounts };
}

export interface MappedUser {
  username: string;
  groups: string[];
  /** Which rule matched, for logs and `doctor`. */
  matchedBy: string;
}

const TEMPLATE = /\{\{(\w+)\}\}/g;

/** Fills {{AccountID}}, {{SessionName}} (@ → -), {{SessionNameRaw}}, {{AccessKeyID}}; others stay. */
export function renderTemplate(template: string, identity: Identity): string {
  return template.replace(TEMPLATE, (whole, name: string) => {
    switch (name) {
      case 'AccountID':
        return identity.accountId;
      case 'SessionName':
        // Kubernetes user names with "@" confuse some tooling; the Go tool substitutes "-".
        return identity.sessionName.replace(/@/g, '-');
      case 'SessionNameRaw':
        return identity.sessionName;
      case 'AccessKeyID':
        return identity.accessKeyId;
      default:
        return whole;
    }
  });
}

function mapped(kind: string, rule: string, username: string, groups: string[], identity: Identity): MappedUser {
  const user = { username: renderTemplate(username, identity), groups: groups.map((g) => renderTemplate(g, identity)), matchedBy: `${kind} ${rule}` };
  if ([user.username, ...user.groups].some((v) => v.includes('{{EC2PrivateDNSName}}'))) {
    // Needs EC2 DescribeInstances for the instance in the session name; granting a literal
    // "system:node:{{EC2PrivateDNSName}}" would be wrong, so refuse clearly instead.
    throw new MappingError(`${kind} ${rule} uses {{EC2PrivateDNSName}}, which eks-auth does not resolve yet`);
  }
  return user;
}

function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * The Kubernetes user for an identity, or undefined when no rule lets it in. Role mappings first,
 * then user mappings, then mapAccounts; throws MappingError when the matching rule cannot be honoured. ARNs compare case-insensitively. A rolearn with a path
 * (role/team/admin) also matches by account and role name: STS drops the path from assumed-role
 * ARNs, and IAM role names are unique per account, so this is the same role.
 */
export function mapIdentity(identity: Identity, mappings: AwsAuthMappings): MappedUser | undefined {
  const canonical = identity.canonicalArn.toLowerCase();
  const isRole = /^arn:[^:]+:iam::\d{12}:role\//.test(identity.canonicalArn);
  if (isRole) {
    const [prefix] = canonical.split(':role/');
    for (const m of mappings.roles) {
      const rule = m.roleArn.toLowerCase();
      const samePathless = rule.startsWith(`${prefix}:role/`) && roleName(rule) === roleName(canonical);
      if (rule === canonical || samePathless) {
        return mapped('mapRoles', m.roleArn, m.username, m.groups, identity);
      }
    }
  }
  for (const m of mappings.users) {
    if (m.userArn.toLowerCase() === canonical) {
      return mapped('mapUsers', m.userArn, m.username, m.groups, identity);
    }
  }
  if (mappings.accounts.includes(identity.accountId)) {
    return { username: identity.canonicalArn, groups: [], matchedBy: `mapAccounts ${identity.accountId}` };
  }
  return undefined;
}
