import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../src/duration.js';

const table: Array<[number, string]> = [
  [-5_000, '0s'], [0, '0s'], [499, '0s'], [500, '1s'], [45_000, '45s'], [59_400, '59s'], [60_000, '1m00s'],
  [13 * 60_000 + 7_000, '13m07s'], [3_599_000, '59m59s'], [3_600_000, '1h00m'], [3_900_000, '1h05m'],
];
for (const [ms, text] of table) test(`formatDuration(${ms}) = ${text}`, () => assert.equal(formatDuration(ms), text));
