// microtls client against `openssl s_server -tls1_3 -rev`: every suite x
// every group, every server certificate type, mutual authentication and
// HelloRetryRequest. Each case checks the reversed reply, what microtls
// negotiated, and what openssl saw (its own ServerHello and CertificateVerify
// from -msg, its "Ciphersuite:" summary, the client certificate it verified).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CipherSuite, NamedGroup, SignatureScheme, TLS13 } from '../../core/registry.js';
import { exchange, microConnect, shutdown, type MicroOptions } from '../helpers/microtls.js';
import {
  OPENSSL_GROUP, certificateList, certificateVerifyScheme, cleanup, opensslServer, pkiDer, serverHellos, type OpensslServerOptions,
} from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

type Suite = keyof typeof CipherSuite;
type Group = keyof typeof NamedGroup;
type Scheme = keyof typeof SignatureScheme;

interface Expect {
  suite: Suite;
  group: Group;
  /** Server's CertificateVerify scheme. */
  scheme: Scheme;
  hrr?: boolean;
  /** Client's CertificateVerify scheme when it authenticated. */
  clientScheme?: Scheme;
}

async function run(server: OpensslServerOptions, client: MicroOptions, x: Expect) {
  const srv = await opensslServer({ msg: true, ciphersuites: x.suite, ...server });
  const peer = await microConnect(srv.port, client);
  assert.equal(await exchange(peer, 'hello microtls'), 'sltorcim olleh');
  const n = peer.conn.negotiated();
  assert.ok(n, 'negotiated() after the handshake');
  assert.equal(n.version, TLS13);
  assert.equal(n.cipherSuite, CipherSuite[x.suite]);
  assert.equal(n.group, NamedGroup[x.group]);
  assert.equal(n.signatureScheme, SignatureScheme[x.scheme]);
  await shutdown(peer);
  await srv.waitExit();

  // What openssl itself sent and printed.
  const out = srv.stdout();
  assert.match(srv.output(), new RegExp('^Ciphersuite: ' + x.suite + '$', 'm'));
  const hellos = serverHellos(out);
  assert.equal(hellos.length, x.hrr ? 2 : 1, 'HelloRetryRequest ' + (x.hrr ? 'expected' : 'not expected'));
  assert.equal(hellos[0].helloRetryRequest, x.hrr === true);
  const sh = hellos[hellos.length - 1];
  assert.equal(sh.helloRetryRequest, false);
  assert.equal(sh.cipherSuite, CipherSuite[x.suite]);
  assert.equal(sh.group, NamedGroup[x.group]);
  assert.equal(certificateVerifyScheme(out, 'sent'), SignatureScheme[x.scheme]);
  assert.deepEqual(n.peerCertificates, certificateList(out, 'sent'), 'the chain openssl sent');
  if (x.clientScheme) {
    assert.equal(certificateVerifyScheme(out, 'received'), SignatureScheme[x.clientScheme]);
    assert.match(srv.output(), /^Verification: OK$/m);
  }
  assert.match(out, /<<< TLS 1\.3, Alert \[length 0002\], warning close_notify/, 'openssl received our close_notify');
  return { peer, n, srv };
}

const SUITES: Suite[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: Group[] = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1', 'x448'];

for (const suite of SUITES) {
  for (const group of GROUPS) {
    test(`client ${suite} ${group} vs openssl s_server`, T, async () => {
      await run({ ciphersuites: suite, groups: OPENSSL_GROUP[group] }, { groups: [NamedGroup[group]] },
        { suite, group, scheme: 'ecdsa_secp256r1_sha256' });
    });
  }
}

test('client receives the ECDSA P-256 chain (leaf + intermediate) as openssl sent it', T, async () => {
  const { n } = await run({}, {}, { suite: 'TLS_AES_256_GCM_SHA384', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' });
  assert.deepEqual(n.peerCertificates.slice(0, 2), [pkiDer('server-ecdsa.crt'), pkiDer('intermediate.crt')]);
});

const CERTS: [string, Scheme, string?][] = [
  ['server-rsa', 'rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha256'],
  ['server-ed25519', 'ed25519'],
  ['server-ecdsa384', 'ecdsa_secp384r1_sha384'],
  ['server-rsapss', 'rsa_pss_pss_sha256', 'rsa_pss_pss_sha256'],
  ['server-ed448', 'ed448'],
];
for (const [cert, scheme, sigalgs] of CERTS) {
  test(`client verifies ${cert} (${scheme}) from openssl s_server`, T, async () => {
    const { n } = await run({ cert, sigalgs }, {}, { suite: 'TLS_AES_256_GCM_SHA384', group: 'x25519', scheme });
    assert.deepEqual(n.peerCertificates[0], pkiDer(cert + '.crt'));
  });
}

const CLIENT_CERTS: [string, Scheme][] = [
  ['client-ecdsa', 'ecdsa_secp256r1_sha256'],
  ['client-rsa', 'rsa_pss_rsae_sha256'],
  ['client-ed25519', 'ed25519'],
];
for (const [cert, clientScheme] of CLIENT_CERTS) {
  test(`client authenticates with ${cert} to openssl s_server -Verify 1`, T, async () => {
    const { srv } = await run(
      { clientAuth: 'require', extra: clientScheme.startsWith('rsa') ? ['-client_sigalgs', clientScheme] : [] },
      { cert },
      { suite: 'TLS_AES_256_GCM_SHA384', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256', clientScheme },
    );
    assert.match(srv.output(), new RegExp('^Peer certificate: O = microtls, CN = ' + cert + '$', 'm'));
  });
}

test('client retries after HelloRetryRequest from openssl s_server -groups P-256', T, async () => {
  await run({ groups: 'P-256' }, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] },
    { suite: 'TLS_AES_256_GCM_SHA384', group: 'secp256r1', scheme: 'ecdsa_secp256r1_sha256', hrr: true });
});
