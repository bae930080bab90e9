import type { AuditEventRecord } from '../api/types';
import { checkChain, GENESIS_PREV_HASH } from './chain';

const h = (c: string) => c.repeat(64);
const event = (seq: number, hash: string, prevHash: string): AuditEventRecord => ({
  seq,
  hash,
  prevHash,
  kind: 'application.created',
  at: '2026-11-30T08:00:00Z',
  actor: { type: 'system' },
  reasonCodes: [],
});
const chain = [event(1, h('a'), GENESIS_PREV_HASH), event(2, h('b'), h('a')), event(3, h('c'), h('b'))];

describe('the event chain as the reviewer receives it', () => {
  it('verifies an unbroken chain, and an empty one', () => {
    expect(checkChain(chain)).toEqual({ verified: true, count: 3, headHash: h('c') });
    expect(checkChain([])).toEqual({ verified: true, count: 0, headHash: null });
  });

  it.each([
    ['an event removed', [chain[0], chain[2]], { problem: 'sequence', seq: 3, expected: 2 }],
    ['events reordered', [chain[1], chain[0], chain[2]], { problem: 'sequence', seq: 2, expected: 1 }],
    ['the first event removed', chain.slice(1), { problem: 'sequence', seq: 2, expected: 1 }],
    ['a hash changed', [chain[0], { ...chain[1], hash: h('x') }, chain[2]], { problem: 'hash', seq: 2 }],
    ['an event replaced (its hash changed, the next one still names the old)', [chain[0], { ...chain[1], hash: h('d') }, chain[2]], { problem: 'link', seq: 3 }],
    ['a first event not linked to the genesis', [{ ...chain[0], prevHash: h('f') }], { problem: 'link', seq: 1 }],
  ] as const)('fails with %s', (_, events, failure) => {
    expect(checkChain([...events])).toEqual({ verified: false, ...failure });
  });
});
