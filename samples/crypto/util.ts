// Helpers of the chapter 7 samples: hex output and text input.
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
