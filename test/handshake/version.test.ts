// Server version selection (RFC 8446 4.2.1, 4.1.3, D; RFC 5246 E.1) and the
// downgrade sentinel, on the function the server machine calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Alert, TlsFailure } from '../../core/errors.js';
import { DOWNGRADE_TLS12, selectVersion, serverRandom, versionName } from '../../core/handshake/version.js';

const T12 = 0x0303;
const T13 = 0x0304;

function refused(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof TlsFailure);
    assert.equal(e.alert, Alert.protocol_version);
    return e.message;
  }
  return assert.fail('no failure');
}

test('supported_versions: the highest version of ours the client lists, legacy_version ignored', () => {
  assert.equal(selectVersion(0x0303, [T13, T12], T12, T13), T13);
  assert.equal(selectVersion(0x0303, [T12, T13], T12, T13), T13, 'the client order does not matter');
  assert.equal(selectVersion(0x0303, [0x7a7a, T12], T12, T13), T12, 'GREASE and TLS 1.2 only');
  assert.equal(selectVersion(0x0301, [T13, T12], T12, T12), T12, 'a TLS 1.2-only server');
  assert.equal(selectVersion(0x0303, [T13], T13, T13), T13);
});

test('no version in common in supported_versions: protocol_version naming both sides', () => {
  assert.match(refused(() => selectVersion(0x0303, [T12], T13, T13)), /client offers TLS 1\.2, we TLS 1\.3 only/);
  assert.match(refused(() => selectVersion(0x0303, [T13], T12, T12)), /client offers TLS 1\.3, we TLS 1\.2 only/);
  assert.match(refused(() => selectVersion(0x0303, [0x0302, 0x0301], T12, T13)), /TLS 1\.1,TLS 1\.0, we TLS 1\.2\.\.TLS 1\.3/);
});

test('without supported_versions: legacy_version 0x0303 or above is TLS 1.2, below it protocol_version', () => {
  assert.equal(selectVersion(0x0303, undefined, T12, T13), T12);
  assert.equal(selectVersion(0x0304, undefined, T12, T13), T12, 'legacy_version 0x0304 alone is a TLS 1.2 client (RFC 8446 4.2.1)');
  for (const v of [0x0302, 0x0301]) {
    assert.match(refused(() => selectVersion(v, undefined, T12, T13)), /no supported_versions/);
  }
  assert.match(refused(() => selectVersion(0x0303, undefined, T13, T13)), /TLS 1\.2 \(no supported_versions\), we TLS 1\.3 only/);
});

test('downgrade sentinel: the last 8 bytes of ServerHello.random when a TLS 1.3-capable server negotiates TLS 1.2', () => {
  const fill = (d: Uint8Array) => d.fill(0xaa);
  const r = serverRandom(fill, new Uint8Array(32), T12, T13);
  assert.deepEqual([...r.subarray(24)], [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
  assert.deepEqual([...r.subarray(0, 24)], new Array(24).fill(0xaa));
  assert.deepEqual(DOWNGRADE_TLS12, r.subarray(24));
  assert.deepEqual([...serverRandom(fill, new Uint8Array(32), T12, T12)], new Array(32).fill(0xaa), 'a TLS 1.2-only server sends none');
  assert.deepEqual([...serverRandom(fill, new Uint8Array(32), T13, T13)], new Array(32).fill(0xaa));
});

test('version names', () => {
  assert.equal(versionName(T12), 'TLS 1.2');
  assert.equal(versionName(T13), 'TLS 1.3');
  assert.equal(versionName(0x7a7a), '0x7a7a');
});
