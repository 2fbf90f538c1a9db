// Path validation end to end: openssl s_server presents each chain of
// scripts/make-validation-pki.mjs to a microtls client, whose error must
// name the rule it broke, with the alert s_server reports. (OpenSSL cannot
// present a 512-bit RSA, explicit-parameter EC or secp256k1 leaf in TLS 1.3:
// no signature scheme fits those keys, so those leaves are covered by
// test/x509/validation.test.ts only; a 512-bit root and intermediate are here.)
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, test } from 'node:test';
import { Alert, alertName } from '../../core/errors.js';
import { failsWith, microConnect, microListen, readLine, type MicroOptions } from '../helpers/microtls.js';
import { cleanup, opensslClient, opensslServer, pki, pkiDer } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

interface Case {
  /** Leaf in build/pki/validation (NAME.crt, NAME.key); intermediates from NAME-ints.crt unless `ints` says otherwise. */
  leaf: string;
  ints?: string;
  code: string;
  message: RegExp;
  alert: number;
  serverName?: string;
  client?: MicroOptions;
  /** Signature verifications the validation must have spent (from the debug log). */
  signatures?: number;
}

/** s_server at security level 0, so it presents weak keys too. */
async function serve(leaf: string, ints: string) {
  const extra = ['-cipher', 'DEFAULT:@SECLEVEL=0'];
  const chain = statSync(pki('validation/' + ints)).size > 0 ? 'validation/' + ints : undefined;
  return opensslServer({ cert: 'validation/' + leaf, chain, ca: 'validation/root.crt', extra });
}

const BAD = Alert.bad_certificate;
const CASES: Case[] = [
  { leaf: 'nc-dns-bad', serverName: 'evil.test', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /DNS:evil\.test of "nc-dns-bad" is not in the permitted subtrees of "nc-dns"/ },
  { leaf: 'nc-dns-nc-bad', serverName: 'evil.test', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /not in the permitted subtrees of "nc-dns-nc"/ },
  { leaf: 'nc-dns-ex-bad', serverName: 'a.evil.example.com', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /in an excluded subtree of "nc-dns-ex"/ },
  { leaf: 'nc-dns-cn', serverName: 'evil.test', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /DNS:evil\.test of "evil\.test" is not in the permitted subtrees/ },
  { leaf: 'nc-ip-bad', serverName: '10.0.0.1', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /IP:10\.0\.0\.1 .* not in the permitted subtrees of "nc-ip"/ },
  { leaf: 'nc-ip-ex-bad', serverName: '127.0.0.1', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /IP:127\.0\.0\.1 .* in an excluded subtree of "nc-ip-ex"/ },
  { leaf: 'nc-email-bad', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /email:bob@evil\.test .* not in the permitted subtrees of "nc-email"/ },
  { leaf: 'nc-dir-sub-leaf', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /the subject of "nc-dir-sub" is not in the permitted subtrees of "nc-dir"/ },
  { leaf: 'alt-leaf', ints: 'alt-leaf-nc-ints.crt', code: 'CERT_NAME_CONSTRAINTS', alert: BAD, message: /DNS:localhost of "alt-leaf" is in an excluded subtree of "alt-sub"/ },
  { leaf: 'rsa1024-leaf', code: 'CERT_WEAK_KEY', alert: Alert.insufficient_security, message: /"rsa1024-leaf" has a 1024-bit RSA key; at least 2048/ },
  { leaf: 'rsa1024-int-leaf', code: 'CERT_WEAK_KEY', alert: Alert.insufficient_security, message: /"rsa1024-int" has a 1024-bit RSA key/ },
  { leaf: 'rsa1024-root-leaf', code: 'CERT_WEAK_KEY', alert: Alert.insufficient_security, message: /"rsa1024-root" has a 1024-bit RSA key/, client: { ca: 'validation/rsa1024-root.crt' } },
  { leaf: 'rsa512-int-leaf', code: 'CERT_WEAK_KEY', alert: Alert.insufficient_security, message: /"rsa512-int" has a 512-bit RSA key; at least 1024 bits required$/, client: { minRsaBits: 1024 } },
  { leaf: 'rsa512-root-leaf', code: 'CERT_WEAK_KEY', alert: Alert.insufficient_security, message: /"rsa512-root" has a 512-bit RSA key/, client: { ca: 'validation/rsa512-root.crt', minRsaBits: 1024 } },
  { leaf: 'rsa2052-leaf', code: 'CERT_WEAK_KEY', alert: Alert.insufficient_security, message: /RSA modulus of 2052 bits, not a multiple of 8/ },
  { leaf: 'leaf-ca', code: 'CERT_CA_AS_LEAF', alert: BAD, message: /"leaf-ca" has basicConstraints cA=TRUE/ },
  { leaf: 'leaf-certsign', code: 'CERT_CA_AS_LEAF', alert: BAD, message: /"leaf-certsign" has keyUsage keyCertSign/ },
  { leaf: 'leaf-serial-negative', code: 'CERT_PROFILE', alert: BAD, message: /negative serial number/ },
  { leaf: 'leaf-serial-zero', code: 'CERT_PROFILE', alert: BAD, message: /serial number 0/ },
  { leaf: 'leaf-serial-long', code: 'CERT_PROFILE', alert: BAD, message: /serial number longer than 20 octets/ },
  { leaf: 'leaf-aki-critical', code: 'CERT_PROFILE', alert: BAD, message: /critical authorityKeyIdentifier/ },
  { leaf: 'leaf-underscore', code: 'CERT_PROFILE', alert: BAD, message: /invalid dNSName "bad_name\.test"/ },
  { leaf: 'int-bc-noncritical-leaf', code: 'CERT_PROFILE', alert: BAD, message: /"int-bc-noncritical" is a CA whose basicConstraints is not critical/ },
  { leaf: 'int-empty-subject-leaf', code: 'CERT_PROFILE', alert: BAD, message: /is a CA with an empty subject/ },
  { leaf: 'patho-leaf', code: 'UNKNOWN_CA', alert: Alert.unknown_ca, message: /issuer "Patho CA" of "patho-leaf" not found/, client: { verifyDepth: 32 }, signatures: 0 },
  { leaf: 'patho-leaf', ints: 'patho-bridged-ints.crt', code: 'CHAIN_BUDGET_EXCEEDED', alert: BAD, message: /100 signature verifications spent on "patho-leaf"/, client: { verifyDepth: 32 }, signatures: 100 },
  { leaf: 'cycle-leaf', code: 'UNKNOWN_CA', alert: Alert.unknown_ca, message: /issuer "Cycle X" of "cycle-leaf" not found/, signatures: 0 },
  { leaf: 'cycle-leaf', ints: 'cycle-bridged-ints.crt', code: 'UNKNOWN_CA', alert: Alert.unknown_ca, message: /issuer "Cycle X" of "Cycle Y" not found/, signatures: 3 },
  { leaf: 'crl-leaf-revoked', code: 'CERT_REVOKED', alert: Alert.certificate_revoked, message: /"crl-leaf-revoked" revoked .* \(keyCompromise\) by the CRL of "crl-int"/, client: { crls: ['validation/crl-int.crl'] } },
  { leaf: 'crl-int2-leaf', code: 'CERT_REVOKED', alert: Alert.certificate_revoked, message: /"crl-int2" revoked/, client: { crls: ['validation/root.crl'] } },
  { leaf: 'crl-leaf', code: 'CRL_NOT_CURRENT', alert: BAD, message: /the CRL of "crl-int" is valid 2020-01-01/, client: { crls: ['validation/crl-int-stale.crl'] } },
  { leaf: 'crl-leaf', code: 'CRL_REQUIRED', alert: BAD, message: /no CRL from "microtls Validation Root" for "crl-int"/, client: { crls: ['validation/crl-int.crl'], crlRequired: true } },
];

