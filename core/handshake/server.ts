// The TLS 1.3 server handshake (RFC 8446 section 2, figures 1-4; 4.1-4.4),
// with PSK, tickets and 0-RTT. Every state the machine enters (ServerState;
// the debug log prints them as "accept state: NAME") and what it accepts:
//   START                        ClientHello (one that negotiates TLS 1.2 goes to tls12/server.ts)
//   HELLO_RETRY_REQUEST_SENT     the second ClientHello
//   CLIENT_HELLO_RECEIVED        (passing: our ServerHello ... Finished go out)
//   EARLY_DATA_ACCEPTED          0-RTT application data, EndOfEarlyData
//   SERVER_FINISHED_SENT         Certificate (when requested) or Finished
//   CLIENT_CERTIFICATE_RECEIVED  CertificateVerify
//   CLIENT_CERTIFICATE_VERIFY_RECEIVED Finished (entered after an empty Certificate too)
//   CONNECTED                    KeyUpdate; Certificate/CertificateVerify/Finished after requestClientCertificate()
import { asciiString } from '../bytes/ascii.js';
import { constantTimeEqual } from '../crypto/ct.js';
import type { Hash, PublicKey } from '../crypto/types.js';
import type { Credentials } from '../config.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { HandshakeType, TLS13, groupName, isTls13Suite, schemeName, suiteHash, suiteName } from '../registry.js';
import type { ReplayGuard } from '../session/replay.js';
import { MAX_TICKET, ticketReplayId, type TicketKeys, type TicketState } from '../session/ticket.js';
import {
  authorities, authoritiesBound, certificateFlightBound, checkFinished, checkPeerChain, chooseScheme, ownSchemes, signCertificateVerify,
  verifyCertificateVerify,
} from './authentication.js';
import { Handshake, type HandshakeHost } from './handshake.js';
import { KeySchedule } from './key-schedule.js';
import {
  HRR_RANDOM,
  checkGroups,
  parseCertificate as parseCertificateMessage,
  parseCertificateVerify,
  parseClientHello,
  parseEndOfEarlyData,
  parseFinished,
  writeCertificate,
  writeCertificateRequest,
  writeCertificateVerify,
  writeEncryptedExtensions,
  writeNewSessionTicket,
  writeServerHello,
  type ClientHello,
  type EncryptedExtensions,
} from './messages.js';
import type { KeyShareEntry } from './extensions.js';
import { PSK_DHE_KE, PSK_KE, computeBinder } from './psk.js';
import type { Transcript } from './transcript.js';
import { copyBytes } from '../bytes/copy.js';
import { selectVersion } from './version.js';

/** Identities looked at in one ClientHello: a bound on the work a client can ask for. */
const MAX_PSK_IDENTITIES = 4;
const EMPTY = new Uint8Array(0);

/** A server's credentials, with its context's ticket keys and 0-RTT replay guard (null when off). */
export interface ServerCredentials extends Credentials {
  readonly ticketKeys: TicketKeys | null;
  readonly replay: ReplayGuard | null;
}

/**
 * The server's largest flight (ServerHello through Finished, or its
 * NewSessionTickets) and the largest handshake message it reassembles, for
 * a configuration, with the chain and key of `auth` serving it (onServerName
 * may choose other credentials than the Context's own); refuses (BAD_CONFIG)
 * trust anchors' names that do not fit a CertificateRequest.
 */
export function serverBounds(c: ServerCredentials, auth: Credentials = c): { flight: number; message: number } {
  const s = c.settings;
  let share = 0;
  for (const g of s.groups) share = Math.max(share, s.crypto.group(g)?.publicLen ?? 0);
  const hello = 4 + 2 + 32 + 33 + 2 + 1 + 2 + 6 + 8 + share + 6;
  let alpn = 0;
  if (s.alpn) for (const p of s.alpn) alpn = Math.max(alpn, 7 + p.length);
  const ee = 4 + 2 + alpn + 4 + 5 + 6 + 4;
  const request = s.verify !== 'none' ? 4 + 1 + 2 + 6 + 2 * s.signatureSchemes.length + authoritiesBound(c, 'CertificateRequest') : 0;
  const certificate = auth.chain.length > 0 ? certificateFlightBound(auth, s.ocspResponse ? s.ocspResponse.length : 0) : 0;
  const tickets = s.tickets * (4 + 4 + 4 + 2 + 2 + MAX_TICKET + 2 + 8);
  const tls12 = s.tls12?.server ? s.tls12.server.flightBound(c) : 0;
  return { flight: Math.max(hello + ee + request + certificate + 4 + 48, tickets, tls12), message: Math.max(s.maxHandshakeMessage, s.maxClientHello) };
}

