// The node:crypto provider (ports/node/node-crypto.ts) against the noble
// provider, two independent implementations: primitives must agree byte for
// byte and refuse the same bad inputs, and handshakes between a connection on
// each must succeed for every suite, group and certificate type, both ways.
// Once against openssl s_server too.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { macFor } from '../../core/crypto/hmac.js';
import { nobleProvider } from '../../core/crypto/noble.js';
import type { CryptoProvider, HashName, PrivateKey, PublicKey, SignatureAlgorithm } from '../../core/crypto/types.js';
import type { Connection } from '../../core/engine/connection.js';
import { CipherSuite, NamedGroup, SignatureScheme, TLS12, TLS13, isTls13Suite, suiteName } from '../../core/registry.js';
import { parseCertificate } from '../../core/x509/certificate.js';
import { parsePrivateKey } from '../../core/x509/keys.js';
import { readCertificates } from '../../core/x509/pem.js';
import { nodeCryptoProvider as nodeCp } from '../../ports/node/node-crypto.js';
import { clientContext, handshake, pki, random, serverContext, transfer } from '../engine/pair.js';
import { exchange, microConnect, shutdown } from '../helpers/microtls.js';
import { cleanup, opensslServer } from '../helpers/peers.js';

after(cleanup);

const PROVIDERS: [string, CryptoProvider][] = [['node', nodeCp], ['noble', nobleProvider]];
const bytes = (n: number) => new Uint8Array(randomBytes(n));

test('hashes and HMAC agree with OpenSSL\'s own (createHash, createHmac), incrementally, through clone(), key after key', () => {
  for (const name of ['sha256', 'sha384', 'sha512'] as HashName[]) {
    const h = nodeCp.hash(name)!;
    const parts = [bytes(0), bytes(1), bytes(63), bytes(64), bytes(200)];
    const st = h.create();
    for (const p of parts) st.update(p);
    const snapshot = st.clone();
    const tail = bytes(77);
    const out = (x: { digestInto(o: Uint8Array): void }) => { const o = new Uint8Array(h.outputLen); x.digestInto(o); return Buffer.from(o); };
    assert.deepEqual(out(st.update(tail)), createHash(name).update(Buffer.concat([...parts, tail])).digest());
    assert.deepEqual(out(snapshot), createHash(name).update(Buffer.concat(parts)).digest(), 'clone() kept the state before the tail');
    const mac = macFor(h, bytes(5));
    for (const keyLen of [0, 32, 32, h.blockLen + 1]) {
      const key = bytes(keyLen);
      mac.setKey(key);
      const msg = bytes(keyLen + 3);
      assert.deepEqual(out(mac.update(msg)), createHmac(name, key).update(msg).digest(), `${name}, ${keyLen}-byte key`);
    }
  }
});

// Providers key AEADs by TLS 1.3 suite; the handshakes run those and TLS 1.2's ECDHE_ECDSA suites (the test certificate is ECDSA).
const SUITES = Object.values(CipherSuite).filter(isTls13Suite);
const HANDSHAKE_SUITES = (Object.values(CipherSuite) as number[]).filter((s) => isTls13Suite(s) || suiteName(s).startsWith('TLS_ECDHE_ECDSA_'));

test('AEADs: same ciphertext and tag as noble, each opens the other, bad tags leave the buffer alone', () => {
  for (const suite of SUITES) {
    const a = nodeCp.aead(suite)!;
    const b = nobleProvider.aead(suite)!;
    assert.equal(a.keyLen, b.keyLen);
    assert.equal(a.tagLen, b.tagLen);
    const key = bytes(a.keyLen);
    const sa = a.create(key);
    const sb = b.create(key);
    for (const len of [0, 1, 15, 16, 17, 255, 1024, 16385]) {
      const nonce = bytes(12);
      const aad = bytes(5);
      const plain = bytes(len);
      const off = 3; // data not at the start of the buffer
      const bufA = new Uint8Array(off + len + a.tagLen + 2);
      bufA.set(plain, off);
      const bufB = bufA.slice();
      sa.seal(nonce, aad, bufA, off, len);
      sb.seal(nonce, aad, bufB, off, len);
      assert.deepEqual(bufA, bufB, `suite ${suite} len ${len}: node and noble seal alike`);
      const sealed = bufA.slice();
      assert.ok(sb.open(nonce, aad, bufA, off, len));
      assert.deepEqual(bufA.subarray(off, off + len), plain);
      assert.ok(sa.open(nonce, aad, bufB, off, len));
      assert.deepEqual(bufB.subarray(off, off + len), plain);
      // A flipped tag bit or a different AAD: refused, ciphertext left as it was.
      const bad = sealed.slice();
      bad[off + len] ^= 1;
      assert.equal(sa.open(nonce, aad, bad, off, len), false);
      assert.deepEqual(bad.subarray(0, off + len), sealed.subarray(0, off + len));
      const c2 = sealed.slice();
      assert.equal(sa.open(nonce, bytes(5), c2, off, len), false);
      assert.deepEqual(c2, sealed);
    }
    // rekey: both states move to a new key and still agree, for short records (JavaScript) and long ones (OpenSSL).
    const k2 = bytes(a.keyLen);
    sa.rekey(k2);
    sb.rekey(k2);
    for (const len of [24, 600]) {
      const n = bytes(12);
      const x = bytes(len + a.tagLen);
      const y = x.slice();
      sa.seal(n, x.subarray(0, 0), x, 0, len);
      sb.seal(n, y.subarray(0, 0), y, 0, len);
      assert.deepEqual(x, y);
    }
    assert.throws(() => a.create(bytes(a.keyLen + 1)), /key length/);
  }
});

