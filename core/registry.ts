// IANA code points used by TLS 1.3 (RFC 8446 section 4 and B.3), with the
// names people type (CLI, config) and see (logs).

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  signature_algorithms: 13,
  application_layer_protocol_negotiation: 16,
  padding: 21,
  record_size_limit: 28,
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
} as const;

export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
} as const;

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

/** The hash of each TLS 1.3 suite (its name's last part). */
export function suiteHash(suite: number): 'sha256' | 'sha384' {
  return suite === CipherSuite.TLS_AES_256_GCM_SHA384 ? 'sha384' : 'sha256';
}

export const TLS13 = 0x0304;
export const TLS12 = 0x0303;

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
