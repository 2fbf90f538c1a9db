// IANA code points used by TLS 1.3 (RFC 8446 section 4 and B.3) and TLS 1.2
// (RFC 5246 and the RFCs named below), with the names people type (CLI,
// config) and see (logs).

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

export const HandshakeType = {
  hello_request: 0, // TLS 1.2
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12, // TLS 1.2
  certificate_request: 13,
  server_hello_done: 14, // TLS 1.2
  certificate_verify: 15,
  client_key_exchange: 16, // TLS 1.2
  finished: 20,
  certificate_status: 22, // TLS 1.2 (RFC 6066 8)
  key_update: 24,
  message_hash: 254,
} as const;

export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11, // TLS 1.2 (RFC 8422 5.1.2)
  signature_algorithms: 13,
  application_layer_protocol_negotiation: 16,
  padding: 21,
  extended_master_secret: 23, // TLS 1.2 (RFC 7627)
  record_size_limit: 28,
  session_ticket: 35, // TLS 1.2 (RFC 5077)
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01, // TLS 1.2 (RFC 5746)
} as const;

export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
  // TLS 1.2: ECDHE with ECDSA or RSA certificates (RFC 5289, RFC 7905, RFC 7251),
  // and plain PSK (RFC 5487, RFC 6655); AEAD only.
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  TLS_ECDHE_ECDSA_WITH_AES_128_CCM: 0xc0ac,
  TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8: 0xc0ae,
  TLS_PSK_WITH_AES_128_GCM_SHA256: 0x00a8,
  TLS_PSK_WITH_AES_128_CCM_8: 0xc0a8,
} as const;

/** Whether a suite code is a TLS 1.3 one (0x13xx, RFC 8446 B.4); the others here are TLS 1.2's (tls12/suites.ts). */
export function isTls13Suite(code: number): boolean {
  return code >> 8 === 0x13;
}

export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
} as const;

export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
} as const;

/** The hash of each suite (its name's last part; the PRF hash of a TLS 1.2 suite). */
export function suiteHash(suite: number): 'sha256' | 'sha384' {
  const C = CipherSuite;
  return suite === C.TLS_AES_256_GCM_SHA384 || suite === C.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ||
    suite === C.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ? 'sha384' : 'sha256';
}

/** Protocol versions, as ContextOptions minVersion / maxVersion take them. */
export const Version = {
  TLS12: 0x0303,
  TLS13: 0x0304,
} as const;
export const TLS13 = Version.TLS13;
export const TLS12 = Version.TLS12;

type Table = Readonly<Record<string, number>>;

/**
 * The name of a code in a table, found by a scan: names are for logs and
 * errors only, and a device keeps no reverse tables in memory for them.
 */
function nameOf(t: Table, code: number): string {
  for (const k in t) if (t[k] === code) return k;
  return '0x' + code.toString(16).padStart(4, '0');
}
export const suiteName = (c: number): string => nameOf(CipherSuite, c);
export const groupName = (c: number): string => nameOf(NamedGroup, c);
export const schemeName = (c: number): string => nameOf(SignatureScheme, c);
export const handshakeName = (c: number): string => nameOf(HandshakeType, c);
export const extensionName = (c: number): string => nameOf(ExtensionType, c);

/**
 * Parses a list of names separated by ':' or ',' against a table; returns
 * the codes in order, or the first unknown name as a string.
 */
export function parseNameList(list: string, table: Table): number[] | string {
  const out: number[] = [];
  for (const raw of list.split(/[:,]/)) {
    const name = raw.trim();
    if (!name) continue;
    const code = table[name];
    if (code === undefined) return name;
    out.push(code);
  }
  return out;
}
