// The device check app (test/xs/moddable-device.test.ts builds it with the
// real Moddable tools, preloaded, in the ESP32 heap): `runs` TLS connections
// one after another to an `openssl s_server -rev` on 127.0.0.1, each sending
// `bytes` bytes as lines and checking that every line comes back reversed,
// then closing. Certificates (the CA in module "ca") or, with config.psk, a
// psk_ke AES-128-CCM client with 1 KB records. Prints "@ ..." lines, then
// "DONE" or "FAIL ...". Before "DONE", "@ aliases N": how many objects and
// closures of preloaded modules were written to meanwhile (XS copies them
// into RAM: module state mutated at run time; module "probe").
import TCP from "embedded:io/socket/tcp";
import Timer from "timer";
import config from "mc/config";
import { CipherSuite, Context, TlsClient } from "microtls";
import random from "microtls/random";
import ca from "ca";
import probe from "probe";
import { echoed, hex, message } from "moddable-echo";

const aliases = probe.aliases();

const runs = Number(config.runs);
const bytes = Number(config.bytes);

function makeContext() {
	const mfl = config.maxFragmentLength ? Number(config.maxFragmentLength) : undefined;
	if (config.psk) {
		const psk = { identity: new Uint8Array(ArrayBuffer.fromString(config.identity)), key: hex(config.psk) };
		return new Context({
			side: "client", random, verify: "none", maxFragmentLength: mfl,
			pskClient: () => psk, pskModes: ["psk_ke"], groups: [],
			cipherSuites: [CipherSuite.TLS_AES_128_CCM_SHA256],
		});
	}
	const context = new Context({ side: "client", random, noClock: true, serverName: config.server, maxFragmentLength: mfl });
	context.loadVerifyBuffer(ca);
	return context;
}

const context = makeContext();
trace("@ context\n");
let done = 0;

function run() {
	const sent = message(bytes);
	let got = 0;
	let bad = false;
	const started = Date.now();
	new TlsClient({
		TCP, context, address: config.address, port: Number(config.port),
		onConnect(client) {
			trace(`@ connected ${Date.now() - started} ms\n`);
			client.write(sent);
		},
		onData(client, data) {
			if (!echoed(sent, data, got)) bad = true;
			got += data.length;
			if (got >= bytes) {
				trace(`@ echo ${bad || got !== bytes ? "mismatch" : "ok"} ${got}\n`);
				client.close();
			}
		},
		onClose() {
			trace("@ closed\n");
			if (++done < runs) Timer.set(run, 10); // after this client is gone
			else {
				trace(`@ aliases ${probe.aliases() - aliases}\n`);
				trace("DONE\n");
			}
		},
		onError(client, error) {
			trace(`FAIL ${error.code} ${error.name}: ${error.message}\n`);
		},
	});
}
run();
