// The TLS 1.2 key derivation: the PRF (RFC 5246 5), the master secret
// (RFC 5246 8.1, or RFC 7627 4 with extended_master_secret), the key block
// cut into write keys and IVs (RFC 5246 6.3) and Finished verify_data
// (RFC 5246 7.4.9). Handshake-time only: these allocate their outputs.
import { asciiBytes } from '../../bytes/ascii.js';
import { macFor } from '../../crypto/hmac.js';
import type { Hash } from '../../crypto/types.js';

const MASTER_SECRET = asciiBytes('master secret');
const EXTENDED_MASTER_SECRET = asciiBytes('extended master secret');
const KEY_EXPANSION = asciiBytes('key expansion');
const CLIENT_FINISHED = asciiBytes('client finished');
const SERVER_FINISHED = asciiBytes('server finished');

/** Length of the master secret, and of Finished verify_data (RFC 5246 8.1, 7.4.9). */
export const MASTER_SECRET_LENGTH = 48;
export const VERIFY_DATA_LENGTH = 12;

/**
 * PRF(secret, label, seed) = P_hash(secret, label + seed) for out.length
 * bytes (RFC 5246 5), P_hash being HMAC under the suite's hash:
 * A(0) = label + seed, A(i) = HMAC(secret, A(i-1)),
 * output = HMAC(secret, A(1) + label + seed) + HMAC(secret, A(2) + label + seed) + ...
 */
export function prf(hash: Hash, secret: Uint8Array, label: Uint8Array, seed: Uint8Array, out: Uint8Array): Uint8Array {
  const mac = macFor(hash, secret);
  const n = hash.outputLen;
  const a = new Uint8Array(n);
  const block = new Uint8Array(n);
  mac.update(label).update(seed).digestInto(a);
  for (let off = 0; off < out.length; off += n) {
    mac.update(a).update(label).update(seed).digestInto(block);
    out.set(off + n <= out.length ? block : block.subarray(0, out.length - off), off);
    mac.update(a).digestInto(a);
  }
  block.fill(0);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47] (RFC 5246 8.1). */
export function masterSecret(hash: Hash, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf(hash, preMaster, MASTER_SECRET, concat(clientRandom, serverRandom), new Uint8Array(MASTER_SECRET_LENGTH));
}

/**
 * RFC 7627 4: master_secret = PRF(pre_master_secret, "extended master secret",
 * session_hash)[0..47], session_hash being the transcript hash through the
 * ClientKeyExchange.
 */
export function extendedMasterSecret(hash: Hash, preMaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(hash, preMaster, EXTENDED_MASTER_SECRET, sessionHash, new Uint8Array(MASTER_SECRET_LENGTH));
}

/** One direction's AEAD key and fixed IV (4 bytes of salt for GCM and CCM, 12 for ChaCha20-Poly1305). */
export interface WriteKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/**
 * The key block (RFC 5246 6.3): PRF(master_secret, "key expansion",
 * server_random + client_random) cut into client_write_key,
 * server_write_key, client_write_IV, server_write_IV. AEAD suites have no
 * MAC keys.
 */
export function keyBlock(
  hash: Hash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, keyLen: number, ivLen: number,
): { client: WriteKeys; server: WriteKeys } {
  const block = prf(hash, master, KEY_EXPANSION, concat(serverRandom, clientRandom), new Uint8Array(2 * (keyLen + ivLen)));
  const keys = {
    client: { key: block.slice(0, keyLen), iv: block.slice(2 * keyLen, 2 * keyLen + ivLen) },
    server: { key: block.slice(keyLen, 2 * keyLen), iv: block.slice(2 * keyLen + ivLen, 2 * (keyLen + ivLen)) },
  };
  block.fill(0);
  return keys;
}

/**
 * verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
 * (RFC 5246 7.4.9); transcriptHash is the hash of the messages before this Finished.
 */
export function verifyData(hash: Hash, master: Uint8Array, fromClient: boolean, transcriptHash: Uint8Array): Uint8Array {
  return prf(hash, master, fromClient ? CLIENT_FINISHED : SERVER_FINISHED, transcriptHash, new Uint8Array(VERIFY_DATA_LENGTH));
}

/**
 * The premaster secret of a plain PSK key exchange (RFC 4279 2): with N the
 * key's length, uint16 N, N zero bytes, uint16 N, the key.
 */
export function pskPreMaster(psk: Uint8Array): Uint8Array {
  const n = psk.length;
  const out = new Uint8Array(4 + 2 * n);
  out[0] = out[2 + n] = n >>> 8;
  out[1] = out[3 + n] = n & 0xff;
  out.set(psk, 4 + n);
  return out;
}
