// npm run size: bytes of every bundle x profile in dist/ (as shipped,
// minified, minified + gzip -9), then which feature modules each bundle
// holds (rollup's per-module rendered sizes), to show what tree-shaking
// kept out. Builds dist/ first when it is stale. Fails (exit 1) when a
// bundle holds a module its profile must not (a server side in a client
// bundle, X.509 in a PSK bundle) or is over its budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { rollup } from '@rollup/wasm-node';
import { SRC, bundleOptions, targets } from '../rollup.config.mjs';
import { ensureDist } from './build-dist.mjs';

await ensureDist();
const root = join(SRC, '..', '..');

/** Feature modules to look for, by path fragment. */
const FEATURES = {
  'X.509': '/core/x509/',
  'cert loading': '/core/engine/certificate-context.js',
  'cert handshake': '/core/handshake/client-certificates.js',
  RSA: '/core/crypto/rsa.js',
  'sig verify/sign': '/core/crypto/signature.js',
  'NIST curves': '@noble/curves/abstract/weierstrass.js',
  // noble's ECDSA objects (signing: RFC 6979 HMAC-DRBG, noble's HMAC and DER); verification needs only the points.
  'ECDSA signing': '@noble/curves/nist.js',
  // noble's generic Montgomery code; the client profiles have their own X25519 ladder.
  'noble X25519/X448': '@noble/curves/abstract/montgomery.js',
  Ed448: '@noble/curves/ed448.js',
  'x25519/Ed25519': '@noble/curves/ed25519.js',
  ChaCha20: '/core/crypto/chacha20-poly1305.js',
  'AES-CCM': '/core/crypto/aes-ccm.js',
  'server machine': '/core/handshake/server.js',
  'ticket sealing': '/core/session/ticket.js',
  'TLS engine': '/core/engine/',
  'crypto toolkit': '/core/toolkit/',
  'replay guard': '/core/session/replay.js',
  'TLS 1.2': '/core/handshake/tls12/',
};

/** What a profile's bundles must not hold (by FEATURES name). */
const CLIENT_ONLY = ['server machine', 'ticket sealing', 'replay guard'];
// The device profiles speak TLS 1.3 only: no TLS 1.2 machine in their bundles.
const FORBIDDEN = {
  // Verification only: the NIST curves as points, without noble's signing side.
  'client-ecdhe': CLIENT_ONLY.concat(['TLS 1.2', 'ECDSA signing', 'noble X25519/X448']),
  'client-psk': CLIENT_ONLY.concat(['TLS 1.2', 'X.509', 'cert loading', 'cert handshake', 'RSA', 'sig verify/sign', 'NIST curves', 'ECDSA signing', 'noble X25519/X448', 'Ed448']),
  crypto: CLIENT_ONLY.concat(['TLS engine']),
};

/** Budgets in bytes, minified + gzip -9 (issue 9). */
const BUDGETS = {
  'moddable client-psk': 30000,
  'moddable client-ecdhe': 58000,
  'espruino client-psk': 24000,
};
const problems = [];

const pad = (s, n) => String(s).padStart(n);
console.log('target     profile         bytes   minified   gzipped');
const contents = [];
for (const [target, t] of Object.entries(targets)) {
  for (const profile of Object.keys(t.entries)) {
    const code = readFileSync(join(root, 'dist', target, profile + '.js'), 'utf8');
    const format = t.esbuild.format === 'esm' ? 'esm' : undefined;
    const min = (await esbuild.transform(code, { minify: true, format, target: t.es5 ? 'es5' : t.esbuild.target, legalComments: 'none' })).code;
    const gz = gzipSync(min, { level: 9 }).length;
    const budget = BUDGETS[target + ' ' + profile];
    console.log(target.padEnd(10), profile.padEnd(13), pad(code.length, 7), pad(min.length, 10), pad(gz, 9), budget ? ' (budget ' + budget + ')' : '');
    if (budget && gz > budget) problems.push(target + ' ' + profile + ': ' + gz + ' bytes, over the budget of ' + budget);
    const bundle = await rollup(bundleOptions(target, profile));
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    const modules = Object.entries(output[0].modules).filter(([, m]) => m.renderedLength > 0).map(([id]) => id);
    const has = Object.values(FEATURES).map((f) => modules.some((id) => id.includes(f)));
    contents.push([target + ' ' + profile, has.map((h) => (h ? 'yes' : '-'))]);
    Object.keys(FEATURES).forEach((name, i) => {
      if (has[i] && (FORBIDDEN[profile] ?? []).includes(name)) problems.push(target + ' ' + profile + ' holds ' + name + ' (' + FEATURES[name] + ')');
    });
  }
}
console.log('\n(dist/node is tsc output, not a bundle: its size is the sum of the modules an application imports.)');
console.log('\nFeature modules in each bundle (rendered by rollup after tree-shaking):');
const names = Object.keys(FEATURES);
console.log(''.padEnd(24) + names.map((n) => n.padStart(Math.max(n.length, 3) + 2)).join(''));
for (const [name, cells] of contents) {
  console.log(name.padEnd(24) + cells.map((c, i) => c.padStart(Math.max(names[i].length, 3) + 2)).join(''));
}
if (problems.length > 0) {
  console.log('\nFAILED:\n  ' + problems.join('\n  '));
  process.exit(1);
}