/** The PSK the server accepted. */
interface PskChoice {
  index: number;
  suite: number;
  keys: KeySchedule;
  mode: 'psk_ke' | 'psk_dhe_ke';
  ticket: TicketState | null;
  ticketAge: number;
  /** The ticket's single-use id for the 0-RTT replay guard. */
  replayId: Uint8Array | null;
}

/** What the server chose from a ClientHello (chooseParameters). */
interface Parameters {
  suite: number;
  psk: PskChoice | null;
  /** Our CertificateVerify scheme (0 with a PSK). */
  scheme: number;
  /** The client's key share we take; null for psk_ke; undefined when none fits (HelloRetryRequest for retryGroup). */
  share: KeyShareEntry | null | undefined;
  retryGroup: number;
}

/**
 * A client authentication in progress, the handshake's (our CertificateRequest)
 * or a post-handshake one: the request's context and the transcript the
 * client's answer extends, and what came so far: nothing, a Certificate (with
 * its key, for the CertificateVerify), or all that is needed before Finished.
 */
type ClientAuth = { context: Uint8Array; transcript: Transcript } & (
  | { stage: 'REQUESTED' }
  | { stage: 'CERTIFICATE'; key: PublicKey }
  | { stage: 'VERIFIED' }
);

/**
 * Each state with the data it needs: from our Finished on, the client's
 * handshake traffic secret and the client authentication we asked for (null:
 * none); once connected, the handshake transcript when the client offered
 * post_handshake_auth, and the post-handshake authentication under way.
 */
type ServerStep =
  | { name: 'START' }
  | { name: 'HELLO_RETRY_REQUEST_SENT' }
  | { name: 'CLIENT_HELLO_RECEIVED' }
  | { name: 'EARLY_DATA_ACCEPTED'; clientSecret: Uint8Array }
  | { name: 'SERVER_FINISHED_SENT'; clientSecret: Uint8Array; auth: ClientAuth | null }
  | { name: 'CLIENT_CERTIFICATE_RECEIVED'; clientSecret: Uint8Array; auth: ClientAuth }
  | { name: 'CLIENT_CERTIFICATE_VERIFY_RECEIVED'; clientSecret: Uint8Array; auth: ClientAuth }
  | { name: 'CONNECTED'; handshakeTranscript: Transcript | null; auth: ClientAuth | null };

export type ServerState = ServerStep['name'];

export class ServerHandshake extends Handshake<ServerState> {
  private readonly random = new Uint8Array(32);
  private cookie: Uint8Array | null = null;
  private hrrGroup = 0;
  private step: ServerStep = { name: 'START' };
  /** The credentials serving this connection: ours, or the ones onServerName chose. */
  private auth: Credentials;
  private offeredEarlyData = false;
  private clientOffersPostHandshakeAuth = false;
  /** 0-RTT bytes still accepted. */
  earlyDataBudget = 0;
  /** Why choosePsk found no PSK, for the error when there is no certificate either. */
  private whyNoPsk = '';

  constructor(
    host: HandshakeHost,
    private readonly own: ServerCredentials,
  ) {
    super(host, 'accept');
    this.auth = own;
  }

  start(): void {
    this.started = true;
    this.go({ name: 'START' });
  }

  private go(step: ServerStep): void {
    this.step = step;
    this.enter(step.name);
  }

  /** True while 0-RTT application data may arrive (accepted, before EndOfEarlyData). */
  get readingEarlyData(): boolean {
    return this.state === 'EARLY_DATA_ACCEPTED';
  }

