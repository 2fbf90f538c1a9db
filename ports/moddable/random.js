// Secure random bytes for the engine's `random` option: fills a typed array
// (or ArrayBuffer) from the platform's generator, in random.c. Never
// Math.random (predictable on XS), never Moddable's "rng" module (RC4
// seeded once with 16 bytes).
function random(buffer) @ "xs_microtls_random";

export default random;
