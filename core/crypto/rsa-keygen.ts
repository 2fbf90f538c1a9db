// RSA key generation on BigInt (FIPS 186-5 A.1.3 / B.3.3, probable primes):
// random odd candidates with the top two bits set, trial division by the
// small primes, then Miller-Rabin with random bases. Every random bit comes
// from the caller's `random`. Meant for the host (seconds on XS, far longer
// on a microcontroller): a device should bring an EC or Ed25519 key instead.
import { Alert, ErrorCode, fail } from '../errors.js';
import type { PrivateKey } from './types.js';
import { bitLength, bytesToBigInt, modInverse, modPow } from './rsa.js';

type Random = (dst: Uint8Array) => void;

const E = 65537n;
/**
 * Draws allowed per prime: about ln(2^1536)/2 ~ 530 odd candidates are
 * expected for the largest size; a source that fails 30 times that is broken
 * (constant output would otherwise loop for ever).
 */
const MAX_CANDIDATES = 16384;

function brokenRandom(): never {
  return fail(ErrorCode.CRYPTO_ERROR, Alert.internal_error, 'RSA key generation: the random source gives no usable values');
}

/** The odd primes below 2000, for trial division. */
const SMALL_PRIMES: number[] = [];
for (let n = 3; n < 2000; n += 2) {
  let prime = true;
  for (let i = 0; prime && i < SMALL_PRIMES.length && SMALL_PRIMES[i] * SMALL_PRIMES[i] <= n; i++) prime = n % SMALL_PRIMES[i] !== 0;
  if (prime) SMALL_PRIMES.push(n);
}

/** A uniformly random integer of `bits` bits from `random`, with `top` extra forced high bits. */
function randomBits(bits: number, random: Random): bigint {
  const bytes = new Uint8Array((bits + 7) >> 3);
  random(bytes);
  bytes[0] &= 0xff >> (8 * bytes.length - bits);
  const x = bytesToBigInt(bytes);
  bytes.fill(0);
  return x;
}

/** Miller-Rabin with `rounds` random bases in [2, n-2]. */
function probablyPrime(n: bigint, rounds: number, random: Random): boolean {
  const n1 = n - 1n;
  let d = n1;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const bits = bitLength(n);
  for (let r = 0; r < rounds; r++) {
    let a = randomBits(bits, random);
    for (let tries = 0; a < 2n || a > n - 2n; tries++) {
      if (tries === 64) brokenRandom(); // each draw fits with probability > 1/2
      a = randomBits(bits, random);
    }
    let x = modPow(a, d, n);
    if (x === 1n || x === n1) continue;
    let composite = true;
    for (let i = 1; i < s && composite; i++) {
      x = (x * x) % n;
      if (x === n1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

/** A probable prime of exactly `bits` bits, >= sqrt(2) * 2^(bits-1) (top two bits set), with gcd(p-1, e) = 1. */
function generatePrime(bits: number, rounds: number, random: Random): bigint {
  const top = 3n << BigInt(bits - 2);
  for (let tries = 0; tries < MAX_CANDIDATES; tries++) {
    const p = randomBits(bits, random) | top | 1n;
    let divisible = false;
    for (let i = 0; i < SMALL_PRIMES.length && !divisible; i++) divisible = p % BigInt(SMALL_PRIMES[i]) === 0n;
    if (divisible || (p - 1n) % E === 0n) continue;
    if (probablyPrime(p, rounds, random)) return p;
  }
  return brokenRandom();
}

/** An RSA private key of `bits` bits (2048, 3072 or 4096) with e = 65537. */
export function generateRsaKey(bits: number, random: Random): Extract<PrivateKey, { kind: 'rsa' }> {
  if (bits !== 2048 && bits !== 3072 && bits !== 4096) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'RSA key size must be 2048, 3072 or 4096, not ' + bits);
  const half = bits / 2;
  // FIPS 186-5 Table B.1: rounds for an error probability below 2^-100 (p, q of 1024/1536/2048 bits).
  const rounds = half <= 1024 ? 5 : 4;
  const minDistance = 1n << BigInt(half - 100);
  for (let tries = 0; ; tries++) {
    if (tries === 16) brokenRandom(); // p and q too close, or no d > 2^(nlen/2): each has negligible odds
    const p = generatePrime(half, rounds, random);
    const q = generatePrime(half, rounds, random);
    if ((p > q ? p - q : q - p) <= minDistance) continue;
    const n = p * q;
    const p1 = p - 1n;
    const q1 = q - 1n;
    let a = p1;
    let b = q1;
    while (b !== 0n) [a, b] = [b, a % b];
    const d = modInverse(E, (p1 / a) * q1); // e^-1 mod lcm(p-1, q-1)
    if (d === 0n || bitLength(d) <= half) continue; // FIPS 186-5 A.1.1: d > 2^(nlen/2)
    const [P, Q] = p > q ? [p, q] : [q, p]; // p > q, as OpenSSL writes them
    return {
      kind: 'rsa', n, e: E, d, p: P, q: Q, dp: d % (P - 1n), dq: d % (Q - 1n), qi: modInverse(Q, P),
      bits, pssOnly: false,
    };
  }
}
