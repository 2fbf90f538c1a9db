// AES-GCM on core's table AES: the GCM mode of gcm.ts over aes.ts.
import { Aes } from './aes.js';
import { GcmState, TAG, checkKey } from './gcm.js';
import type { Aead } from './types.js';

function gcm(keyLen: number): Aead {
  return {
    keyLen,
    tagLen: TAG,
    create: (key) => {
      checkKey(key, keyLen);
      return new GcmState(keyLen, new Aes(key));
    },
  };
}

export const aes128gcm = gcm(16);
export const aes256gcm = gcm(32);
