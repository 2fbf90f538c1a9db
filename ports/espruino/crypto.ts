// The Espruino crypto provider: no BigInt anywhere. SHA-256/384 and AES
// come from the firmware's require("crypto"), HMAC and HKDF from core on top
// of those hashes, X25519 from core's typed-array ladder (core/crypto/x25519.ts,
// one instance per provider, kept). No signatures: the Espruino profile
// authenticates with pre-shared keys only.
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import type { Aead, CryptoProvider, Hash, HashName, KeyExchange } from '../../core/crypto/types.js';
import { NativeAead } from './aead.js';
import type { EspruinoCrypto } from './espruino.js';
import { NativeHash } from './hash.js';
import { X25519, x25519KeyExchange } from '../../core/crypto/x25519.js';

/**
 * The provider. On Espruino every closure costs blocks, so it is a class
 * (its methods are shared by every context) whose hashes and AEADs are made
 * when first asked for and kept: a context asks for its suites' AEADs when
 * it is made (espruinoOptions for the PSK's hash), so its connections make
 * none of them.
 */
class EspruinoProvider implements CryptoProvider {
  private sha256?: Hash;
  private sha384?: Hash;
  private ccm?: Aead;
  private ccm8?: Aead;
  private gcm?: Aead;
  private x25519?: KeyExchange;
  private ladder: X25519 | null = null;

  constructor(private readonly crypto: EspruinoCrypto, private readonly ladderNow: boolean) {}

  hash(name: HashName): Hash | undefined {
    if (name === 'sha256') return this.sha256 || (this.sha256 = new NativeHash(this.crypto, name));
    if (name === 'sha384') return this.sha384 || (this.sha384 = new NativeHash(this.crypto, name));
    return undefined;
  }

  aead(suite: number): Aead | undefined {
    switch (suite) {
      case CipherSuite.TLS_AES_128_CCM_SHA256: return this.ccm || (this.ccm = new NativeAead(this.crypto, 16, false));
      case CipherSuite.TLS_AES_128_CCM_8_SHA256: return this.ccm8 || (this.ccm8 = new NativeAead(this.crypto, 8, false));
      case CipherSuite.TLS_AES_128_GCM_SHA256: return this.gcm || (this.gcm = new NativeAead(this.crypto, 16, true));
    }
    return undefined;
  }

  group(group: number): KeyExchange | undefined {
    if (group !== NamedGroup.x25519) return undefined;
    if (!this.x25519) {
      // The ladder's working memory (about 180 blocks on Espruino), reused by every key exchange of this provider.
      if (this.ladderNow) this.ladder = new X25519();
      const self = this;
      this.x25519 = x25519KeyExchange(function () {
        return self.ladder || (self.ladder = new X25519());
      });
    }
    return this.x25519;
  }

  sign(): never {
    return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no signatures in the Espruino provider (PSK only)');
  }

  verify(): boolean {
    return false;
  }
}

/**
 * A provider on the given crypto module (`espruinoProvider(require("crypto"))`).
 * X25519's working memory is made when the group is first asked for (a
 * context asks when it is made), or with `ladderLater` when a key exchange
 * first needs it: a psk_ke context offers the group but never uses it.
 */
export function espruinoProvider(crypto: EspruinoCrypto, ladderLater = false): CryptoProvider {
  return new EspruinoProvider(crypto, !ladderLater);
}
