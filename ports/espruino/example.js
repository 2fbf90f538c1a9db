// microtls on Espruino: connect to a TLS 1.3 PSK server, send a message,
// print the reply, and print process.memory() before and after.
//
// Load the microtls Espruino bundle first (it defines the global `microtls`;
// saved to Storage as module "microtls" it is loaded by require below), then
// run this script. Edit CONFIG for your server, for instance:
//   openssl s_server -accept 4433 -tls1_3 -nocert -psk <key hex> -psk_identity device-1 \
//     -ciphersuites TLS_AES_128_CCM_8_SHA256 -allow_no_dhe_kex -rev
// Plain ES5 on purpose: this file is not bundled.
var CONFIG = typeof EXAMPLE_CONFIG !== 'undefined' ? EXAMPLE_CONFIG : {
  host: '192.168.1.10',
  port: 4433,
  identity: 'device-1',
  key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  message: 'hello from Espruino',
  dhe: false // true: psk_dhe_ke (X25519, forward secrecy, seconds of CPU on a device)
};

if (typeof microtls === 'undefined') require('microtls');

function showMemory(label) {
  var m = process.memory();
  print(label + ': ' + m.usage + ' of ' + m.total + ' blocks used, ' + m.free + ' free (' + m.blocksize + ' bytes each)');
}

// The context (PSK, suites, buffer sizes) is made once and serves every connection.
var context = microtls.espruinoContext(require('crypto'), {
  psk: { identity: CONFIG.identity, key: CONFIG.key },
  dhe: CONFIG.dhe
});
showMemory('memory before');
var started = Date.now();
var reply = '';
var tls = microtls.connect({
  host: CONFIG.host,
  port: CONFIG.port,
  net: require('net'),
  context: context
}, function () {
  print('TLS 1.3 PSK handshake done in ' + (Date.now() - started) + ' ms');
  showMemory('memory with the connection open');
  tls.write(CONFIG.message + '\n');
});
tls.on('data', function (data) {
  reply += data;
  if (reply.indexOf('\n') >= 0) {
    print('reply: ' + reply.trim());
    tls.end();
  }
});
tls.on('error', function (e) {
  print('TLS error ' + e.code + ' ' + e.name + ': ' + e.message + (e.alert ? ' (alert ' + e.alert + ')' : ''));
});
tls.on('close', function () {
  tls = null;
  showMemory('memory after');
});
