// The crypto subcommands (the seed book's chapter 7 samples, openssl-like):
// hash, hmac, enc, genkey, pkey, rsa-encrypt, rsa-decrypt, sign, verify.
import type { HashName } from '../../../core/crypto/types.js';
import { ErrorCode } from '../../../core/errors.js';
import { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt } from '../../../core/toolkit/cipher.js';
import { createHash, createHmac } from '../../../core/toolkit/digest.js';
import { generateKey, type KeyType } from '../../../core/toolkit/generate.js';
import {
  encodePrivateKey, encodePublicKey, importPrivateKey, importPublicKey, privateKeyPem, publicKeyOf, publicKeyPem,
  type AnyPrivateKey, type PrivateFormat,
} from '../../../core/toolkit/keys.js';
import { rsaDecrypt, rsaEncrypt, sign, verify, type RsaEncryptOptions, type SignOptions } from '../../../core/toolkit/pkey.js';
import type { AeadName } from '../../../core/toolkit/provider.js';
import { cliError } from './errors.js';
import {
  hexArg, parseOptions, provider, random, readInput, required, str, usage, writeOutput, type Parsed, type Tool,
} from './toolkit-args.js';

const HASHES: HashName[] = ['sha256', 'sha384', 'sha512'];

function hashName(p: Parsed, fallback: HashName = 'sha256'): HashName {
  const a = (str(p, 'a') ?? fallback).toLowerCase().replace('-', '') as HashName;
  if (HASHES.indexOf(a) < 0) usage('unknown hash ' + JSON.stringify(str(p, 'a')) + ' (sha256, sha384, sha512)');
  return a;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Feeds a file (or standard input) through update() in 64 KB pieces. */
function digestFile(d: { update(b: Uint8Array): unknown; digest(): Uint8Array }, path: string | undefined): Uint8Array {
  const data = readInput(path);
  for (let i = 0; i < data.length; i += 65536) d.update(data.subarray(i, i + 65536));
  return d.digest();
}

const PROVIDER_HELP = '  -provider noble|node  core\'s crypto (default) or node:crypto (OpenSSL)\n';

const hash: Tool = {
  name: 'hash',
  summary: 'SHA-256/384/512 of files (like openssl dgst)',
  help: 'usage: microtls hash [-a sha256|sha384|sha512] [FILE...]\n  prints ALG(FILE)= HEX for each file (standard input without FILE)\n' + PROVIDER_HELP,
  run(args) {
    const p = parseOptions('hash', args, { a: true, provider: true });
    const alg = hashName(p);
    for (const f of p.rest.length ? p.rest : ['-']) {
      process.stdout.write(alg.toUpperCase() + '(' + f + ')= ' + hex(digestFile(createHash(alg, provider(p)), f)) + '\n');
    }
    return 0;
  },
};

const hmac: Tool = {
  name: 'hmac',
  summary: 'HMAC of files with a hex key',
  help: 'usage: microtls hmac [-a sha256|sha384|sha512] -k HEXKEY [FILE...]\n' + PROVIDER_HELP,
  run(args) {
    const p = parseOptions('hmac', args, { a: true, k: true, provider: true });
    const alg = hashName(p);
    const key = hexArg(p, 'k');
    for (const f of p.rest.length ? p.rest : ['-']) {
      process.stdout.write('HMAC-' + alg.toUpperCase() + '(' + f + ')= ' + hex(digestFile(createHmac(alg, key, provider(p)), f)) + '\n');
    }
    return 0;
  },
};

const CIPHERS = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'];

const enc: Tool = {
  name: 'enc',
  summary: 'AES-CBC (PKCS#7), AES-GCM, ChaCha20-Poly1305 with an explicit key and IV/nonce',
  help: `usage: microtls enc -CIPHER -k HEXKEY -iv HEX [-d] [-aad HEX] IN OUT
  CIPHER: ${CIPHERS.join(', ')}
  CBC: PKCS#7 padding, a 16-byte IV; the output is what "openssl enc -CIPHER -K HEXKEY -iv HEX" makes.
  AEADs: a 12-byte nonce as -iv; the output is ciphertext || 16-byte tag.
  -d decrypts (CBC: fails on bad padding; AEAD: fails when the tag does not match)
` + PROVIDER_HELP,
  run(args) {
    const spec: Record<string, boolean> = { k: true, K: true, iv: true, d: false, aad: true, provider: true };
    for (const c of CIPHERS) spec[c] = false;
    const p = parseOptions('enc', args, spec);
    const chosen = CIPHERS.filter((c) => p.opts[c]);
    if (chosen.length !== 1) usage('name one cipher: ' + CIPHERS.map((c) => '-' + c).join(' | '));
    const cipher = chosen[0];
    if (p.rest.length !== 2) usage('enc needs IN and OUT files');
    if (p.opts.K && !p.opts.k) p.opts.k = p.opts.K;
    const key = hexArg(p, 'k');
    const iv = hexArg(p, 'iv');
    const input = readInput(p.rest[0]);
    const prov = provider(p);
    let out: Uint8Array | null;
    if (cipher.endsWith('-cbc')) {
      if (key.length * 8 !== Number(cipher.substring(4, 7))) usage(cipher + ' needs a ' + Number(cipher.substring(4, 7)) / 8 + '-byte key, not ' + key.length);
      out = p.opts.d ? cbcDecrypt(key, iv, input, prov) : cbcEncrypt(key, iv, input, prov);
      if (!out) throw cliError(ErrorCode.CRYPTO_ERROR, 'bad decrypt (wrong key or IV, or corrupted data: the padding does not check)');
    } else {
      const aad = p.opts.aad ? hexArg(p, 'aad') : undefined;
      out = p.opts.d ? aeadOpen(cipher as AeadName, key, iv, input, aad, prov) : aeadSeal(cipher as AeadName, key, iv, input, aad, prov);
      if (!out) throw cliError(ErrorCode.CRYPTO_ERROR, 'authentication failed (wrong key, nonce or AAD, or modified data)');
    }
    writeOutput(p.rest[1], out);
    return 0;
  },
};

const KEY_TYPES: Record<string, KeyType> = { ec: 'P-256', 'P-256': 'P-256', 'P-384': 'P-384', ed25519: 'ed25519', x25519: 'x25519', rsa: 'rsa' };

/** -format pkcs8|sec1|pkcs1 and -outform pem|der for a private key. */
function writePrivate(p: Parsed, key: AnyPrivateKey): void {
  const format = (str(p, 'format') ?? 'pkcs8') as PrivateFormat;
  if (format !== 'pkcs8' && format !== 'sec1' && format !== 'pkcs1') usage('-format is pkcs8, sec1 or pkcs1');
  writeOutput(str(p, 'out'), str(p, 'outform') === 'der' ? encodePrivateKey(key, format) : privateKeyPem(key, format));
}

function writePublic(p: Parsed, path: string | undefined, key: AnyPrivateKey): void {
  const format = str(p, 'format') === 'pkcs1' ? 'pkcs1' : 'spki';
  const pub = publicKeyOf(key);
  writeOutput(path, str(p, 'outform') === 'der' ? encodePublicKey(pub, format) : publicKeyPem(pub, format));
}

const genkey: Tool = {
  name: 'genkey',
  summary: 'a new private key: ec (P-256), P-384, ed25519, x25519 or rsa',
  help: `usage: microtls genkey ec|P-256|P-384|ed25519|x25519|rsa [-curve P-256|P-384] [-bits 2048|3072|4096]
                      [-format pkcs8|sec1|pkcs1] [-outform pem|der] [-out key.pem] [-pubout pub.pem]
` + PROVIDER_HELP + '  (RSA with -provider node is generated by OpenSSL; otherwise on BigInt, a second or so)\n',
  run(args) {
    const p = parseOptions('genkey', args, { curve: true, bits: true, format: true, outform: true, out: true, pubout: true, provider: true });
    if (p.rest.length !== 1) usage('name one key type: ec, P-256, P-384, ed25519, x25519 or rsa');
    let type = KEY_TYPES[p.rest[0]];
    if (!type) usage('unknown key type ' + JSON.stringify(p.rest[0]) + ' (ec, P-256, P-384, ed25519, x25519, rsa)');
    const curve = str(p, 'curve');
    if (curve !== undefined) {
      if (type !== 'P-256' || (curve !== 'P-256' && curve !== 'P-384')) usage('-curve is P-256 or P-384, for ec keys');
      type = curve as KeyType;
    }
    const bits = str(p, 'bits') === undefined ? undefined : Number(str(p, 'bits'));
    const key = generateKey(type, { random, bits, provider: provider(p) });
    writePrivate(p, key);
    if (str(p, 'pubout')) writePublic(p, str(p, 'pubout'), key);
    return 0;
  },
};

const pkey: Tool = {
  name: 'pkey',
  summary: 'convert a key between PKCS#8, SEC1, PKCS#1, SPKI, PEM and DER',
  help: 'usage: microtls pkey -in KEY [-pubout] [-format pkcs8|sec1|pkcs1] [-outform pem|der] [-out FILE]\n',
  run(args) {
    const p = parseOptions('pkey', args, { in: true, pubout: false, format: true, outform: true, out: true });
    const key = importPrivateKey(readInput(required(p, 'in')));
    if (p.opts.pubout) writePublic(p, str(p, 'out'), key);
    else writePrivate(p, key);
    return 0;
  },
};

function rsaOptions(p: Parsed): RsaEncryptOptions {
  return { padding: p.opts.pkcs1 ? 'pkcs1' : 'oaep', hash: hashName(p) };
}

const RSA_ENC_HELP = `  -pkcs1          RSAES-PKCS1-v1_5 instead of OAEP
  -a HASH         OAEP hash, also MGF1's (default sha256)
` + PROVIDER_HELP;

const rsaEncryptTool: Tool = {
  name: 'rsa-encrypt',
  summary: 'RSA-OAEP or PKCS#1 v1.5 encryption with a public key',
  help: 'usage: microtls rsa-encrypt -pubin KEY -in IN -out OUT [-pkcs1] [-a sha256]\n  KEY: a public key (SPKI or PKCS#1) or a private key\n' + RSA_ENC_HELP,
  run(args) {
    const p = parseOptions('rsa-encrypt', args, { pubin: true, in: true, out: true, pkcs1: false, a: true, provider: true });
    const key = importPublicKey(readInput(required(p, 'pubin')));
    writeOutput(str(p, 'out'), rsaEncrypt(key, readInput(str(p, 'in')), random, rsaOptions(p), provider(p)));
    return 0;
  },
};

const rsaDecryptTool: Tool = {
  name: 'rsa-decrypt',
  summary: 'RSA-OAEP or PKCS#1 v1.5 decryption with a private key',
  help: 'usage: microtls rsa-decrypt -key KEY -in IN -out OUT [-pkcs1] [-a sha256]\n' + RSA_ENC_HELP +
    '  Every failure (length, range, padding) gives the same error.\n',
  run(args) {
    const p = parseOptions('rsa-decrypt', args, { key: true, in: true, out: true, pkcs1: false, a: true, provider: true });
    const key = importPrivateKey(readInput(required(p, 'key')));
    const out = rsaDecrypt(key, readInput(str(p, 'in')), random, rsaOptions(p), provider(p));
    if (!out) throw cliError(ErrorCode.CRYPTO_ERROR, 'RSA decryption failed');
    writeOutput(str(p, 'out'), out);
    return 0;
  },
};

function signOptions(p: Parsed): SignOptions {
  return { hash: str(p, 'a') === undefined ? undefined : hashName(p), padding: p.opts.pss ? 'pss' : 'pkcs1' };
}

const SIGN_HELP = `  -a HASH         ECDSA/RSA hash (default sha256; sha384 for P-384 keys)
  -pss            RSA-PSS (salt as long as the hash) instead of PKCS#1 v1.5
` + PROVIDER_HELP;

const signTool: Tool = {
  name: 'sign',
  summary: 'sign a file: ECDSA (DER), Ed25519, RSA PKCS#1 v1.5 or PSS',
  help: 'usage: microtls sign -key KEY -in FILE -out SIG [-a HASH] [-pss]\n' + SIGN_HELP,
  run(args) {
    const p = parseOptions('sign', args, { key: true, in: true, out: true, a: true, pss: false, provider: true });
    const key = importPrivateKey(readInput(required(p, 'key')));
    writeOutput(str(p, 'out'), sign(key, readInput(str(p, 'in')), random, signOptions(p), provider(p)));
    return 0;
  },
};

const verifyTool: Tool = {
  name: 'verify',
  summary: 'verify a signature of a file',
  help: 'usage: microtls verify -pubin KEY -sig SIG -in FILE [-a HASH] [-pss]\n  KEY: a public key or a private key\n' + SIGN_HELP,
  run(args) {
    const p = parseOptions('verify', args, { pubin: true, sig: true, in: true, a: true, pss: false, provider: true });
    const key = importPublicKey(readInput(required(p, 'pubin')));
    const ok = verify(key, readInput(str(p, 'in')), readInput(required(p, 'sig')), signOptions(p), provider(p));
    process.stdout.write(ok ? 'Signature Verified Successfully\n' : 'Signature Verification Failure\n');
    return ok ? 0 : 1;
  },
};

export const cryptoTools: Tool[] = [hash, hmac, enc, genkey, pkey, rsaEncryptTool, rsaDecryptTool, signTool, verifyTool];
