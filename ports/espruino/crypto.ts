// The Espruino crypto provider: no BigInt anywhere. SHA-256/384 and AES
// come from the firmware's require("crypto"), HMAC and HKDF from core on top
// of those hashes, X25519 from core's typed-array ladder (core/crypto/x25519.ts,
// one instance per provider). No signatures: the Espruino profile
// authenticates with pre-shared keys only.
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import type { CryptoProvider } from '../../core/crypto/types.js';
import { espruinoAeads } from './aead.js';
import type { EspruinoCrypto } from './espruino.js';
import { espruinoHashes } from './hash.js';
import { X25519, x25519KeyExchange } from '../../core/crypto/x25519.js';

/** A provider on the given crypto module (`espruinoProvider(require("crypto"))`). */
export function espruinoProvider(crypto: EspruinoCrypto): CryptoProvider {
  const hashes = espruinoHashes(crypto);
  const aeads = espruinoAeads(crypto);
  const ladder = new X25519();
  const x25519 = x25519KeyExchange(function () {
    return ladder;
  });
  return {
    hash: function (name) {
      return name === 'sha256' ? hashes.sha256 : name === 'sha384' ? hashes.sha384 : undefined;
    },
    aead: function (suite) {
      switch (suite) {
        case CipherSuite.TLS_AES_128_CCM_SHA256: return aeads.ccm;
        case CipherSuite.TLS_AES_128_CCM_8_SHA256: return aeads.ccm8;
        case CipherSuite.TLS_AES_128_GCM_SHA256: return aeads.gcm;
      }
      return undefined;
    },
    group: function (group) {
      return group === NamedGroup.x25519 ? x25519 : undefined;
    },
    sign: function () {
      return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no signatures in the Espruino provider (PSK only)');
    },
    verify: function () {
      return false;
    },
  };
}
