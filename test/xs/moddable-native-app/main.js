// The native-provider check app (test/xs/moddable-native.test.ts and
// bench/moddable-native.ts build it with the real Moddable tools, preloaded):
// 1. every vector in module "vectors" through the native provider
//    ("microtls/native") and the profile's pure-JS one, printing
//    "@ v NAME PROVIDER RESULT" for the test to compare with the published value;
//    then "@ alloc AEAD chunks=N slots=N opened=20": what sealing and opening
//    20 records with a native AEAD allocated (recordAllocations);
// 2. for each provider in config.providers, TLS connections to openssl
//    s_server -rev on 127.0.0.1 (certificates, with each key exchange group
//    in config.groups, then PSK when config.pskPort is set), each sending
//    config.bytes bytes as lines,
//    checking that every line comes back reversed, and closing: config.runs
//    timed connections ("@ tls KIND PROVIDER cpu=N wall=N gc=N": the
//    handshake's CPU time in microseconds, its wall time in ms, which
//    includes the host socket's polling, and the garbage collections it
//    caused), then one measured one ("@ mem KIND PROVIDER ...": the live heap
//    after a collection at every socket event of the handshake, its peak, and
//    what the open connection keeps once data went both ways, in chunk bytes
//    and slots above what was in use before the connection; the deepest
//    stack, in slots: module "probe").
// Ends with "DONE" or "FAIL ...".
import TCP from "embedded:io/socket/tcp";
import Timer from "timer";
import config from "mc/config";
import { CipherSuite, Context, TlsClient, defaultCrypto } from "microtls";
import nativeCrypto from "microtls/native";
import { hkdfExtract, hkdfExpand, macFor } from "microtls/native-provider";
import random from "microtls/random";
import probe from "probe";
import ca from "ca";
import vectors from "vectors";
import { echoed, hex, message } from "moddable-echo";

/** Certificate connections are named after their key exchange group. */
const GROUPS = { secp256r1: 23, x25519: 29 };
const providers = { native: nativeCrypto, js: defaultCrypto };

function toHex(b) {
	let s = "";
	for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
	return s;
}

/** A hash through update, clone and cloneInto: every path must give the same digest. */
function hashVector(c, v) {
	const hash = c.hash(v.alg), msg = hex(v.msg), split = v.msg.length / 4;
	const h = hash.create().update(msg.subarray(0, split));
	const copy = h.clone();
	const into = hash.create();
	h.cloneInto?.(into);
	const out = [copy, h.cloneInto ? into : h.clone(), h].map((s) => {
		const d = new Uint8Array(hash.outputLen);
		s.update(msg.subarray(split)).digestInto(d);
		return toHex(d);
	});
	return out[0] === out[1] && out[1] === out[2] ? out[0] : "paths differ " + out.join(",");
}

/**
 * Seal, then open the result, then open it with the tag's last bit flipped;
 * and seal again with a state made under another key and rekeyed (KeyUpdate).
 */
function aeadVector(c, v) {
	const aead = c.aead(v.suite), pt = hex(v.pt), n = pt.length;
	const buf = new Uint8Array(n + aead.tagLen);
	buf.set(pt);
	const state = aead.create(hex(v.key));
	state.seal(hex(v.nonce), hex(v.aad), buf, 0, n);
	const sealed = toHex(buf);
	const rekeyed = aead.create(new Uint8Array(aead.keyLen).fill(0x55));
	rekeyed.rekey(hex(v.key));
	buf.set(pt);
	rekeyed.seal(hex(v.nonce), hex(v.aad), buf, 0, n);
	const rekeyOk = toHex(buf) === sealed;
	const ok = state.open(hex(v.nonce), hex(v.aad), buf, 0, n) && toHex(buf.subarray(0, n)) === v.pt;
	buf.set(hex(sealed));
	buf[buf.length - 1] ^= 1;
	const rejected = !state.open(hex(v.nonce), hex(v.aad), buf, 0, n) && toHex(buf.subarray(0, n)) === sealed.substr(0, 2 * n);
	return sealed + (ok ? "" : " open-failed") + (rejected ? "" : " tamper-accepted") + (rekeyOk ? "" : " rekey-differs");
}

