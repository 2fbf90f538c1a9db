// microtls example for Moddable (ESP32): connects to a TLS 1.3 server on the
// local network with the ECMA-419 TCP socket, checks its certificate against
// the CA compiled into the firmware (module "ca", made by embed-ca.mjs),
// sends one message and prints the reply. Settings come from mc/config:
// mcconfig ... address=192.168.1.20 port=4433 server=localhost message=hello
import TCP from "embedded:io/socket/tcp";
import config from "mc/config";
import { Context, TlsClient, suiteName, groupName } from "microtls";
import random from "microtls/random";
import ca from "ca";

// Certificate dates need the time: the network setup sets it by SNTP when
// config.sntp names a server; without it the dates are not checked.
const clockSet = Date.now() > Date.UTC(2024, 0, 1);
if (!clockSet) trace("clock not set: certificate dates will not be checked\n");

const context = new Context({
	side: "client",
	random,
	now: clockSet ? Date.now : undefined,
	noClock: !clockSet,
	serverName: config.server,
	// 1 KB records keep the connection inside the ESP32 heap (README: Moddable).
	maxFragmentLength: config.maxFragmentLength ? Number(config.maxFragmentLength) : undefined,
});
context.loadVerifyBuffer(ca);

const started = Date.now();
new TlsClient({
	TCP,
	context,
	address: config.address,
	port: Number(config.port),
	onConnect(client) {
		const n = client.connection.negotiated();
		trace(`connected in ${Date.now() - started} ms: ${suiteName(n.cipherSuite)}, ${groupName(n.group)}\n`);
		client.write(new Uint8Array(ArrayBuffer.fromString(config.message + "\n")));
	},
	onData(client, data) {
		trace(`reply: ${String.fromArrayBuffer(data.slice().buffer)}\n`);
		client.close();
	},
	onClose() {
		trace("closed\n");
	},
	onError(client, error) {
		trace(`TLS error ${error.code} ${error.name}: ${error.message}\n`);
	},
});
