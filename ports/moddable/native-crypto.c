/*
 * State copy for the SDK's crypt Digest (module "microtls/native"), which has
 * no clone: HMAC and the TLS transcript hash keep running states and take
 * copies of them.
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