const kinds = {
	hash: hashVector,
	hmac(c, v) {
		const hash = c.hash(v.alg), out = new Uint8Array(hash.outputLen);
		const mac = macFor(hash, hex(v.key));
		mac.update(hex(v.msg)).digestInto(out);
		return toHex(out);
	},
	hkdf(c, v) {
		const hash = c.hash(v.alg);
		return toHex(hkdfExpand(hash, hkdfExtract(hash, hex(v.salt), hex(v.ikm)), hex(v.info), v.len));
	},
	aead: aeadVector,
	ecdh(c, v) {
		const secret = c.group(v.group).shared(hex(v.priv), hex(v.peer));
		return secret ? toHex(secret) : "null";
	},
	ecdhGenerate(c, v) {
		// The key pair from a fixed "random" seed, and its agreement with the vector's peer.
		const seed = hex(v.seed);
		const g = c.group(v.group);
		const { priv, pub } = g.generate((dst) => dst.set(seed.subarray(0, dst.length)));
		return toHex(pub) + " " + toHex(g.shared(priv, hex(v.peer)));
	},
	ecdsa(c, v) {
		const key = { kind: "ec", curve: v.curve, point: hex(v.point) };
		return String(c.verify({ type: "ecdsa", hash: v.hash }, key, hex(v.msg), hex(v.sig)));
	},
};

function checkVectors() {
	for (const v of vectors) {
		for (const name in providers) {
			let r;
			try {
				r = kinds[v.kind](providers[name], v);
			} catch (e) {
				r = "threw " + e;
			}
			trace(`@ v ${v.name} ${name} ${r}\n`);
		}
	}
	// Which provider answers for what: the native one's own objects, or the fallback's.
	const own = (f) => f(nativeCrypto) !== f(defaultCrypto) ? "native" : "js";
	trace(`@ covers sha256=${own((c) => c.hash("sha256"))} aes128gcm=${own((c) => c.aead(CipherSuite.TLS_AES_128_GCM_SHA256))} ` +
		`aes128ccm=${own((c) => c.aead(CipherSuite.TLS_AES_128_CCM_SHA256))} secp256r1=${own((c) => c.group(23))} x25519=${own((c) => c.group(29))} ` +
		`chacha20=${own((c) => c.aead(CipherSuite.TLS_CHACHA20_POLY1305_SHA256))}\n`);
}

/**
 * Per native AEAD: the heap used by sealing and opening 20 TLS records in
 * place (5-byte header as AAD, 1,000-1,019 byte payloads), after one of each
 * and a collection, with no collection between the two readings: 0 and 0
 * when the record path allocates nothing.
 */
function recordAllocations() {
	for (const [name, suite] of [["aes128gcm", 0x1301], ["aes256gcm", 0x1302], ["aes128ccm", 0x1304], ["aes128ccm8", 0x1305]]) {
		const aead = nativeCrypto.aead(suite);
		const state = aead.create(new Uint8Array(aead.keyLen).fill(7));
		const buf = new Uint8Array(5 + 1019 + 16);
		const aad = buf.subarray(0, 5);
		const nonce = new Uint8Array(12);
		let opened = 0;
		state.seal(nonce, aad, buf, 5, 1000);
		state.open(nonce, aad, buf, 5, 1000);
		probe.sample();
		const chunks = probe.chunks();
		const slots = probe.slots();
		for (let i = 0; i < 20; i++) {
			nonce[11] = i;
			state.seal(nonce, aad, buf, 5, 1000 + i);
			if (state.open(nonce, aad, buf, 5, 1000 + i)) opened++;
		}
		const c = probe.chunks() - chunks;
		const s = probe.slots() - slots;
		trace(`@ alloc ${name} chunks=${c} slots=${s} opened=${opened}\n`);
	}
}

