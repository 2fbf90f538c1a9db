// The arena of a connection: one ArrayBuffer sized from the configuration
// when the connection is created. Each side's handshake machine bounds its
// largest outgoing flight (client.ts: ClientHello with the trust anchors'
// names, PSK identity, cookie...; server.ts: the certificate flight, the
// tickets); this module turns that bound and the record limits into buffer
// sizes.
import type { Settings } from '../config.js';
import { HEADER, MAX_PLAINTEXT } from '../record/layer.js';

/** Sizes of the buffers carved out of a connection's arena. */
export interface ArenaLayout {
  /** One protected record as received. */
  inBuf: number;
  /** One full record plus our largest flight, sealed into records. */
  outBuf: number;
  /** Reassembly of one incoming handshake message. */
  handshakeIn: number;
  /** Staging of our largest flight (handshake messages before sealing). */
  handshakeOut: number;
  total: number;
}

/**
 * The largest record plaintext a context's connections receive and send,
 * which sizes their record buffers. Only a client's max_fragment_length
 * shrinks them: the client asks, and refuses a server that does not agree.
 * Until a limit is negotiated, 2^14 applies (RFC 6066, RFC 8449), so a
 * server, and record_size_limit alone, keep full buffers.
 */
export function recordLimit(s: Settings): number {
  return s.side === 'client' && s.maxFragmentLength ? s.maxFragmentLength : MAX_PLAINTEXT;
}

/**
 * What our records add to their plaintext: header, AEAD tag (at most 16
 * bytes), and the inner content type (TLS 1.3) or the explicit nonce (TLS 1.2,
 * 8 bytes), whichever is larger.
 */
const SEAL_OVERHEAD = HEADER + 8 + 16;
/** An alert (or ChangeCipherSpec) record sent besides a flight. */
const ALERT_RECORD = SEAL_OVERHEAD + 2;

/**
 * The layout for a side whose largest flight is `flight` bytes of handshake
 * messages and whose largest incoming handshake message is `message` bytes.
 */
export function arenaLayout(s: Settings, flight: number, message: number): ArenaLayout {
  const limit = recordLimit(s);
  // Protected records carry up to 256 bytes more than their plaintext (RFC 8446 5.2).
  const inBuf = HEADER + limit + 256;
  // A whole flight is sealed before it is sent, in records of at most `limit` bytes,
  // with a ChangeCipherSpec and an alert beside it, and room for one full record of data.
  const records = Math.ceil(flight / limit);
  const outBuf = SEAL_OVERHEAD + limit + flight + records * SEAL_OVERHEAD + 2 * ALERT_RECORD;
  const handshakeIn = 4 + message;
  return { inBuf, outBuf, handshakeIn, handshakeOut: flight, total: inBuf + outBuf + handshakeIn + flight };
}
