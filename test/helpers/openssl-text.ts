// Reads the numbers of an RSA key from `openssl pkey -noout -text` output:
// an oracle independent of the project's own DER parsing.

/** Hex of each field (modulus, publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient). */
export function opensslRsaFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let current = '';
  for (const line of text.split('\n')) {
    const head = /^(\w+):\s*(.*)$/.exec(line);
    if (head) {
      current = head[1];
      const inline = /\(0x([0-9a-f]+)\)/.exec(head[2]);
      fields[current] = inline ? inline[1] : '';
    } else if (/^\s+[0-9a-f:]+$/.test(line) && current) {
      fields[current] += line.replace(/[\s:]/g, '');
    }
  }
  return fields;
}
