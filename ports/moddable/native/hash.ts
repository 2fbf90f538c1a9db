// SHA-256 and SHA-384 on crypt's native Digest. States are copied in C
// (cloneInto), so core's HMAC, HKDF and transcript reuse their states as
// with core's own SHA-2; a digest comes back from close() as a new
// 32/48-byte ArrayBuffer (the SDK has no output argument), which only the
// handshake and KeyUpdate pay.
import type { Hash, HashName, HashState } from '../../../core/crypto/types.js';
import type { Digest, NativeSdk } from './sdk.js';

class NativeHashState implements HashState {
  constructor(
    private readonly sdk: NativeSdk,
    private readonly type: 'SHA256' | 'SHA384',
    readonly digest: Digest,
  ) {}

  update(data: Uint8Array): this {
    this.digest.write(data);
    return this;
  }

  digestInto(out: Uint8Array): void {
    out.set(new Uint8Array(this.digest.close()));
  }

  clone(): NativeHashState {
    const copy = new NativeHashState(this.sdk, this.type, new this.sdk.Digest(this.type));
    this.cloneInto(copy);
    return copy;
  }

  cloneInto(to: HashState): void {
    this.sdk.copyDigest(this.digest, (to as NativeHashState).digest);
  }
}

function nativeHash(sdk: NativeSdk, name: HashName, type: 'SHA256' | 'SHA384', outputLen: number, blockLen: number): Hash {
  return { name, outputLen, blockLen, create: () => new NativeHashState(sdk, type, new sdk.Digest(type)) };
}

export function nativeHashes(sdk: NativeSdk): { sha256: Hash; sha384: Hash } {
  return { sha256: nativeHash(sdk, 'sha256', 'SHA256', 32, 64), sha384: nativeHash(sdk, 'sha384', 'SHA384', 48, 128) };
}
