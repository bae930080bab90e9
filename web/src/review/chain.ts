// The hash chain of an application's events, checked as the reviewer receives it: consecutive
// from 1, the first linking to the genesis hash, each to the previous event's hash. The server
// recomputes the hashes over the stored bodies (whose exact bytes the browser cannot rebuild from
// the parsed events) and answers `chainVerified`; this check adds that the events on screen are
// that chain, none missing, reordered or relinked.
import type { AuditEventRecord } from '../api/types';

/** The previous hash of an application's first event. */
export const GENESIS_PREV_HASH = '0'.repeat(64);
const HASH = /^[0-9a-f]{64}$/;

export type ChainCheck =
  | { verified: true; count: number; headHash: string | null }
  | { verified: false; problem: 'sequence' | 'hash' | 'link'; seq: number; expected?: number };

export function checkChain(events: AuditEventRecord[]): ChainCheck {
  let prevHash = GENESIS_PREV_HASH;
  for (const [index, event] of events.entries()) {
    const expected = index + 1;
    if (event.seq !== expected) return { verified: false, problem: 'sequence', seq: event.seq, expected };
    if (!HASH.test(event.hash)) return { verified: false, problem: 'hash', seq: event.seq };
    if (event.prevHash !== prevHash) return { verified: false, problem: 'link', seq: event.seq };
    prevHash = event.hash;
  }
  return { verified: true, count: events.length, headHash: events.at(-1)?.hash ?? null };
}
