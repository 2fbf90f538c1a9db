// Pre-shared key pieces both sides share (RFC 8446 4.2.9, 4.2.11): the
// key exchange mode codes and the binder computation.
import type { Hash } from '../crypto/types.js';
import type { PskMode } from '../config.js';
import type { KeySchedule } from './key-schedule.js';
import type { Transcript } from './transcript.js';

export const PSK_KE = 0;
export const PSK_DHE_KE = 1;

export function pskModeCodes(modes: PskMode[]): number[] {
  return modes.map((m) => (m === 'psk_ke' ? PSK_KE : PSK_DHE_KE));
}

/**
 * A binder: HMAC(finished_key(binder_key), Transcript-Hash(messages so far +
 * the ClientHello up to its binders)). `keys` holds the PSK's Early Secret.
 */
export function computeBinder(keys: KeySchedule, binderKey: Uint8Array, transcript: Transcript, hash: Hash, truncatedHello: Uint8Array): Uint8Array {
  const th = transcript.digestWith(hash, new Uint8Array(hash.outputLen), truncatedHello);
  return keys.verifyData(binderKey, th, new Uint8Array(hash.outputLen));
}