/** How openssl prints an alert it received ("bad certificate"). */
function opensslAlert(a: number): RegExp {
  return new RegExp('alert ' + alertName(a).replace(/_/g, ' '));
}

for (const c of CASES) {
  test(c.leaf + (c.ints ? ' with ' + c.ints : '') + ': ' + c.code + ', s_server sees ' + alertName(c.alert), T, async () => {
    const srv = await serve(c.leaf, c.ints ?? c.leaf + '-ints.crt');
    const log: string[] = [];
    const e = await failsWith(microConnect(srv.port, { ca: 'validation/root.crt', serverName: c.serverName ?? 'localhost', debug: (l) => log.push(l), ...c.client }), c.code);
    assert.match(e.message, c.message);
    assert.equal(e.alertSent, c.alert);
    await srv.waitFor(opensslAlert(c.alert));
    // The signature verifications the validation spent, from the debug log (a count, not a time).
    if (c.signatures !== undefined) assert.equal(log.find((l) => l.startsWith('chain: ')), 'chain: ' + c.signatures + ' signature verification(s)');
  });
}

test('positive end to end: the alternate path, a permitted name, a CRL that does not list the leaf, minRsaBits: 1024', T, async () => {
  const good: [string, string, MicroOptions][] = [
    ['alt-leaf', 'localhost', {}],
    ['nc-dns-ok', 'www.example.com', {}],
    ['nc-ip-ok', '127.0.0.1', {}],
    ['crl-leaf', 'localhost', { crls: ['validation/crl-int.crl', 'validation/root.crl'], crlRequired: true }],
    ['rsa1024-leaf', 'localhost', { minRsaBits: 1024 }],
  ];
  for (const [leaf, serverName, client] of good) {
    const srv = await serve(leaf, leaf + '-ints.crt');
    const peer = await microConnect(srv.port, { ca: 'validation/root.crt', serverName, ...client });
    assert.deepEqual(peer.conn.negotiated()?.peerCertificates[0], pkiDer('validation/' + leaf + '.crt'), leaf);
    peer.socket.destroy();
    await srv.stop();
  }
});

test('a server revokes one device of its fleet with a CRL: s_client with the revoked certificate sees certificate_revoked, the other gets in', T, async () => {
  const server = () => microListen({ ca: 'validation/root.crt', verify: 'require', crls: ['validation/crl-int.crl', 'validation/root.crl'], crlRequired: true });
  const client = (port: number, name: string) => opensslClient(port, { cert: 'validation/' + name, chain: 'validation/' + name + '-ints.crt' });
  let srv = await server();
  let cl = client(srv.port, 'crl-client-revoked');
  const e = await failsWith(srv.accept(), 'CERT_REVOKED');
  assert.match(e.message, /"crl-client-revoked" revoked .* \(keyCompromise\) by the CRL of "crl-int"/);
  assert.equal(e.alertSent, Alert.certificate_revoked);
  await cl.waitFor(/alert certificate revoked/);
  await srv.stop();
  srv = await server();
  cl = client(srv.port, 'crl-client');
  const peer = await srv.accept();
  assert.deepEqual(peer.conn.negotiated()?.peerCertificates[0], pkiDer('validation/crl-client.crt'));
  cl.write('device\n');
  assert.equal(await readLine(peer), 'device');
  await srv.stop();
});
