// The load-cost check app (test/xs/moddable-load.test.ts builds it with the
// real Moddable tools, each device profile's bundle preloaded under its own
// name, XS in the ESP32 heap): imports the bundles one after another and
// prints what each import cost in RAM (chunk bytes and slots live after a
// collection) and how many preloaded objects or closures it wrote to (XS
// copies those into RAM: module state mutated at run time). Then, with
// each bundle, creates a client Context with the profile's defaults and
// prints whether that worked. Prints "@ ..." lines, then "DONE".
// (The app's main module cannot await at top level on the host build.)
import config from "mc/config";
import probe from "probe";
import random from "microtls/random";

async function run() {
	const profiles = config.profiles.split(",");
	const libs = {};
	for (const name of profiles) {
		const before = probe.sample();
		const aliases = probe.aliases();
		libs[name] = await import("microtls-" + name);
		const after = probe.sample();
		trace(`@ load ${name} chunks=${after[0] - before[0]} slots=${after[1] - before[1]} aliases=${probe.aliases() - aliases}\n`);
	}
	for (const name of profiles) {
		const aliases = probe.aliases();
		try {
			new libs[name].Context({ side: "client", random, noClock: true, serverName: "localhost" });
			trace(`@ context ${name} ok aliases=${probe.aliases() - aliases}\n`);
		}
		catch (e) {
			trace(`@ context ${name} error ${e.code ?? ""} ${e.message}\n`);
		}
	}
}
run().then(() => trace("DONE\n"), (e) => trace(`FAIL ${e}\n`));
