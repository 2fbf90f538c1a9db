// Module "microtls/native" (manifest_native.json): the crypto provider on the
// Moddable SDK's native crypto, over the profile's own provider for what the
// SDK lacks (ports/moddable/native/index.ts says which). Use it as
//   import nativeCrypto from "microtls/native";
//   new Context({ crypto: nativeCrypto, ... });
import { Digest, BlockCipher, Mode, GHASH } from "crypt";
import EC from "ec";
import Modular from "modular";
import { defaultCrypto } from "microtls";
import { nativeCrypto } from "microtls/native-provider";

/** Copies one Digest's running state into another of the same type (native-crypto.c). */
function copyDigest(from, to) @ "xs_microtls_digest_copy";

export default nativeCrypto({
	Digest, BlockCipher, Mode, GHASH, EC, Modular, copyDigest,
	toBigInt: (buffer) => BigInt.fromArrayBuffer(buffer),
	fromBigInt: (value, length) => ArrayBuffer.fromBigInt(value, length),
}, defaultCrypto);
