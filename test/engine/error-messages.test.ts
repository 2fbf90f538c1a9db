// Error messages: every code has its own; the certificate checks' messages
// live with the X.509 code (core/x509/errors.ts), so the engine's table
// (all a PSK-only build has) names those codes instead, and a failure raised
// by the X.509 code carries its message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Context, errorMessage } from '../../core/index.js';
import { ErrorCode, TlsFailure, errorMessage as engineMessage } from '../../core/errors.js';
import { x509Support } from '../../core/x509/support.js';
import { handshake, random, serverContext } from './pair.js';

const certificateCheck = (code: number): boolean => code <= -301 && code >= -399 && code !== ErrorCode.NO_CLOCK;

test('every error code has a message of its own in the full build', () => {
  const seen = new Map<string, string>();
  for (const [name, code] of Object.entries(ErrorCode)) {
    const m = errorMessage(code);
    assert.ok(m.length > 0 && !/certificate check failed|unknown error/.test(m), name + ': ' + m);
    assert.ok(!seen.has(m), name + ' and ' + seen.get(m) + ' share "' + m + '"');
    seen.set(m, name);
  }
  assert.equal(errorMessage(-999), 'unknown error -999');
});

test('without X.509 the certificate codes are named, every other message is the same', () => {
  for (const [name, code] of Object.entries(ErrorCode)) {
    if (certificateCheck(code)) assert.equal(engineMessage(code), 'certificate check failed (' + name + ')');
    else assert.equal(engineMessage(code), errorMessage(code), name);
  }
});

test('a failure raised by the X.509 code carries its certificate message', () => {
  assert.throws(() => x509Support.parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), (e: unknown) => {
    assert.ok(e instanceof TlsFailure);
    assert.equal(e.name, 'CERT_PARSE');
    assert.match(e.message, /^certificate parse error: /);
    return true;
  });
  // A client that trusts nothing: the server's chain ends at no anchor.
  const client = new Context({ side: 'client', random, now: Date.now, serverName: 'localhost' }).newConnection();
  const server = serverContext().newConnection();
  handshake(client, server);
  const e = client.lastError()!;
  assert.equal(e.name, 'UNKNOWN_CA');
  assert.match(e.message, /^certificate issuer unknown \(no trust anchor\): /);
});
