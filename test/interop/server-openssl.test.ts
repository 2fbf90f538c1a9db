// microtls server against `openssl s_client -tls1_3`: every suite x every
// group, every server certificate type, client certificates and
// HelloRetryRequest. Each case checks the line s_client sent, the reply
// s_client printed, what microtls negotiated, and what s_client saw (the
// ServerHello and CertificateVerify from -msg, "Cipher is", verification).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CipherSuite, NamedGroup, SignatureScheme, TLS13 } from '../../core/registry.js';
import { expectClose, microListen, readLine, send, shutdown, type MicroOptions } from '../helpers/microtls.js';
import {
  OPENSSL_GROUP, certificateList, certificateVerifyScheme, cleanup, opensslClient, pkiDer, serverHellos, type OpensslClientOptions,
} from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

type Suite = keyof typeof CipherSuite;
type Group = keyof typeof NamedGroup;
type Scheme = keyof typeof SignatureScheme;

interface Expect {
  suite: Suite;
  group: Group;
  scheme: Scheme;
  hrr?: boolean;
  /** Client's CertificateVerify scheme when s_client authenticated. */
  clientScheme?: Scheme;
}

const certOf = (o: MicroOptions) => o.cert ?? 'server-ecdsa';
/** The intermediate goes with server-ecdsa only (see scripts/make-pki.mjs). */
const chainOf = (o: MicroOptions) => (certOf(o) === 'server-ecdsa' ? [pkiDer('intermediate.crt')] : []);

async function run(server: MicroOptions, client: OpensslClientOptions, x: Expect) {
  const srv = await microListen(server);
  try {
    const cl = opensslClient(srv.port, { msg: true, ciphersuites: x.suite, ...client });
    const peer = await srv.accept();
    cl.write('hello from s_client\n');
    assert.equal(await readLine(peer), 'hello from s_client');
    await send(peer, 'tneilc_s morf olleh\n');
    await cl.waitFor(/^tneilc_s morf olleh$/m);
    const n = peer.conn.negotiated();
    assert.ok(n, 'negotiated() after the handshake');
    assert.equal(n.version, TLS13);
    assert.equal(n.cipherSuite, CipherSuite[x.suite]);
    assert.equal(n.group, NamedGroup[x.group]);
    assert.equal(n.signatureScheme, SignatureScheme[x.scheme]);
    cl.endInput(); // s_client sends close_notify at the end of its input
    await expectClose(peer);
    await shutdown(peer);
    await cl.waitExit();

    const out = cl.stdout();
    assert.match(out, new RegExp('Cipher is ' + x.suite + '$', 'm'));
    assert.match(out, /^Verify return code: 0 \(ok\)$/m);
    const hellos = serverHellos(out);
    assert.equal(hellos.length, x.hrr ? 2 : 1, 'HelloRetryRequest ' + (x.hrr ? 'expected' : 'not expected'));
    assert.equal(hellos[0].helloRetryRequest, x.hrr === true);
    const sh = hellos[hellos.length - 1];
    assert.equal(sh.helloRetryRequest, false);
    assert.equal(sh.cipherSuite, CipherSuite[x.suite]);
    assert.equal(sh.group, NamedGroup[x.group]);
    if (x.hrr) assert.equal(hellos[0].group, NamedGroup[x.group], 'HelloRetryRequest selected_group');
    assert.equal(certificateVerifyScheme(out, 'received'), SignatureScheme[x.scheme]);
    assert.deepEqual(certificateList(out, 'received'), [pkiDer(certOf(server) + '.crt'), ...chainOf(server)]);
    if (x.clientScheme) {
      assert.equal(certificateVerifyScheme(out, 'sent'), SignatureScheme[x.clientScheme]);
      assert.deepEqual(n.peerCertificates, certificateList(out, 'sent'), 'the chain s_client sent');
    }
    return { n };
  } finally {
    await srv.stop();
  }
}

const SUITES: Suite[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: Group[] = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1', 'x448'];

for (const suite of SUITES) {
  for (const group of GROUPS) {
    test(`server ${suite} ${group} vs openssl s_client`, T, async () => {
      await run({}, { groups: OPENSSL_GROUP[group] }, { suite, group, scheme: 'ecdsa_secp256r1_sha256' });
    });
  }
}

const CERTS: [string, Scheme, string?][] = [
  ['server-rsa', 'rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha256'],
  ['server-ed25519', 'ed25519'],
  ['server-ecdsa384', 'ecdsa_secp384r1_sha384'],
  ['server-rsapss', 'rsa_pss_pss_sha256', 'rsa_pss_pss_sha256'],
  ['server-ed448', 'ed448'],
];
for (const [cert, scheme, sigalgs] of CERTS) {
  test(`server signs with ${cert} (${scheme}) for openssl s_client`, T, async () => {
    await run({ cert }, { sigalgs }, { suite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', scheme });
  });
}

const CLIENT_CERTS: [string, Scheme][] = [
  ['client-ecdsa', 'ecdsa_secp256r1_sha256'],
  ['client-rsa', 'rsa_pss_rsae_sha256'],
  ['client-ed25519', 'ed25519'],
];
for (const [cert, clientScheme] of CLIENT_CERTS) {
  test(`server requires and verifies ${cert} from openssl s_client`, T, async () => {
    const { n } = await run(
      { verify: 'require' },
      { cert, extra: clientScheme.startsWith('rsa') ? ['-client_sigalgs', clientScheme] : [] },
      { suite: 'TLS_AES_256_GCM_SHA384', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256', clientScheme },
    );
    assert.deepEqual(n.peerCertificates[0], pkiDer(cert + '.crt'));
  });
}

test('server sends HelloRetryRequest to s_client -groups P-256:X25519 when it takes only x25519', T, async () => {
  await run({ groups: [NamedGroup.x25519] }, { groups: 'P-256:X25519' },
    { suite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256', hrr: true });
});
