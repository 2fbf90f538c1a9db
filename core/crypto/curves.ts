// The signature curves (ECDSA P-256/384/521, Ed25519, Ed448), all without
// precomputed base-point tables (curve-tables.ts). Signatures and key parsing
// import them from here, so no use of theirs builds a table on demand.
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { withoutTables } from './curve-tables.js';

withoutTables(p256.Point.BASE);
withoutTables(p384.Point.BASE);
withoutTables(p521.Point.BASE);
withoutTables(ed25519.Point.BASE);
withoutTables(ed448.Point.BASE);

export { ed25519, ed448, p256, p384, p521 };
