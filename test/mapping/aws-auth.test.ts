import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapIdentity, parseAwsAuth, renderTemplate, MappingError, type AwsAuthMappings } from '../../src/mapping/aws-auth.js';
import type { Identity } from '../../src/verify/verify-token.js';

const assumed = (role: string, session: string, account = '111122223333'): Identity => ({
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
  canonicalArn: `arn:aws:iam::${account}:role/${role}`,
  accountId: account,
  userId: 'AROAEXAMPLE',
  sessionName: session,
  accessKeyId: 'ASIAEXAMPLE',
  stsEndpoint: 'sts.eu-west-1.amazonaws.com',
});
const user = (name: string, account = '111122223333'): Identity => ({
  arn: `arn:aws:iam::${account}:user/${name}`, canonicalArn: `arn:aws:iam::${account}:user/${name}`, accountId: account,
  userId: 'AIDAEXAMPLE', sessionName: '', accessKeyId: 'AKIAEXAMPLE', stsEndpoint: 'sts.amazonaws.com',
});

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata: { name: aws-auth, namespace: kube-system }
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/team/eks-admin
      username: admin:{{SessionName}}
      groups: [system:masters]
    - RoleARN: arn:aws:sts::111122223333:assumed-role/dev/someone
      UserName: dev-{{SessionNameRaw}}
      Groups: [devs, "acct-{{AccountID}}"]
    - rolearn: arn:aws:iam::111122223333:role/ci
      username: ci-{{AccessKeyID}}
    - rolearn: arn:aws:iam::111122223333:role/eks-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
    - rolearn: arn:aws:iam::111122223333:role/unknown-template
      username: x-{{Nope}}
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/alice
      username: alice
      groups: [system:masters]
    - userarn: arn:aws:iam::111122223333:user/Bob
      username: bob
  mapAccounts: |
    - "444455556666"
    - 777788889999
`;

const m = parseAwsAuth(CONFIGMAP);

test('parses a whole ConfigMap: item keys case-insensitive, assumed-role rolearns canonicalised, accounts as strings', () => {
  assert.equal(m.roles.length, 5);
  assert.equal(m.roles[1]!.roleArn, 'arn:aws:iam::111122223333:role/dev');
  assert.deepEqual(m.roles[1]!.groups, ['devs', 'acct-{{AccountID}}']);
  assert.deepEqual(m.roles[2]!.groups, []);
  assert.deepEqual(m.accounts, ['444455556666', '777788889999']);
});

test('parses just the data, with lists instead of strings, and an empty ConfigMap', () => {
  const data = parseAwsAuth('mapUsers:\n  - userarn: arn:aws:iam::111122223333:user/alice\n    username: alice\n');
  assert.equal(data.users[0]!.username, 'alice');
  assert.deepEqual(parseAwsAuth('kind: ConfigMap\ndata:\n  mapRoles: ""\n'), { roles: [], users: [], accounts: [] });
});

const broken: Array<[string, RegExp]> = [
  ['mapRoles: "- rolearn: [unclosed"', /not YAML|mapRoles/],
  ['kind: ConfigMap\n', /has no data/],
  ['data:\n', /has no data/],
  ['data:\n  other: 1\n', /no mapRoles, mapUsers or mapAccounts/],
  ['mapRoles: |\n  - username: x\n', /mapRoles\[0\]: rolearn is missing/],
  ['mapRoles: |\n  - rolearn: arn:aws:iam::111122223333:user/x\n    username: x\n', /mapRoles\[0\]: rolearn .* is not an IAM role ARN/],
  ['mapRoles: |\n  - rolearn: arn:aws:iam::111122223333:role/x\n', /mapRoles\[0\]: username is missing/],
  ['mapRoles: |\n  - rolearn: arn:aws:iam::111122223333:role/x\n    username: x\n    groups: admins\n', /groups must be a list of strings/],
  ['mapUsers: |\n  - userarn: nope\n    username: x\n', /mapUsers\[0\]: userarn "nope" is not an IAM ARN/],
  ['mapAccounts: |\n  - "12345"\n', /mapAccounts\[0\]: "12345" is not a 12-digit account ID/],
  ['mapRoles: |\n  rolearn: x\n', /mapRoles must be a YAML list/],
  ['- just\n- a list\n', /expected a ConfigMap or its data|mapRoles|no data/],
];
for (const [text, message] of broken) {
  test(`rejects a broken aws-auth: ${message}`, () => {
    assert.throws(() => parseAwsAuth(text), (e: unknown) => e instanceof MappingError && message.test(e.message));
  });
}

const cases: Array<[string, Identity, string | undefined, string[]?]> = [
  ['role with a path matched by role name (STS drops the path)', assumed('eks-admin', 'alice@example.com'), 'admin:alice-example.com', ['system:masters']],
  ['case-insensitive ARN match', { ...assumed('EKS-Admin', 'x'), canonicalArn: 'arn:aws:iam::111122223333:role/EKS-Admin' }, 'admin:x'],
  ['{{SessionNameRaw}} keeps @ and {{AccountID}} in groups', assumed('dev', 'bob@example.com'), 'dev-bob@example.com', ['devs', 'acct-111122223333']],
  ['{{AccessKeyID}}', assumed('ci', 'build-42'), 'ci-ASIAEXAMPLE', []],
  ['unknown placeholders stay verbatim', assumed('unknown-template', 's'), 'x-{{Nope}}', []],
  ['user mapping', user('alice'), 'alice', ['system:masters']],
  ['user ARN compared case-insensitively', user('bob'), 'bob', []],
  ['mapAccounts: canonical ARN as the user name, no groups', assumed('anything', 's', '444455556666'), 'arn:aws:iam::444455556666:role/anything', []],
  ['unmapped role', assumed('nobody', 's'), undefined],
  ['unmapped user', user('mallory'), undefined],
  ['same role name in another account does not match', assumed('eks-admin', 's', '999999999999'), undefined],
];
for (const [name, identity, username, groups] of cases) {
  test(`maps: ${name}`, () => {
    const mapped = mapIdentity(identity, m);
    assert.equal(mapped?.username, username);
    if (groups) assert.deepEqual(mapped?.groups, groups);
  });
}

test('role mappings come before user mappings, and mappings before mapAccounts', () => {
  const both: AwsAuthMappings = {
    roles: [{ roleArn: 'arn:aws:iam::111122223333:role/r', username: 'from-role', groups: [] }],
    users: [{ userArn: 'arn:aws:iam::111122223333:role/r', username: 'from-user', groups: [] }],
    accounts: ['111122223333'],
  };
  assert.equal(mapIdentity(assumed('r', 's'), both)?.username, 'from-role');
  assert.equal(mapIdentity(assumed('r', 's'), { ...both, roles: [] })?.username, 'from-user');
  assert.equal(mapIdentity(assumed('r', 's'), { ...both, roles: [], users: [] })?.username, 'arn:aws:iam::111122223333:role/r');
});

test('{{EC2PrivateDNSName}} is refused clearly rather than granted literally', () => {
  assert.throws(() => mapIdentity(assumed('eks-nodes', 'i-0123456789abcdef0'), m), /EC2PrivateDNSName.*does not resolve/);
});

test('templates: {{SessionName}} replaces every @', () => {
  assert.equal(renderTemplate('{{SessionName}}/{{SessionNameRaw}}', assumed('r', 'a@b@c')), 'a-b-c/a@b@c');
});