test('key exchange: node and noble derive the same secrets; invalid peer keys give null', () => {
  for (const group of Object.values(NamedGroup)) {
    const a = nodeCp.group(group)!;
    const b = nobleProvider.group(group)!;
    assert.equal(a.publicLen, b.publicLen);
    for (let i = 0; i < 3; i++) {
      const ka = a.generate(random);
      const kb = b.generate(random);
      assert.equal(ka.pub.length, a.publicLen);
      const s1 = a.shared(ka.priv, kb.pub);
      const s2 = b.shared(kb.priv, ka.pub);
      assert.ok(s1 && s2);
      assert.deepEqual(s1, s2, 'group ' + group);
      // The public key node derives is the one noble derives: both agree on a secret with it.
      assert.deepEqual(a.shared(ka.priv, ka.pub), b.shared(ka.priv, ka.pub));
    }
    const { priv } = a.generate(random);
    assert.equal(a.shared(priv, bytes(a.publicLen - 1)), null, 'short key');
    if (group === NamedGroup.x25519 || group === NamedGroup.x448) {
      assert.equal(a.shared(priv, new Uint8Array(a.publicLen)), null, 'u = 0 (low order)');
      const one = new Uint8Array(a.publicLen);
      one[0] = 1;
      assert.equal(a.shared(priv, one), null, 'u = 1 (low order)');
    } else {
      const pub = b.generate(random).pub;
      const offCurve = pub.slice();
      offCurve[offCurve.length - 1] ^= 1;
      assert.equal(a.shared(priv, offCurve), null, 'point not on the curve');
      const compressed = pub.slice();
      compressed[0] = 0x02;
      assert.equal(a.shared(priv, compressed), null, 'not an uncompressed point');
      assert.equal(a.shared(priv, new Uint8Array(a.publicLen).fill(0, 1).fill(4, 0, 1)), null, 'all-zero point');
    }
  }
});

const KEYS: [string, SignatureAlgorithm][] = [
  ['server-ecdsa', { type: 'ecdsa', hash: 'sha256' }],
  ['server-ecdsa384', { type: 'ecdsa', hash: 'sha384' }],
  ['server-rsa', { type: 'rsa-pss', hash: 'sha256' }],
  ['server-rsa', { type: 'rsa-pkcs1', hash: 'sha384' }],
  ['server-rsapss', { type: 'rsa-pss', hash: 'sha512' }],
  ['server-ed25519', { type: 'ed25519', hash: null }],
  ['server-ed448', { type: 'ed448', hash: null }],
];

test('signatures: node signs what noble verifies and the other way round', () => {
  for (const [name, alg] of KEYS) {
    const priv: PrivateKey = parsePrivateKey(pki(name + '.key'));
    const pub: PublicKey = parseCertificate(readCertificates(pki(name + '.crt'))[0]).publicKey;
    const msg = bytes(100);
    for (const [signerName, signer] of PROVIDERS) {
      const sig = signer.sign(alg, priv, msg, random);
      for (const [verifierName, verifier] of PROVIDERS) {
        const what = `${name} ${alg.type} signed by ${signerName}, verified by ${verifierName}`;
        assert.equal(verifier.verify(alg, pub, msg, sig), true, what);
        const other = msg.slice();
        other[0] ^= 1;
        assert.equal(verifier.verify(alg, pub, other, sig), false, what + ': other message');
        const bad = sig.slice();
        bad[bad.length >> 1] ^= 0x10;
        assert.equal(verifier.verify(alg, pub, msg, bad), false, what + ': damaged signature');
      }
    }
  }
  // Key and algorithm that do not fit: refused by both.
  const pss = parsePrivateKey(pki('server-rsapss.key'));
  const pssPub = parseCertificate(readCertificates(pki('server-rsapss.crt'))[0]).publicKey;
  const pkcs1: SignatureAlgorithm = { type: 'rsa-pkcs1', hash: 'sha256' };
  assert.throws(() => nodeCp.sign(pkcs1, pss, bytes(10), random), /cannot make rsa-pkcs1/);
  const ed = parseCertificate(readCertificates(pki('server-ed25519.crt'))[0]).publicKey;
  assert.equal(nodeCp.verify({ type: 'ecdsa', hash: 'sha256' }, ed, bytes(10), bytes(70)), false);
  assert.equal(nodeCp.verify(pkcs1, pssPub, bytes(10), bytes(256)), false);
});

