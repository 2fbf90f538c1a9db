/*
 * C for module "microtls/native": a state copy for the SDK's crypt Digest,
 * and the AEAD record path on kcl (below).
 *
 * The SDK's Digest has no clone: HMAC and the TLS transcript hash keep
 * running states and take copies of them.
 *
 * A Digest's host chunk is modCrypt.c's xsCryptDigestRecord (a reference
 * slot, the index of the digest in its table, then the hash context); the
 * layout and the table order are those of the Moddable SDK 8.2.3 sources.
 * Only SHA-256 and SHA-384 are copied; anything else is refused.
 */
#include "xsmc.h"
#include "fips180.h"

typedef struct {
	xsSlot *reference;
	uint32_t digest;
	unsigned char ctx[];
} DigestRecord;

enum { kSHA256 = 2, kSHA384 = 5 };	/* positions in modCrypt.c's gDigests */

extern void xs_crypt_Digest_destructor(void *data);

void xs_microtls_digest_copy(xsMachine *the)
{
	DigestRecord *from = xsmcGetHostChunkValidate(xsArg(0), xs_crypt_Digest_destructor);
	DigestRecord *to = xsmcGetHostChunkValidate(xsArg(1), xs_crypt_Digest_destructor);
	size_t size;

	if (from->digest != to->digest)
		xsUnknownError("digest types differ");
	if (from->digest == kSHA256)
		size = sizeof(struct sha256);
	else if (from->digest == kSHA384)
		size = sizeof(struct sha512);
	else
		xsUnknownError("unsupported digest");
	c_memcpy(to->ctx, from->ctx, size);
}

/*
 * The AEAD record path (ports/moddable/native/aead.ts) on kcl's AES and GHASH,
 * the C the SDK's BlockCipher, Mode and GHASH run on: these take the record's
 * buffer with an offset and a length (the SDK's objects take whole buffers, so
 * each record would cost a view), and keep their state in ArrayBuffers the
 * caller makes once per key, so a record allocates nothing.
 */
#include "fips197.h"
#include "ghash.h"

typedef struct {
	uint32_t Nr;
	uint32_t subkey[(14 + 1) * 4];
} AesSchedule;

static void *state(xsMachine *the, xsSlot *slot, size_t size)
{
	if ((size_t)xsmcGetArrayBufferLength(*slot) < size)
		xsRangeError("state buffer too small");
	return xsmcToArrayBuffer(*slot);
}

/* The bytes [offset, offset + length) of a buffer view, checked. */
static uint8_t *range(xsMachine *the, xsSlot *slot, xsIntegerValue offset, xsIntegerValue length)
{
	void *data;
	xsUnsignedValue size;
	xsmcGetBufferWritable(*slot, &data, &size);
	if (offset < 0 || length < 0 || (xsUnsignedValue)offset > size || (xsUnsignedValue)length > size - offset)
		xsRangeError("range out of buffer");
	return (uint8_t *)data + offset;
}

/* aesKey(key view, schedule): the encryption key schedule of an AES-128/256 key. */
void xs_microtls_aes_key(xsMachine *the)
{
	void *key;
	xsUnsignedValue size;
	xsmcGetBufferReadable(xsArg(0), &key, &size);
	if (size != 16 && size != 32)
		xsRangeError("AES key length");
	AesSchedule *s = state(the, &xsArg(1), sizeof(AesSchedule));
	s->Nr = size / 4 + 6;
	aes_keysched(key, size / 4, 4, s->Nr, aes_cipher_encryption, s->subkey);
}

/* aesBlock(schedule, block): block = E(K, block), in place (16 bytes of an ArrayBuffer). */
void xs_microtls_aes_block(xsMachine *the)
{
	AesSchedule *s = state(the, &xsArg(0), sizeof(AesSchedule));
	uint8_t *block = state(the, &xsArg(1), 16);
	aes_encrypt4(block, block, s->Nr, s->subkey);
}

/*
 * aesCtr(schedule, counter, view, offset, length): the bytes ^= the keystream
 * from counter block `counter` on, each next block's counter the last 32 bits
 * plus one (GCM's inc32; CCM's 3-byte counter never carries that far for a
 * record). The counter block is left as the next unused one.
 */
void xs_microtls_aes_ctr(xsMachine *the)
{
	AesSchedule *s = state(the, &xsArg(0), sizeof(AesSchedule));
	uint8_t *counter = state(the, &xsArg(1), 16);
	xsIntegerValue length = xsmcToInteger(xsArg(4));
	uint8_t *p = range(the, &xsArg(2), xsmcToInteger(xsArg(3)), length);
	uint8_t stream[16];
	while (length > 0) {
		int n = length < 16 ? length : 16, i;
		aes_encrypt4(counter, stream, s->Nr, s->subkey);
		for (i = 0; i < n; i++)
			p[i] ^= stream[i];
		for (i = 15; i >= 12 && ++counter[i] == 0; i--)
			;
		p += n;
		length -= n;
	}
	c_memset(stream, 0, sizeof(stream));
}

/* cbcMac(schedule, mac, view, offset, length): CBC-MAC state `mac` (16 bytes) over the bytes, the last block zero-padded. */
void xs_microtls_cbc_mac(xsMachine *the)
{
	AesSchedule *s = state(the, &xsArg(0), sizeof(AesSchedule));
	uint8_t *mac = state(the, &xsArg(1), 16);
	xsIntegerValue length = xsmcToInteger(xsArg(4));
	uint8_t *p = range(the, &xsArg(2), xsmcToInteger(xsArg(3)), length);
	while (length > 0) {
		int n = length < 16 ? length : 16, i;
		for (i = 0; i < n; i++)
			mac[i] ^= p[i];
		aes_encrypt4(mac, mac, s->Nr, s->subkey);
		p += n;
		length -= n;
	}
}

/* ghashSize(): the bytes a GHASH state takes. */
void xs_microtls_ghash_size(xsMachine *the)
{
	xsmcSetInteger(xsResult, sizeof(ghash_t));
}

/* ghashStart(state, h, aad view): a GHASH under key h (16 bytes of an ArrayBuffer) with the AAD absorbed (as the SDK's GHASH _init). */
void xs_microtls_ghash_start(xsMachine *the)
{
	ghash_t *g = state(the, &xsArg(0), sizeof(ghash_t));
	void *aad;
	xsUnsignedValue size;
	c_memcpy(&g->h, state(the, &xsArg(1), 16), 16);
	_ghash_fix128(&g->h);
	xsmcGetBufferReadable(xsArg(2), &aad, &size);
	c_memset(&g->y, 0, sizeof(g->y));
	_ghash_update(g, aad, size);
	c_memcpy(&g->y0, &g->y, sizeof(g->y));
	g->aad_len = size;
	_ghash_create(g);
}

/* ghashUpdate(state, view, offset, length). */
void xs_microtls_ghash_update(xsMachine *the)
{
	ghash_t *g = state(the, &xsArg(0), sizeof(ghash_t));
	xsIntegerValue length = xsmcToInteger(xsArg(3));
	_ghash_update(g, range(the, &xsArg(1), xsmcToInteger(xsArg(2)), length), length);
}

/* ghashFinish(state, out): the GHASH value into out (16 bytes of an ArrayBuffer). */
void xs_microtls_ghash_finish(xsMachine *the)
{
	ghash_t *g = state(the, &xsArg(0), sizeof(ghash_t));
	_ghash_fin(g, state(the, &xsArg(1), 16));
}
