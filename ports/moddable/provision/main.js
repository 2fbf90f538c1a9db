// Provisioning and mutual TLS on Moddable (ESP32): on first boot the device
// makes its key from the hardware RNG and keeps it in Preference as bytes;
// until a certificate is installed it prints its certificate request (PEM)
// for the operator's CA. The signed certificate is compiled in as the module
// "certificate" (embed-ca.mjs writes it), checked against the key, stored,
// and used to authenticate to the server (module "ca": its trust anchors):
//   node ports/moddable/example/embed-ca.mjs SERVER-CA.pem ports/moddable/provision/ca.js
//   microtls x509 -req -in device.csr -CA ca.pem -CAkey ca.key -eku clientAuth -out device.pem
//   node ports/moddable/example/embed-ca.mjs device.pem ports/moddable/provision/certificate.js
//   mcconfig -d -m -p esp32 ports/moddable/provision/manifest.json ssid=... password=... address=... port=4433
import TCP from "embedded:io/socket/tcp";
import Preference from "preference";
import config from "mc/config";
import { Context, TlsClient } from "microtls";
import { installCertificate, provision } from "microtls/crypto";
import random from "microtls/random";
import ca from "ca";
import signed from "certificate";

const DOMAIN = "microtls";
const store = {
	get: (name) => Preference.get(DOMAIN, name),
	set: (name, value) => Preference.set(DOMAIN, name, value),
};

const id = provision(store, { subject: "/CN=" + config.device, random });
trace(id.created ? "device key generated and stored\n" : "device key loaded\n");
let certificate = id.certificate;
if (!certificate && signed) {
	certificate = installCertificate(store, signed);
	trace("certificate installed\n");
}
if (!certificate) {
	trace("no certificate yet: have this request signed by your CA\n" + id.csr);
}
else {
	const clockSet = Date.now() > Date.UTC(2024, 0, 1);
	const context = new Context({
		side: "client",
		random,
		now: clockSet ? Date.now : undefined,
		noClock: !clockSet,
		serverName: config.server,
		curveTables: false, // no precomputed curve tables on a device (100-250 KB each)
	});
	context.loadVerifyBuffer(ca);
	context.useCertificateBuffer(certificate);
	context.usePrivateKeyBuffer(id.key);
	new TlsClient({
		TCP,
		context,
		address: config.address,
		port: Number(config.port),
		onConnect(client) {
			trace("mutual TLS connected as " + config.device + "\n");
			client.write(new Uint8Array(ArrayBuffer.fromString("hello from " + config.device + "\n")));
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
}