const GROUPS = Object.values(NamedGroup);

/** Handshake in memory, then one message each way; returns the client's connection. */
function run(client: Connection, server: Connection): Connection {
  const [c, s] = handshake(client, server);
  assert.deepEqual([c, s], [0, 0], 'handshake: ' + JSON.stringify([client.lastError(), server.lastError()]));
  const buf = new Uint8Array(64);
  for (const [from, to, text] of [[client, server, 'to server'], [server, client, 'to client']] as const) {
    assert.equal(from.write(new TextEncoder().encode(text)), text.length);
    transfer(from, to);
    const n = to.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, n)), text);
  }
  return client;
}

for (const [clientName, clientCp, serverCp] of [['node', nodeCp, nobleProvider], ['noble', nobleProvider, nodeCp]] as const) {
  const serverName = clientName === 'node' ? 'noble' : 'node';
  test(`${clientName} client, ${serverName} server: every suite x every group`, () => {
    for (const suite of HANDSHAKE_SUITES) {
      for (const group of GROUPS) {
        // TLS 1.2: the client names P-256 too, the curve of the server's ECDSA key (RFC 8422 5.1); the server keys with `group` alone.
        const groups = isTls13Suite(suite) || group === NamedGroup.secp256r1 ? [group] : [group, NamedGroup.secp256r1];
        const client = clientContext({ crypto: clientCp, cipherSuites: [suite], groups }).newConnection();
        const server = serverContext({ crypto: serverCp, cipherSuites: [suite], groups: [group] }).newConnection();
        const n = run(client, server).negotiated()!;
        assert.equal(n.version, isTls13Suite(suite) ? TLS13 : TLS12);
        assert.equal(n.cipherSuite, suite);
        assert.equal(n.group, group);
      }
    }
  });

  test(`${clientName} client, ${serverName} server: ECDSA, RSA, Ed25519, Ed448 certificates, with client certificates`, () => {
    const cases: [string, number, string | undefined][] = [
      ['server-ecdsa', SignatureScheme.ecdsa_secp256r1_sha256, 'client-ecdsa'],
      ['server-ecdsa384', SignatureScheme.ecdsa_secp384r1_sha384, undefined],
      ['server-rsa', SignatureScheme.rsa_pss_rsae_sha256, 'client-rsa'],
      ['server-rsapss', SignatureScheme.rsa_pss_pss_sha256, undefined],
      ['server-ed25519', SignatureScheme.ed25519, 'client-ed25519'],
      ['server-ed448', SignatureScheme.ed448, undefined],
    ];
    for (const [cert, scheme, clientCert] of cases) {
      const client = clientContext({ crypto: clientCp }, clientCert).newConnection();
      const verify = clientCert ? 'require' : 'none';
      const server = serverContext({ crypto: serverCp, verify }, cert).newConnection();
      const n = run(client, server).negotiated()!;
      assert.equal(n.signatureScheme, scheme, cert);
      if (clientCert) assert.equal(server.negotiated()!.peerCertificates.length, 1, 'client certificate received');
    }
  });
}

test('node:crypto provider against openssl s_server', { timeout: 20000 }, async () => {
  const srv = await opensslServer({ ciphersuites: 'TLS_AES_256_GCM_SHA384', groups: 'P-384' });
  const peer = await microConnect(srv.port, { crypto: nodeCp, groups: [NamedGroup.secp384r1] });
  assert.equal(await exchange(peer, 'ping openssl'), 'lssnepo gnip');
  const n = peer.conn.negotiated()!;
  assert.equal(n.cipherSuite, CipherSuite.TLS_AES_256_GCM_SHA384);
  assert.equal(n.group, NamedGroup.secp384r1);
  await shutdown(peer);
  await srv.stop();
});
