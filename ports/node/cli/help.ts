// Help texts: the command list of `microtls --help` and the options of the
// TLS commands (`microtls server --help` ...).
import type { Command } from './command.js';
import { DEFAULT_TIMEOUT_S } from './deadline.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './options.js';

/** `microtls --help`: every command of the table with its summary. */
export function usage(commands: readonly Command[]): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return 'usage: microtls <command> [options]\ncommands:\n' +
    commands.map((c) => '  ' + c.name.padEnd(width) + ' ' + c.summary + '\n').join('') +
    'Run "microtls <command> --help" for the options of a command.\n';
}

const DEMO_PKI_NOTE = 'The demo PKI (ports/node/demo-pki) is public and insecure: for real use, give your own files.\n';

export const SERVER_HELP = `usage: microtls server [options]
  --cert FILE             certificate chain, PEM leaf first (default: demo PKI server-ecdsa-chain.crt)
  --key FILE              private key (default: demo PKI server-ecdsa.key)
  --port N                port to listen on (default ${DEFAULT_PORT})
  --host ADDR             address to listen on (default ${DEFAULT_HOST})
  --ca FILE               trust anchors for client certificates (default: demo PKI ca.crt)
  --verify-client         ask for a client certificate and verify it when sent
  --require-client-cert   ask for a client certificate and fail without one
  --crl FILE              CRLs (PEM or DER) to check client certificates against
  --ciphers LIST          cipher suites, e.g. TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256
  --tls1_2, --tls1_3      this protocol version only (default: TLS 1.2 and 1.3)
  --min-version V, --max-version V
                          lowest / highest protocol version: 1.2 or 1.3
  --groups LIST           key exchange groups, e.g. x25519:secp256r1
  --sigalgs LIST          signature schemes, e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256
  --once                  exit after the first connection
  --psk-identity ID --psk-key HEX
                          accept this external PSK (prints "Identity: ID" when used)
  --psk-only              PSK without (EC)DHE (psk_ke); no certificate needed
  --tickets N             NewSessionTicket messages per connection (default 2, 0: none;
                          one after a resumption)
  --max-early-data N      accept up to N bytes of 0-RTT data (and say so in tickets)
  --alpn LIST             ALPN protocols in preference order, e.g. h2,http/1.1
  --servername NAME       refuse other SNI names (unrecognized_name)
  --record-size-limit N   record_size_limit to send, as RFC 8449 counts it (65..16385:
                          in TLS 1.3 the largest record plaintext we accept plus 1)
  --timeout S             seconds to wait for a client's handshake (default ${DEFAULT_TIMEOUT_S}, 0: no limit)
  --ocsp FILE             DER OCSP response to staple for our certificate
  --keylog FILE           append NSS key log lines (for Wireshark) to FILE
  -v, --verbose           print the engine debug log to stderr
  -h, --help              this help
${DEMO_PKI_NOTE}`;

export const CLIENT_HELP = `usage: microtls client [options]
  --ca FILE               trust anchors (default: demo PKI ca.crt)
  --host HOST             server to connect to (default ${DEFAULT_HOST})
  --port N                server port (default ${DEFAULT_PORT})
  --servername NAME       name for SNI and certificate verification (default: the host)
  --cert FILE --key FILE  client certificate chain and private key
  --ciphers LIST          cipher suites, e.g. TLS_AES_256_GCM_SHA384
  --tls1_2, --tls1_3      this protocol version only (default: TLS 1.2 and 1.3)
  --min-version V, --max-version V
                          lowest / highest protocol version: 1.2 or 1.3
  --groups LIST           key exchange groups; a key share is sent for the first
  --sigalgs LIST          signature schemes
  --insecure              do not verify the server certificate
  --psk-identity ID --psk-key HEX
                          offer this external PSK
  --psk-only              PSK without (EC)DHE (psk_ke)
  --sess-out FILE         save the session (the server's ticket) to FILE at the end
  --sess-in FILE          resume the session saved in FILE
  --early-data TEXT       with --sess-in: send TEXT as 0-RTT data (sent again after
                          the handshake when the server did not take it)
  --alpn LIST             ALPN protocols to offer, e.g. h2,http/1.1
  --max-frag N            max_fragment_length: 512, 1024, 2048 or 4096
  --record-size-limit N   record_size_limit to send, as RFC 8449 counts it (65..16385:
                          in TLS 1.3 the largest record plaintext we accept plus 1)
  --timeout S             seconds to wait for the server: handshake, each reply, the reply
                          to 0-RTT data (default ${DEFAULT_TIMEOUT_S}, 0: no limit)
  --status                ask for the server's stapled OCSP response and require a good one
  --keylog FILE           append NSS key log lines (for Wireshark) to FILE
  -v, --verbose           print the engine debug log to stderr
  -h, --help              this help
Each line read from standard input is sent; an empty line sends an HTTP GET
request, "break" ends the session, "k" sends a KeyUpdate and "K" one that
asks the server to update its keys too.
${DEMO_PKI_NOTE}`;

export const DEMO_HELP = `usage: microtls demo [options]
Runs a server and a client in one process on 127.0.0.1, does one handshake
and one message exchange, and prints the negotiated parameters.
  --ciphers LIST --groups LIST --sigalgs LIST   as for server and client
  --keylog FILE           append NSS key log lines to FILE
  -v, --verbose           print both engines' debug logs to stderr
  -h, --help              this help
`;
