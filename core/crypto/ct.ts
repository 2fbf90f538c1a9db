// Constant-time comparison for MACs, tags and Finished verify_data.

/**
 * Compares a[aOff, aOff+len) with b[bOff, bOff+len) in time that depends only
 * on len, not on where the bytes differ. Without len, compares the rest of a
 * with the rest of b; lengths that do not match (or ranges out of bounds)
 * return false at once, since lengths are public.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array, aOff = 0, bOff = 0, len?: number): boolean {
  const n = len === undefined ? a.length - aOff : len;
  if (len === undefined && b.length - bOff !== n) return false;
  if (n < 0 || aOff < 0 || bOff < 0 || aOff + n > a.length || bOff + n > b.length) return false;
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[aOff + i] ^ b[bOff + i];
  return diff === 0;
}
