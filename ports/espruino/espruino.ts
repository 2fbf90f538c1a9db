// The Espruino built-ins this port uses (Espruino 2v29, see RUNTIMES.md),
// typed for the compiler. Nothing here runs: the modules are handed in by
// the application (require("crypto"), require("net")) and `E` is a global.

/** Byte data Espruino's native functions accept: strings of bytes, arrays, ArrayBuffers, typed-array views. */
export type EspruinoData = string | ArrayBuffer | Uint8Array | number[];

export interface AesOptions {
  /** 16 bytes; CTR mode ignores it (Espruino 2v29). */
  iv?: EspruinoData;
  mode?: 'CBC' | 'CFB' | 'CTR' | 'OFB' | 'ECB';
}

/**
 * require("crypto"): one-shot SHA-2 returning an ArrayBuffer, and AES
 * without padding (a length that is not a multiple of 16 prints an error and
 * returns undefined).
 */
export interface EspruinoCrypto {
  SHA256(data: EspruinoData): ArrayBuffer;
  SHA384(data: EspruinoData): ArrayBuffer;
  AES: {
    encrypt(data: EspruinoData, key: EspruinoData, options?: AesOptions): ArrayBuffer | undefined;
  };
}

/** A socket from require("net"): binary strings in 'data', write() sends strings only (and returns false). */
export interface EspruinoSocket {
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'drain' | 'end', listener: () => void): void;
  on(event: 'close', listener: (hadError: boolean) => void): void;
  on(event: 'error', listener: (details: { code: number; message: string }) => void): void;
  write(data: string): boolean;
  end(data?: string): void;
}

export interface EspruinoNet {
  connect(options: { host: string; port: number }, callback?: (socket: EspruinoSocket) => void): EspruinoSocket;
}

/** The global `E`. */
export interface EspruinoE {
  /** A new Uint8Array with the bytes of a binary string (or other data). */
  toUint8Array(data: EspruinoData): Uint8Array;
  /** A binary string of the bytes. */
  toString(data: EspruinoData): string;
  /** 32 bits from the hardware random number generator. */
  hwRand(): number;
}
