/*
 * Secure random bytes for microtls on Moddable (module "microtls/random").
 *
 * ESP32: esp_fill_random(), the hardware RNG. Its output is truly random
 * while Wi-Fi or Bluetooth is on (always the case for a TLS client on the
 * network); before the radio starts it is only pseudo-random (ESP-IDF
 * "Random Number Generation"), so make connections after Wi-Fi is up.
 * Linux and macOS simulator builds (lin, mac): getrandom() / arc4random_buf().
 * Other platforms fail to compile rather than fall back to something weak.
 */
#include "xsmc.h"

#if ESP32
	#include "esp_random.h"
#elif defined(__APPLE__)
	#include <stdlib.h>
#elif defined(__linux__)
	#include <errno.h>
	#include <sys/random.h>
#else
	#error "microtls/random: no secure random source for this platform"
#endif

void xs_microtls_random(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferWritable(xsArg(0), &data, &length);
#if ESP32
	esp_fill_random(data, length);
#elif defined(__APPLE__)
	arc4random_buf(data, length);
#else
	{
		uint8_t *p = data;
		while (length > 0) {
			ssize_t n = getrandom(p, length, 0);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				xsUnknownError("getrandom failed");
			}
			p += n;
			length -= n;
		}
	}
#endif
}
