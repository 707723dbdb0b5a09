/**
 * convert-kubeconfig: rewrites kubeconfig users that run `aws eks get-token` or
 * `aws-iam-authenticator token` to run `eks-auth token` with the same cluster, region, role and
 * profile. Works on the YAML document (comments and order kept); pure apart from the caller's I/O.
 */
import { parseArgs } from 'node:util';
import { isMap, isSeq, parseDocument, stringify, type Document, type YAMLMap } from 'yaml';
import type { TokenTarget } from '../token/get-token.js';

export const EXEC_V1 = 'client.authentication.k8s.io/v1';
export const INSTALL_HINT = 'eks-auth is the credential plugin for this cluster. Install it with "npm install -g eks-auth" (Node.js 20 or later), or put its bin/eks-auth on PATH.';

export interface ConvertedUser {
  name: string;
  from: Exclude<ExecTool, 'eks-auth'>;
  args: string[];
}

export interface SkippedUser {
  name: string;
  reason: string;
}

export interface ConvertResult {
  text: string;
  /**
   * The converted user entries alone, for --dry-run: the rest of a kubeconfig holds other users'
   * tokens and keys, and exec env values may be secrets, so neither is shown.
   */
  preview: string;
  converted: ConvertedUser[];
  skipped: SkippedUser[];
}

type TokenSettings = TokenTarget;

type Parsed = { ok: true; settings: TokenSettings } | { ok: false; reason: string };

function knownOnly(values: Record<string, unknown>, known: string[]): string | undefined {
  const unknown = Object.keys(values).filter((k) => !known.includes(k));
  return unknown.length ? `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `--${k}`).join(', ')}` : undefined;
}

/** `aws [global options] eks get-token [options]`, as `aws eks update-kubeconfig` writes it. */
export function parseAwsGetTokenArgs(args: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    options: {
      region: { type: 'string' }, profile: { type: 'string' }, output: { type: 'string' },
      'cluster-name': { type: 'string' }, 'cluster-id': { type: 'string' }, 'role-arn': { type: 'string' },
    },
  });
  if (positionals.join(' ') !== 'eks get-token') return { ok: false, reason: `not "aws eks get-token" (${positionals.join(' ') || 'no command'})` };
  const unknown = knownOnly(values, ['region', 'profile', 'output', 'cluster-name', 'cluster-id', 'role-arn']);
  if (unknown) return { ok: false, reason: unknown };
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  return { ok: true, settings: { clusterId: str('cluster-id') ?? str('cluster-name'), region: str('region'), profile: str('profile'), roleArn: str('role-arn') } };
}

/** `aws-iam-authenticator token -i <id> [-r <role>] [--region] [-e] [-s] [--forward-session-name]`. */
export function parseAuthenticatorArgs(args: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    options: {
      'cluster-id': { type: 'string', short: 'i' }, role: { type: 'string', short: 'r' }, region: { type: 'string' },
      'external-id': { type: 'string', short: 'e' }, 'session-name': { type: 'string', short: 's' },
      'forward-session-name': { type: 'boolean' }, 'token-only': { type: 'boolean' },
    },
  });
  if (positionals[0] !== 'token' || positionals.length > 1) return { ok: false, reason: `not "aws-iam-authenticator token" (${positionals.join(' ') || 'no command'})` };
  const unknown = knownOnly(values, ['cluster-id', 'role', 'region', 'external-id', 'session-name', 'forward-session-name', 'token-only']);
  if (unknown) return { ok: false, reason: unknown };
  if (values['token-only']) return { ok: false, reason: '--token-only output is not an ExecCredential' };
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  return {
    ok: true,
    settings: {
      clusterId: str('cluster-id'), roleArn: str('role'), region: str('region'), externalId: str('external-id'),
      sessionName: str('session-name'), forwardSessionName: values['forward-session-name'] === true,
    },
  };
}

/** `eks-auth token …`: what an already converted (or hand-written) user entry asks for. */
export function parseEksAuthArgs(args: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    options: {
      'cluster-id': { type: 'string', short: 'i' }, 'cluster-name': { type: 'string' }, region: { type: 'string' }, profile: { type: 'string' },
      role: { type: 'string', short: 'r' }, 'role-arn': { type: 'string' }, 'external-id': { type: 'string', short: 'e' },
      'session-name': { type: 'string', short: 's' }, 'forward-session-name': { type: 'boolean' },
    },
  });
  if (positionals[0] !== 'token') return { ok: false, reason: `not "eks-auth token" (${positionals.join(' ') || 'no command'})` };
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  return {
    ok: true,
    settings: {
      clusterId: str('cluster-id') ?? str('cluster-name'), region: str('region'), profile: str('profile'), roleArn: str('role') ?? str('role-arn'),
      externalId: str('external-id'), sessionName: str('session-name'), forwardSessionName: values['forward-session-name'] === true,
    },
  };
}

