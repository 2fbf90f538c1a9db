// What the Moddable check apps (moddable-app, moddable-native-app) send to
// `openssl s_server -rev` and how they check its answer: the message is lines
// of LINE bytes, and -rev sends each line back reversed, its "\n" still last.

export const LINE = 1024; // bytes per line, "\n" included

/** Bytes from a hex string. */
export function hex(s) {
	const out = new Uint8Array(s.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
	return out;
}

/** `bytes` bytes: lines of LINE - 1 letters, then "\n". */
export function message(bytes) {
	const out = new Uint8Array(bytes);
	for (let i = 0; i < bytes; i++) out[i] = i % LINE === LINE - 1 ? 10 : 97 + ((i + (i / LINE | 0)) % 26);
	return out;
}

/** Whether `data`, received at offset `got` of the answer, is what -rev sends back for `sent`. */
export function echoed(sent, data, got) {
	let ok = true;
	for (let i = 0; i < data.length; i++, got++) {
		const k = got % LINE;
		if (data[i] !== (k === LINE - 1 ? 10 : sent[got - k + LINE - 2 - k])) ok = false;
	}
	return ok;
}
