// Module "microtls/native" (manifest_native.json): the crypto provider on the
// Moddable SDK's native crypto, over the profile's own provider for what the
// SDK lacks (ports/moddable/native/index.ts says which). Use it as
//   import nativeCrypto from "microtls/native";
//   new Context({ crypto: nativeCrypto, ... });
import { Digest } from "crypt";
import EC from "ec";
import Modular from "modular";
import { defaultCrypto } from "microtls";
import { nativeCrypto } from "microtls/native-provider";

/** Copies one Digest's running state into another of the same type (native-crypto.c). */
function copyDigest(from, to) @ "xs_microtls_digest_copy";

// The AEAD record path on kcl's AES and GHASH, on ranges of a buffer (native-crypto.c).
function aesKey(key, schedule) @ "xs_microtls_aes_key";
function aesBlock(schedule, block) @ "xs_microtls_aes_block";
function aesCtr(schedule, counter, data, offset, length) @ "xs_microtls_aes_ctr";
function cbcMac(schedule, mac, data, offset, length) @ "xs_microtls_cbc_mac";
function ghashSize() @ "xs_microtls_ghash_size";
function ghashStart(state, h, aad) @ "xs_microtls_ghash_start";
function ghashUpdate(state, data, offset, length) @ "xs_microtls_ghash_update";
function ghashFinish(state, out) @ "xs_microtls_ghash_finish";

export default nativeCrypto({
	Digest, EC, Modular, copyDigest,
	records: Object.freeze({ aesKey, aesBlock, aesCtr, cbcMac, ghashSize, ghashStart, ghashUpdate, ghashFinish }),
	toBigInt: (buffer) => BigInt.fromArrayBuffer(buffer),
	fromBigInt: (value, length) => ArrayBuffer.fromBigInt(value, length),
}, defaultCrypto);
