// The load-cost check app (test/xs/moddable-load.ts builds it with the real
// Moddable tools, each device profile's bundle preloaded under its own name,
// XS in the ESP32 heap). Imports a small preloaded module (the control: what
// an import itself costs) and then the bundles, one after another, printing
// what each import cost in RAM (chunk bytes and slots live after a
// collection) and how many preloaded objects or closures it wrote to (XS
// copies those into RAM: module state mutated at run time). Then, with each
// bundle, creates a client Context with the profile's defaults, and one with
// curveTables (no table can be built in a preloaded module: refused), and
// prints what happened. Prints "@ ..." lines, then "DONE".
// (The app's main module cannot await at top level on the host build.)
import config from "mc/config";
import probe from "probe";
import random from "microtls/random";

async function load(label, specifier) {
	const before = probe.sample();
	const aliases = probe.aliases();
	const lib = await import(specifier);
	const after = probe.sample();
	trace(`@ load ${label} chunks=${after[0] - before[0]} slots=${after[1] - before[1]} aliases=${probe.aliases() - aliases}\n`);
	return lib;
}

function context(label, lib, options) {
	const aliases = probe.aliases();
	try {
		new lib.Context({ side: "client", random, noClock: true, serverName: "localhost", ...options });
		trace(`@ context ${label} ok aliases=${probe.aliases() - aliases}\n`);
	}
	catch (e) {
		trace(`@ context ${label} error ${e.name}: ${e.message}\n`);
	}
}

async function run() {
	await load("control", "microtls/random");
	const libs = {};
	for (const name of config.profiles.split(","))
		libs[name] = await load(name, "microtls-" + name);
	for (const name in libs) {
		context(name, libs[name], {});
		context(name + " curveTables", libs[name], { curveTables: true });
	}
}
run().then(() => trace("DONE\n"), (e) => trace(`FAIL ${e}\n`));
