import { readFileSync } from 'node:fs';
import { espruinoSandbox } from '/work/main/build/test/espruino/env.js';
for (const f of process.argv.slice(2)) {
  const sb = espruinoSandbox();
  try {
    sb.run(readFileSync(f, 'utf8'), f);
    const r = sb.run('typeof microtls + " " + Object.keys(microtls).join(",")', 'probe.js');
    console.log(f, 'OK', r);
    // a quick in-sandbox context creation
    console.log(sb.run('var c = microtls.espruinoContext(require("crypto"), { psk: { identity: "a", key: "00112233445566778899aabbccddeeff" }, random: function(d){ for (var i=0;i<d.length;i++) d[i]=i; } }); var conn = c.newConnection(); var st = conn.connect(); "connect " + st + " out " + conn.outputLength()', 'probe2.js'));
  } catch (e) { console.log(f, 'FAIL', e.message); }
  console.log(sb.lines.slice(0, 5));
}
