import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizeArn, splitUserId } from '../../src/verify/arn.js';

const ok: Array<[string, string, string, string?]> = [
  ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/alice', 'user'],
  ['arn:aws:iam::111122223333:user/path/to/alice', 'arn:aws:iam::111122223333:user/path/to/alice', 'user'],
  ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:root', 'root'],
  ['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:role/admin', 'role'],
  ['arn:aws:sts::111122223333:assumed-role/admin/alice', 'arn:aws:iam::111122223333:role/admin', 'assumed-role', 'alice'],
  ['arn:aws:sts::111122223333:assumed-role/team/admin/alice@example.com', 'arn:aws:iam::111122223333:role/team/admin', 'assumed-role', 'alice@example.com'],
  ['arn:aws-cn:sts::111122223333:assumed-role/Node/i-0123456789abcdef0', 'arn:aws-cn:iam::111122223333:role/Node', 'assumed-role', 'i-0123456789abcdef0'],
  ['arn:aws-us-gov:sts::111122223333:assumed-role/x/y', 'arn:aws-us-gov:iam::111122223333:role/x', 'assumed-role', 'y'],
  ['arn:aws-iso-f:iam::111122223333:user/u', 'arn:aws-iso-f:iam::111122223333:user/u', 'user'],
  ['arn:aws:sts::111122223333:federated-user/bob', 'arn:aws:sts::111122223333:federated-user/bob', 'federated-user'],
];
for (const [arn, canonical, type, session] of ok) {
  test(`canonical ARN of ${arn}`, () => {
    const p = canonicalizeArn(arn);
    assert.equal(p.canonicalArn, canonical);
    assert.equal(p.type, type);
    assert.equal(p.accountId, '111122223333');
    assert.equal(p.sessionName, session);
  });
}

const bad: Array<[string, RegExp]> = [
  ['arn:aws:iam::111122223333', /six ":"-separated sections/],
  ['arm:aws:iam::111122223333:user/x', /does not start with "arn:"/],
  ['arn:aws-mars:iam::111122223333:user/x', /unknown partition "aws-mars"/],
  ['arn:aws:s3:::bucket/key', /account ID is not 12 digits/],
  ['arn:aws:ec2::111122223333:instance/i-1', /service "ec2" is neither iam nor sts/],
  ['arn:aws:iam::111122223333:group/admins', /IAM resource "group"/],
  ['arn:aws:iam:us-east-1:111122223333:user/x', /no region/],
  ['arn:aws:sts::111122223333:assumed-role/only-role', /names a role and a session/],
  ['arn:aws:sts::111122223333:assumed-role/role/', /names a role and a session/],
  ['arn:aws:sts::111122223333:user/x', /STS resource "user"/],
  ['arn:aws:iam::12345:user/x', /12 digits/],
];
for (const [arn, message] of bad) {
  test(`ARN refused: ${arn}`, () => {
    assert.throws(() => canonicalizeArn(arn), (e: any) => e.code === 'ARN_INVALID' && message.test(e.message));
  });
}

test('UserId: roles split ROLEID:SESSION once; users keep the whole value', () => {
  assert.deepEqual(splitUserId('AROAEXAMPLE:alice', 'assumed-role'), { userId: 'AROAEXAMPLE', sessionName: 'alice' });
  assert.deepEqual(splitUserId('AIDAEXAMPLE', 'user'), { userId: 'AIDAEXAMPLE', sessionName: '' });
  assert.deepEqual(splitUserId('111122223333:bob', 'federated-user'), { userId: '111122223333:bob', sessionName: '' });
  assert.throws(() => splitUserId('AROA:a:b', 'assumed-role'), /expected ROLEID:SESSION/);
  assert.throws(() => splitUserId('AROA', 'assumed-role'), /expected ROLEID:SESSION/);
});