  /** Each state's messages; each handler adds its message to the transcript and says whether the read keys changed. */
  protected handleHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const T = HandshakeType;
    const st = this.step;
    switch (st.name) {
      case 'START':
      case 'HELLO_RETRY_REQUEST_SENT':
        if (type === T.client_hello) return this.onClientHello(msg, parseClientHello(body));
        break;
      case 'EARLY_DATA_ACCEPTED':
        if (type === T.end_of_early_data) return this.onEndOfEarlyData(st.clientSecret, msg, body);
        break;
      case 'SERVER_FINISHED_SENT':
      case 'CLIENT_CERTIFICATE_RECEIVED':
      case 'CLIENT_CERTIFICATE_VERIFY_RECEIVED': {
        const a = st.auth;
        if (type === T.finished && (!a || a.stage === 'VERIFIED')) return this.onFinished(st.clientSecret, msg, body);
        if (!a) break;
        const next = this.onClientAuthMessage(a, type, msg, body);
        this.go({ name: next.stage === 'CERTIFICATE' ? 'CLIENT_CERTIFICATE_RECEIVED' : 'CLIENT_CERTIFICATE_VERIFY_RECEIVED', clientSecret: st.clientSecret, auth: next });
        return false;
      }
    }
    return this.unexpected(type);
  }

  /** EndOfEarlyData (RFC 8446 4.5): the client's handshake traffic key protects what follows. */
  private onEndOfEarlyData(clientSecret: Uint8Array, msg: Uint8Array, body: Uint8Array): boolean {
    parseEndOfEarlyData(body);
    this.transcript.update(msg);
    this.install(clientSecret, 'read', null);
    // 0-RTT comes with a PSK: no certificate was asked for.
    this.go({ name: 'SERVER_FINISHED_SENT', clientSecret, auth: null });
    return true;
  }

  /**
   * ClientHello (RFC 8446 4.1.2), in the steps of the RFC (and of Go's
   * handshake_server_tls13.go): choose the parameters or ask again with a
   * HelloRetryRequest; ServerHello; the handshake keys; EncryptedExtensions;
   * the certificate flight unless a PSK authenticates us; Finished.
   */
  private onClientHello(msg: Uint8Array, ch: ClientHello): boolean {
    const retry = this.state === 'HELLO_RETRY_REQUEST_SENT';
    const s = this.host.settings;
    const version = selectVersion(ch.legacyVersion, ch.ext.supportedVersions, s.minVersion, s.maxVersion);
    if (retry && version !== TLS13) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'second ClientHello does not offer TLS 1.3');
    if (!retry) this.firstClientHello(ch);
    if (version !== TLS13) {
      // (selectVersion answers TLS 1.2 only when minVersion allows it, which the Context allows only with TLS 1.2 support.)
      const tls12 = s.tls12?.server ?? fail(ErrorCode.VERSION_MISMATCH, Alert.protocol_version, 'no TLS 1.2 server in this build');
      tls12.start(this.host, this.own, this.auth, this.serverName, msg, ch);
      return false;
    }
    checkGroups(ch.ext);
    const p = this.chooseParameters(msg, ch, retry);
    if (p.share === undefined) {
      this.sendHelloRetryRequest(msg, ch, p.suite, p.retryGroup);
      return false;
    }
    if (retry && (!this.cookie || !ch.ext.cookie || !constantTimeEqual(ch.ext.cookie, this.cookie))) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cookie not echoed');
    }
    if (!retry) this.setSuite(p.suite);
    this.transcript.update(msg);
    this.go({ name: 'CLIENT_HELLO_RECEIVED' });
    const early = this.acceptParameters(ch, p, retry);
    if (early) this.installEarlyDataKeys();
    const shared = this.sendServerHello(ch, p, retry);
    const secrets = this.deriveHandshakeKeys(shared, early);
    this.sendEncryptedExtensions(ch, early);
    const auth = p.psk ? null : this.sendCertificateFlight(ch, p.scheme);
    this.sendServerFinished(secrets.server);
    if (early) this.go({ name: 'EARLY_DATA_ACCEPTED', clientSecret: secrets.client });
    else this.go({ name: 'SERVER_FINISHED_SENT', clientSecret: secrets.client, auth });
    return true;
  }

  /**
   * The cipher suite, the PSK (or our certificate's signature scheme) and the
   * key share: our most preferred group the client sent a share for; without
   * one, share is undefined and retryGroup the group to ask for. psk_ke needs
   * no share (null).
   */
  private chooseParameters(msg: Uint8Array, ch: ClientHello, retry: boolean): Parameters {
    const s = this.host.settings;
    const psk = this.choosePsk(msg, ch);
    let suite = psk ? psk.suite : 0;
    if (!psk) for (const cs of s.cipherSuites) if (ch.cipherSuites.indexOf(cs) >= 0) { suite = cs; break; }
    if (!suite) fail(ErrorCode.NO_SHARED_CIPHER, Alert.handshake_failure);
    if (retry && suite !== this.suite) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'cipher suite changed after HelloRetryRequest');
    const scheme = psk ? 0 : this.chooseSignatureScheme(ch);
    if (psk && psk.mode === 'psk_ke') return { suite, psk, scheme, share: null, retryGroup: 0 };
    const groups = ch.ext.supportedGroups;
    const shares = ch.ext.keyShares;
    if (!groups) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'supported_groups');
    if (!shares) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'key_share');
    if (retry && (shares.length !== 1 || shares[0].group !== this.hrrGroup)) {
      fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'second ClientHello must share only ' + groupName(this.hrrGroup));
    }
    for (const g of s.groups) {
      const share = shares.find((e) => e.group === g);
      if (share) return { suite, psk, scheme, share, retryGroup: 0 };
    }
    const group = s.groups.find((g) => groups.indexOf(g) >= 0);
    if (!group || retry) fail(ErrorCode.NO_SHARED_GROUP, Alert.handshake_failure, 'client groups: ' + groups.map(groupName).join(','));
    return { suite, psk, scheme, share: undefined, retryGroup: group };
  }

  /** Our signature scheme for a certificate handshake: the first usable with our key that the client accepts. */
  private chooseSignatureScheme(ch: ClientHello): number {
    const auth = this.auth;
    if (!auth.leaf || !auth.privateKey) fail(ErrorCode.NO_CREDENTIALS, Alert.handshake_failure, 'no certificate, and ' + this.whyNoPsk);
    if (!ch.ext.signatureAlgorithms) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'signature_algorithms');
    const ours = ownSchemes(auth);
    const scheme = chooseScheme(ours, ch.ext.signatureAlgorithms);
    if (!scheme) fail(ErrorCode.NO_SHARED_SIGALG, Alert.handshake_failure, 'client accepts none of ' + ours.map(schemeName).join(','));
    return scheme;
  }

  /** Fixes what the choice implies: key schedule, mode, ALPN; and whether 0-RTT data is accepted. */
  private acceptParameters(ch: ClientHello, p: Parameters, retry: boolean): boolean {
    const psk = p.psk;
    this.keys = psk ? psk.keys : new KeySchedule(this.suiteHashFn());
    if (psk) {
      this.mode = psk.ticket ? 'resumed' : 'psk';
      this.pskMode = psk.mode;
    }
    this.signatureScheme = p.scheme || null;
    this.alpn = chooseAlpn(this.host.settings.alpn, ch.ext.alpn);
    if (this.host.settings.debug) this.host.log('negotiated ' + suiteName(p.suite) + (p.share ? ' with ' + groupName(p.share.group) : '') +
      (psk ? ' (' + this.mode + ', ' + psk.mode + ')' : ', signing with ' + schemeName(p.scheme)));
    return this.offeredEarlyData && this.acceptEarlyData(psk, retry);
  }

  /** ServerHello with our key share (RFC 8446 4.1.3), and the middlebox-compatibility ChangeCipherSpec; returns the (EC)DHE secret. */
  private sendServerHello(ch: ClientHello, p: Parameters, retry: boolean): Uint8Array | null {
    const h = this.host;
    const s = h.settings;
    let shared: Uint8Array | null = null;
    let pub: Uint8Array | null = null;
    if (p.share) {
      const kx = s.crypto.group(p.share.group) ?? fail(ErrorCode.INTERNAL, Alert.internal_error, 'no provider for ' + groupName(p.share.group));
      const pair = kx.generate(s.random);
      shared = kx.shared(pair.priv, p.share.keyExchange);
      pair.priv.fill(0);
      if (!shared) fail(ErrorCode.BAD_KEY_SHARE, Alert.illegal_parameter, 'client key share is not a valid ' + groupName(p.share.group) + ' point');
      this.group = p.share.group;
      pub = pair.pub;
    }
    s.random(this.random);
    h.resetOutput();
    h.beginMessage();
    writeServerHello(h.out, {
      legacyVersion: 0x0303,
      random: this.random,
      sessionIdEcho: ch.sessionId,
      cipherSuite: p.suite,
      isHelloRetryRequest: false,
      ext: {
        supportedVersion: TLS13,
        keyShare: p.share && pub ? { group: p.share.group, keyExchange: pub } : undefined,
        preSharedKey: p.psk ? p.psk.index : undefined,
      },
    });
    h.sendMessage();
    // Middlebox compatibility (RFC 8446 D.4): a dummy ChangeCipherSpec after our first message.
    if (ch.sessionId.length > 0 && !retry) h.sendChangeCipherSpec();
    return shared;
  }

  /**
   * The handshake traffic secrets (RFC 8446 7.1): ours protects what we send
   * next; the client's protects its flight, after its 0-RTT data when that
   * is accepted.
   */
  private deriveHandshakeKeys(shared: Uint8Array | null, early: boolean): { client: Uint8Array; server: Uint8Array } {
    const ks = this.schedule();
    ks.handshake(shared);
    if (shared) shared.fill(0);
    const th = this.transcriptHash();
    const secrets = { client: ks.clientHandshakeTrafficSecret(th), server: ks.serverHandshakeTrafficSecret(th) };
    if (early) this.keyLog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', secrets.client);
    else this.install(secrets.client, 'read', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.install(secrets.server, 'write', 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    return secrets;
  }

  /** 0-RTT accepted: the client's early traffic key (RFC 8446 7.1), whose secret covers the ClientHello alone. */
  private installEarlyDataKeys(): void {
    const secret = this.schedule().clientEarlyTrafficSecret(this.transcriptHash());
    this.install(secret, 'read', 'CLIENT_EARLY_TRAFFIC_SECRET');
    secret.fill(0);
  }

  /** EncryptedExtensions (RFC 8446 4.3.1). */
  private sendEncryptedExtensions(ch: ClientHello, early: boolean): void {
    const h = this.host;
    h.beginMessage();
    writeEncryptedExtensions(h.out, { ext: this.encryptedExtensions(ch, early) });
    h.sendMessage();
  }

  /** Finished (RFC 8446 4.4.4), then the application traffic secrets: we may send application data now. */
  private sendServerFinished(serverHs: Uint8Array): void {
    this.sendFinished(serverHs);
    serverHs.fill(0);
    this.deriveApplicationSecrets();
    this.install(this.app().server, 'write', null);
  }

  /** What the first ClientHello fixes: the client random, SNI (and the context serving it), 0-RTT and post-handshake auth offers. */
  private firstClientHello(ch: ClientHello): void {
    const h = this.host;
    const s = h.settings;
    this.clientRandom = copyBytes(ch.random);
    this.serverName = ch.ext.serverName ? asciiString(ch.ext.serverName) : null;
    this.offeredEarlyData = ch.ext.earlyData === true;
    this.clientOffersPostHandshakeAuth = ch.ext.postHandshakeAuth === true;
    if (s.debug) h.log('client offers ' + ch.cipherSuites.map(suiteName).join(',') + (this.serverName ? ' for ' + this.serverName : ''));
    if (s.onServerName) {
      const chosen = s.onServerName(this.serverName);
      if (chosen === false) fail(ErrorCode.UNRECOGNIZED_NAME, Alert.unrecognized_name, this.serverName ?? '(no name)');
      if (chosen && chosen !== this.own) {
        // This connection's arena was sized for our own chain: the chosen one must fit it.
        const need = serverBounds(this.own, chosen).flight;
        const room = serverBounds(this.own).flight;
        if (need > room) {
          fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'onServerName: the Context for ' + (this.serverName ?? '(no name)') +
            ' needs a handshake flight of ' + need + ' bytes, and connections of the listening Context hold ' + room +
            ' (give the listening Context the largest certificate chain it serves)');
        }
        this.auth = chosen;
      }
    }
  }

  /**
   * The first offered PSK we know (a ticket we sealed, or an external key)
   * whose hash fits a suite we share and whose binder verifies (RFC 8446
   * 4.2.11). A bad binder is fatal; an unknown identity is skipped.
   */
  private choosePsk(msg: Uint8Array, ch: ClientHello): PskChoice | null {
    const offered = ch.ext.preSharedKey;
    if (!offered) {
      this.whyNoPsk = 'the client offers no PSK';
      return null;
    }
    const s = this.host.settings;
    const ctx = this.own;
    const modes = ch.ext.pskModes;
    if (!modes) fail(ErrorCode.MISSING_EXTENSION, Alert.missing_extension, 'psk_key_exchange_modes');
    let mode: 'psk_ke' | 'psk_dhe_ke' | null = null;
    for (const m of s.pskModes) if (modes.indexOf(m === 'psk_ke' ? PSK_KE : PSK_DHE_KE) >= 0) { mode = m; break; }
    if (!mode) {
      // RFC 8446 4.2.9: a mode the client did not list must not be used.
      this.whyNoPsk = 'the client allows PSKs only in ' + modes.map(pskModeName).join(',') + ', we in ' + s.pskModes.join(',');
      this.host.log('no PSK key exchange mode in common: ' + this.whyNoPsk);
      return null;
    }
    const now = s.now ? s.now() : 0;
    const n = Math.min(offered.identities.length, MAX_PSK_IDENTITIES);
    for (let i = 0; i < n; i++) {
      const id = offered.identities[i];
      let key: Uint8Array | null = null;
      let hashName: 'sha256' | 'sha384' = 'sha256';
      let ticket: TicketState | null = null;
      if (ctx.ticketKeys) ticket = ctx.ticketKeys.open(id.identity, now);
      // A TLS 1.2 ticket holds a master secret, no resumption PSK.
      if (ticket && !isTls13Suite(ticket.suite)) ticket = null;
      if (ticket) {
        key = ticket.psk;
        hashName = suiteHash(ticket.suite);
      } else if (s.pskServer) {
        const ext = s.pskServer(id.identity);
        if (ext) {
          key = ext.key;
          hashName = ext.hash ?? 'sha256';
        }
      }
      if (!key) continue;
      let suite = 0;
      for (const cs of s.cipherSuites) if (ch.cipherSuites.indexOf(cs) >= 0 && suiteHash(cs) === hashName) { suite = cs; break; }
      if (!suite) continue;
      const hash = s.crypto.hash(hashName) as Hash;
      const keys = new KeySchedule(hash);
      keys.early(key);
      const expected = computeBinder(keys, keys.binderKey(ticket !== null), this.transcript, hash, msg.subarray(0, 4 + ch.bindersOffset));
      if (!constantTimeEqual(expected, offered.binders[i])) fail(ErrorCode.BAD_BINDER, Alert.decrypt_error);
      const ticketAge = ticket ? (id.obfuscatedTicketAge - ticket.ageAdd) >>> 0 : 0;
      if (this.host.settings.debug) this.host.log((ticket ? 'resuming session ticket' : 'PSK identity ' + printable(id.identity)) + ', ' + mode);
      return { index: i, suite, keys, mode, ticket, ticketAge, replayId: ticket ? ticketReplayId(id.identity) : null };
    }
    if (!this.auth.leaf) fail(ErrorCode.UNKNOWN_PSK_IDENTITY, Alert.unknown_psk_identity);
    this.host.log('no offered PSK is known: full handshake');
    return null;
  }

  /** 0-RTT only for the first identity of a fresh, single-use ticket that allows it, with the same suite and ALPN (RFC 8446 4.2.10, 8). */
  private acceptEarlyData(psk: PskChoice | null, retry: boolean): boolean {
    const h = this.host;
    const s = h.settings;
    const t = psk ? psk.ticket : null;
    const id = psk ? psk.replayId : null;
    const replay = this.own.replay;
    // Tickets are issued only with a clock.
    const now = s.now ? s.now() : 0;
    let why = '';
    if (retry) why = 'after HelloRetryRequest';
    else if (!psk || !t || !id || psk.index !== 0) why = 'no resumption ticket';
    else if (!replay || s.maxEarlyData === 0 || t.maxEarlyData === 0) why = 'early data not enabled';
    else if (t.suite !== psk.suite) why = 'cipher suite differs from the ticket';
    else if (!sameAlpn(t.alpn, this.alpn)) why = 'ALPN differs from the ticket';
    else if (!replay.accept(id, psk.ticketAge, now - t.issuedAt, now)) why = 'replayed or stale ticket';
    if (why) {
      h.log('early data rejected: ' + why);
      this.earlyData = 'rejected';
      // The client may already be sending it: skip it rather than fail (RFC 8446 4.2.10). After a
      // HelloRetryRequest the second ClientHello ends it: records that do not open are bad_record_mac.
      h.skipEarlyData(retry ? 0 : Math.max(s.maxEarlyData, 16384));
      return false;
    }
    this.earlyData = 'accepted';
    this.earlyDataBudget = s.maxEarlyData;
    h.log('early data accepted (up to ' + s.maxEarlyData + ' bytes)');
    return true;
  }

  private encryptedExtensions(ch: ClientHello, early: boolean): EncryptedExtensions['ext'] {
    const h = this.host;
    const s = h.settings;
    const ext: EncryptedExtensions['ext'] = {};
    if (this.alpn) ext.alpn = this.alpn;
    if (this.serverName && s.onServerName && this.mode === 'full') ext.serverNameAck = true;
    const mfl = ch.ext.maxFragmentLength;
    if (mfl !== undefined) {
      ext.maxFragmentLength = mfl;
      h.limitFragment(mfl);
    }
    const rsl = ch.ext.recordSizeLimit;
    if (rsl !== undefined) {
      ext.recordSizeLimit = (s.recordSizeLimit ?? 16384) + 1;
      h.limitFragment(rsl - 1);
      // Both sent it: now the client must keep to our limit.
      if (s.recordSizeLimit) h.limitReceive(s.recordSizeLimit);
    }
    if (early) ext.earlyData = true;
    return ext;
  }

  /**
   * CertificateRequest (when we verify clients), Certificate (with a stapled
   * OCSP response when asked) and CertificateVerify; returns the client
   * authentication asked for, or null.
   */
  private sendCertificateFlight(ch: ClientHello, scheme: number): ClientAuth | null {
    const h = this.host;
    const s = h.settings;
    const auth = this.auth;
    let request: ClientAuth | null = null;
    if (s.verify !== 'none') {
      request = { context: EMPTY, transcript: this.transcript, stage: 'REQUESTED' };
      h.beginMessage();
      writeCertificateRequest(h.out, {
        context: EMPTY,
        ext: {
          signatureAlgorithms: s.signatureSchemes,
          certificateAuthorities: authorities(this.own),
        },
      });
      h.sendMessage();
    }
    const staple = ch.ext.statusRequest && s.ocspResponse ? s.ocspResponse : undefined;
    h.beginMessage();
    writeCertificate(h.out, { context: EMPTY, entries: auth.chain.map((cert, i) => (i === 0 && staple ? { cert, ocspResponse: staple } : { cert })) });
    h.sendMessage();
    const key = auth.privateKey ?? fail(ErrorCode.NO_CREDENTIALS, Alert.handshake_failure, 'no private key');
    const sig = signCertificateVerify(auth, scheme, key, true, this.transcriptHash());
    h.beginMessage();
    writeCertificateVerify(h.out, { scheme, signature: sig });
    h.sendMessage();
    return request;
  }

  private sendHelloRetryRequest(msg: Uint8Array, ch: ClientHello, suite: number, group: number): void {
    const h = this.host;
    this.setSuite(suite);
    this.transcript.update(msg);
    this.transcript.replaceWithMessageHash();
    this.hrrGroup = group;
    this.cookie = new Uint8Array(32);
    h.settings.random(this.cookie);
    h.resetOutput();
    h.beginMessage();
    writeServerHello(h.out, {
      legacyVersion: 0x0303,
      random: HRR_RANDOM,
      sessionIdEcho: ch.sessionId,
      cipherSuite: suite,
      isHelloRetryRequest: true,
      ext: { supportedVersion: TLS13, selectedGroup: group, cookie: this.cookie },
    });
    h.sendMessage();
    if (ch.sessionId.length > 0) h.sendChangeCipherSpec();
    if (this.offeredEarlyData) {
      this.earlyData = 'rejected';
      h.skipEarlyData(Math.max(h.settings.maxEarlyData, 16384));
    }
    h.log('HelloRetryRequest for ' + groupName(group));
    this.go({ name: 'HELLO_RETRY_REQUEST_SENT' });
  }

  /** Certificate and CertificateVerify from the client, in the handshake or after it: returns where the authentication stands then. */
  private onClientAuthMessage(a: ClientAuth, type: number, msg: Uint8Array, body: Uint8Array): ClientAuth {
    const s = this.host.settings;
    const { context, transcript } = a;
    let next: ClientAuth;
    if (type === HandshakeType.certificate && a.stage === 'REQUESTED') {
      const cert = parseCertificateMessage(body, s.verifyDepth + 2);
      if (!constantTimeEqual(cert.context, context)) fail(ErrorCode.ILLEGAL_PARAMETER, Alert.illegal_parameter, 'certificate_request_context differs');
      if (cert.entries.length === 0) {
        if (s.verify === 'require') fail(ErrorCode.CERTIFICATE_REQUIRED, Alert.certificate_required);
        this.host.log('client sent no certificate');
        next = { context, transcript, stage: 'VERIFIED' };
      } else {
        this.peerCertificates = cert.entries.map((e) => copyBytes(e.cert));
        const key = checkPeerChain(this.host.credentials, this.peerCertificates, 'clientAuth', null).publicKey;
        next = { context, transcript, stage: 'CERTIFICATE', key };
      }
    } else if (type === HandshakeType.certificate_verify && a.stage === 'CERTIFICATE') {
      const cv = parseCertificateVerify(body);
      verifyCertificateVerify(this.host.credentials, s.signatureSchemes, cv.scheme, a.key, false, this.transcriptHash(transcript), cv.signature);
      next = { context, transcript, stage: 'VERIFIED' };
    } else {
      return this.unexpected(type);
    }
    transcript.update(msg);
    return next;
  }

  private onFinished(clientSecret: Uint8Array, msg: Uint8Array, body: Uint8Array): boolean {
    checkFinished(this.schedule().finished(clientSecret, this.transcript), parseFinished(body, this.suiteHashFn().outputLen));
    this.transcript.update(msg);
    clientSecret.fill(0);
    this.install(this.app().client, 'read', null);
    const handshakeTranscript = this.clientOffersPostHandshakeAuth ? this.transcript.fork() : null;
    this.deriveResumptionSecret();
    this.done = true;
    this.go({ name: 'CONNECTED', handshakeTranscript, auth: null });
    this.sendTickets();
    return true;
  }

  /**
   * NewSessionTicket messages (RFC 8446 4.6.1): the resumption PSK sealed
   * into the ticket itself. `tickets` of them after a full or external-PSK
   * handshake; one after a ticket resumption, which replaces the ticket the
   * client used and keeps its spare ones (as OpenSSL: each ticket costs a
   * seal and a record, and 0-RTT tickets are single use).
   */
  private sendTickets(): void {
    const h = this.host;
    const s = h.settings;
    const keys = this.own.ticketKeys;
    const secret = this.resumptionSecret;
    // Tickets are on only with a clock (Context).
    if (!keys || s.tickets === 0 || !secret || !s.now) return;
    h.resetOutput();
    const now = s.now();
    const ageAdd = new Uint8Array(4);
    const count = this.mode === 'resumed' ? 1 : s.tickets;
    for (let i = 0; i < count; i++) {
      const nonce = new Uint8Array([i]);
      s.random(ageAdd);
      const state: TicketState = {
        suite: this.suite,
        psk: this.schedule().resumptionPsk(secret, nonce),
        ageAdd: ((ageAdd[0] << 24) | (ageAdd[1] << 16) | (ageAdd[2] << 8) | ageAdd[3]) >>> 0,
        issuedAt: now,
        lifetime: s.ticketLifetime,
        maxEarlyData: s.maxEarlyData,
        alpn: this.alpn,
        serverName: this.serverName,
      };
      h.beginMessage();
      writeNewSessionTicket(h.out, {
        lifetime: s.ticketLifetime,
        ageAdd: state.ageAdd,
        nonce,
        ticket: keys.seal(state),
        ext: s.maxEarlyData > 0 ? { maxEarlyData: s.maxEarlyData } : {},
      });
      h.sendMessage(false);
      state.psk.fill(0);
    }
    h.log('sent ' + count + ' NewSessionTicket');
  }

  /** Why requestClientCertificate() cannot run now, or null. */
  whyNoClientCertificateRequest(): string | null {
    const st = this.step;
    if (st.name !== 'CONNECTED') return 'the handshake is not done';
    if (!st.handshakeTranscript) return 'the client did not offer post_handshake_auth';
    if (st.auth) return 'a client authentication is already under way';
    return null;
  }

  /** Post-handshake client authentication (RFC 8446 4.6.2): sends a CertificateRequest with a fresh context. */
  requestClientCertificate(): void {
    const st = this.step;
    // (ServerConnection checked whyNoClientCertificateRequest() first.)
    if (st.name !== 'CONNECTED' || !st.handshakeTranscript) return fail(ErrorCode.INTERNAL, Alert.internal_error, 'no post_handshake_auth');
    const h = this.host;
    const context = new Uint8Array(16);
    h.settings.random(context);
    const transcript = st.handshakeTranscript.fork();
    h.resetOutput();
    h.beginMessage();
    writeCertificateRequest(h.out, { context, ext: { signatureAlgorithms: h.settings.signatureSchemes } });
    this.sendTo(transcript);
    this.step = { name: 'CONNECTED', handshakeTranscript: st.handshakeTranscript, auth: { context, transcript, stage: 'REQUESTED' } };
    h.log('sent post-handshake CertificateRequest');
  }

  /** After the handshake: the client's answer to requestClientCertificate() (the state stays CONNECTED). */
  protected handlePostHandshake(type: number, msg: Uint8Array, body: Uint8Array): boolean {
    const st = this.step;
    const a = st.name === 'CONNECTED' ? st.auth : null;
    if (st.name !== 'CONNECTED' || !a) return this.unexpected(type);
    if (type !== HandshakeType.finished) {
      this.step = { name: 'CONNECTED', handshakeTranscript: st.handshakeTranscript, auth: this.onClientAuthMessage(a, type, msg, body) };
      return false;
    }
    if (a.stage !== 'VERIFIED') return this.unexpected(type);
    checkFinished(this.schedule().finished(this.app().client, a.transcript), parseFinished(body, this.suiteHashFn().outputLen));
    this.step = { name: 'CONNECTED', handshakeTranscript: st.handshakeTranscript, auth: null };
    this.host.log('post-handshake client authentication done');
    return false;
  }
}

/** Our most preferred protocol the client offers (RFC 7301); none in common is fatal. */
export function chooseAlpn(ours: Uint8Array[] | null, theirs: Uint8Array[] | undefined): Uint8Array | null {
  if (!ours || !theirs) return null;
  for (const p of ours) for (const q of theirs) if (constantTimeEqual(p, q)) return p;
  return fail(ErrorCode.NO_APPLICATION_PROTOCOL, Alert.no_application_protocol, 'client offers ' + theirs.map(asciiString).join(','));
}

/** psk_key_exchange_modes code (RFC 8446 4.2.9) by name. */
function pskModeName(m: number): string {
  return m === PSK_KE ? 'psk_ke' : m === PSK_DHE_KE ? 'psk_dhe_ke' : 'mode(' + m + ')';
}

function sameAlpn(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (!a || !b) return a === b;
  return constantTimeEqual(a, b);
}

/** An identity for the log: text when it is printable ASCII, else its length. */
export function printable(id: Uint8Array): string {
  for (let i = 0; i < id.length; i++) if (id[i] < 0x20 || id[i] > 0x7e) return '(' + id.length + ' bytes)';
  return '"' + asciiString(id) + '"';
}