function makeContext(kind, crypto) {
	if (kind === "psk") {
		const psk = { identity: new Uint8Array(ArrayBuffer.fromString(config.identity)), key: hex(config.psk) };
		return new Context({
			side: "client", random, crypto, verify: "none", maxFragmentLength: 1024, curveTables: false,
			// The full profile checks certificates, so it wants a group; psk_ke alone generates no key share.
			pskClient: () => psk, pskModes: ["psk_ke"], groups: [29],
			cipherSuites: [CipherSuite.TLS_AES_128_CCM_SHA256],
		});
	}
	const context = new Context({
		side: "client", random, crypto, noClock: true, serverName: config.server, maxFragmentLength: 1024, curveTables: false,
		groups: [GROUPS[kind]], cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256],
	});
	context.loadVerifyBuffer(ca);
	return context;
}

/**
 * The socket class for a measured connection: after every socket event
 * (each step of the handshake runs in one) the live heap is sampled after a
 * collection and the largest figures kept in `peak`.
 */
function sampling(peak) {
	const sample = () => raise(peak, probe.sample());
	return function (o) {
		return new TCP(Object.assign({}, o, {
			onReadable(n) { o.onReadable(n); sample(); },
			onWritable(n) { o.onWritable(n); sample(); },
			onError() { o.onError(); sample(); },
		}));
	};
}

function raise(peak, m) {
	if (m[0] > peak[0]) peak[0] = m[0];
	if (m[1] > peak[1]) peak[1] = m[1];
}

/**
 * One connection: handshake, echo check, close; then next(). Timed, or with
 * `measure` the heap sampled instead (collections would distort the time).
 */
function connect(kind, provider, port, measure, next) {
	const bytes = Number(config.bytes);
	const sent = message(bytes);
	const context = makeContext(kind, providers[provider]);
	let got = 0;
	let bad = false;
	const base = probe.reset();
	const peak = base.slice();
	const started = Date.now();
	const collections = probe.collections();
	const cpu = probe.cpu();
	new TlsClient({
		TCP: measure ? sampling(peak) : TCP, context, address: "127.0.0.1", port,
		onConnect(client) {
			if (measure) raise(peak, probe.sample());
			else trace(`@ tls ${kind} ${provider} cpu=${Math.round(probe.cpu() - cpu)} wall=${Date.now() - started} gc=${probe.collections() - collections}\n`);
			client.write(sent);
		},
		onData(client, data) {
			if (!echoed(sent, data, got)) bad = true;
			got += data.length;
			if (got >= bytes) {
				trace(`@ echo ${kind} ${provider} ${bad || got !== bytes ? "mismatch" : "ok"} ${got}\n`);
				if (measure) {
					// What the open connection keeps once data has gone both ways.
					const kept = probe.sample();
					trace(`@ mem ${kind} ${provider} peakChunks=${peak[0] - base[0]} peakSlots=${peak[1] - base[1]} ` +
						`keptChunks=${kept[0] - base[0]} keptSlots=${kept[1] - base[1]} stack=${probe.stack()}\n`);
				}
				client.close();
			}
		},
		onClose() {
			trace(`@ closed ${kind} ${provider}\n`);
			Timer.set(next, 10); // after this client is gone
		},
		onError(client, error) {
			trace(`FAIL ${kind} ${provider} ${error.code} ${error.name}: ${error.message}\n`);
		},
	});
}

checkVectors();
recordAllocations();
// Per provider and kind: config.runs timed connections, then one measured one.
const servers = config.groups.split(",").map((g) => [g, Number(config.port)]);
if (config.pskPort) servers.push(["psk", Number(config.pskPort)]);
const plan = [];
for (const provider of config.providers.split(",")) {
	for (const [kind, port] of servers) {
		for (let i = 0; i <= Number(config.runs); i++) plan.push([kind, provider, port, i === Number(config.runs)]);
	}
}
function step() {
	const p = plan.shift();
	if (!p) return trace("DONE\n");
	try {
		connect(p[0], p[1], p[2], p[3], step);
	} catch (e) {
		trace(`FAIL ${p[0]} ${p[1]} ${e}\n`);
	}
}
step();