export type ExecTool = 'eks-auth' | 'aws eks get-token' | 'aws-iam-authenticator token';

/**
 * Which token a kubeconfig exec entry asks for, whichever of the three tools it runs; undefined
 * for other commands. Shared by convert-kubeconfig and doctor.
 */
export function tokenTargetFromExec(command: string, args: string[]): (Parsed & { tool: ExecTool }) | undefined {
  switch (commandName(command)) {
    case 'eks-auth':
      return { tool: 'eks-auth', ...parseEksAuthArgs(args) };
    case 'aws':
      return { tool: 'aws eks get-token', ...parseAwsGetTokenArgs(args) };
    case 'aws-iam-authenticator':
      return { tool: 'aws-iam-authenticator token', ...parseAuthenticatorArgs(args) };
    default:
      return undefined;
  }
}

export function eksAuthArgs(s: TokenSettings): string[] {
  const args = ['token', '-i', s.clusterId!];
  if (s.region) args.push('--region', s.region);
  if (s.profile) args.push('--profile', s.profile);
  if (s.roleArn) args.push('-r', s.roleArn);
  if (s.externalId) args.push('-e', s.externalId);
  if (s.sessionName) args.push('-s', s.sessionName);
  if (s.forwardSessionName) args.push('--forward-session-name');
  return args;
}

function commandName(command: string): string {
  return command.slice(command.lastIndexOf('/') + 1).replace(/\.exe$/i, '');
}

/** The names of the users the context uses, or every user when no context is given. */
function usersOfContext(doc: Document, context: string | undefined): Set<string> | undefined {
  if (!context) return undefined;
  const contexts = doc.get('contexts');
  const names = new Set<string>();
  if (isSeq(contexts)) {
    for (const item of contexts.items) {
      if (isMap(item) && item.get('name') === context) {
        const user = (item.get('context') as YAMLMap | undefined)?.get?.('user');
        if (typeof user === 'string') names.add(user);
      }
    }
  }
  return names;
}

export function convertKubeconfig(text: string, opts: { context?: string | undefined; command?: string } = {}): ConvertResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const wanted = usersOfContext(doc, opts.context);
  if (wanted && wanted.size === 0) throw new Error(`no context named "${opts.context}"`);
  const converted: ConvertedUser[] = [];
  const skipped: SkippedUser[] = [];
  const convertedEntries: YAMLMap[] = [];
  const users = doc.get('users');
  for (const item of isSeq(users) ? users.items : []) {
    if (!isMap(item)) continue;
    const name = String(item.get('name'));
    if (wanted && !wanted.has(name)) continue;
    const exec = item.getIn(['user', 'exec'], true);
    if (!isMap(exec)) continue;
    const argsNode = exec.get('args', true);
    const args = isSeq(argsNode) ? argsNode.items.map((n) => String((n as { value?: unknown }).value ?? n)) : [];
    const parsed = tokenTargetFromExec(String(exec.get('command') ?? ''), args);
    if (!parsed || parsed.tool === 'eks-auth') continue;
    const from = parsed.tool;
    if (!parsed.ok) {
      skipped.push({ name, reason: parsed.reason });
      continue;
    }
    const settings = parsed.settings;
    // An AWS_PROFILE env entry becomes --profile: explicit on the command line, where it is seen.
    const envNode = exec.get('env', true);
    if (isSeq(envNode)) {
      const index = envNode.items.findIndex((e) => isMap(e) && e.get('name') === 'AWS_PROFILE');
      if (index >= 0) {
        const value = (envNode.items[index] as YAMLMap).get('value');
        if (!settings.profile && typeof value === 'string') settings.profile = value;
        envNode.items.splice(index, 1);
      }
      if (envNode.items.length === 0) exec.delete('env');
    }
    if (!settings.clusterId) {
      skipped.push({ name, reason: 'no cluster name or ID in its arguments' });
      continue;
    }
    const newArgs = eksAuthArgs(settings);
    exec.set('apiVersion', EXEC_V1);
    exec.set('command', opts.command ?? 'eks-auth');
    exec.set('args', doc.createNode(newArgs));
    if (!exec.has('interactiveMode')) exec.set('interactiveMode', 'IfAvailable');
    exec.set('installHint', INSTALL_HINT);
    converted.push({ name, from, args: newArgs });
    convertedEntries.push(item);
  }
  const preview = stringify({ users: convertedEntries.map((e) => maskEnvValues(e.toJSON())) }, { indentSeq: false });
  return { text: doc.toString({ indentSeq: false }), preview, converted, skipped };
}

function maskEnvValues(user: { user?: { exec?: { env?: Array<{ name?: string; value?: string }> } } }): unknown {
  for (const entry of user.user?.exec?.env ?? []) entry.value = '(not shown)';
  return user;
}
