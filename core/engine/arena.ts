// The arena of a connection: one ArrayBuffer sized from the configuration
// when the connection is created, holding its two record buffers and
// nothing else. Each side's handshake machine bounds its largest outgoing
// flight (client.ts: ClientHello with the trust anchors' names, PSK
// identity, cookie...; server.ts: the certificate flight, the tickets) and
// its largest incoming handshake message; this module turns those bounds and
// the record limits into buffer sizes.
//
// Handshake messages take no room of their own (issue 11):
// - outgoing, a message is written where its records will be, in the output
//   buffer, and sealed there in place (RecordLayer.sealStaged): a flight is
//   held once, as records;
// - incoming, a message that lies inside one record is handled where the
//   record was decrypted, in the input buffer; only a message split across
//   records is put together, in a buffer of its own length (at most
//   `message` bytes) that is dropped as soon as the message is handled. With
//   16 KB records that happens only when a peer splits a message; with
//   small records (max_fragment_length) a certificate chain does.
// So a connection keeps only its record buffers after the handshake, and a
// PSK-only client's arena holds nothing for certificates.
import type { Settings } from '../config.js';
import { HEADER, MAX_PLAINTEXT } from '../record/layer.js';

/** Sizes of the buffers carved out of a connection's arena, and the handshake bounds they follow. */
export interface ArenaLayout {
  /** One protected record as received. */
  inBuf: number;
  /** One full record plus our largest flight, sealed into records. */
  outBuf: number;
  /** Our largest flight (handshake messages), held in outBuf as it is sealed. */
  flight: number;
  /** The largest incoming handshake message (with its header); reassembled outside the arena only when split across records. */
  message: number;
  /** inBuf + outBuf. */
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

/** What our records add to their plaintext: header, inner content type, AEAD tag (at most 16 bytes). */
const SEAL_OVERHEAD = HEADER + 1 + 16;
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
  return { inBuf, outBuf, flight, message: 4 + message, total: inBuf + outBuf };
}
