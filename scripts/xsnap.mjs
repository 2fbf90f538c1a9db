// The XS engine on the host: builds the plain `xsnap` command-line tool from
// the C sources @agoric/xsnap ships (its install builds only xsnap-worker),
// plus a memory-report variant compiled with -DmxReport=1 that prints chunk
// and slot heap use at every collection ("# Chunk collection: reserved R
// used U peak P bytes", "# Slot collection: ..."). Its sources are patched:
// heaps start device-like (32 KB of chunks growing by 1 KB, 2048 slots
// growing by 64, like Moddable's host defaults) instead of xsnap's 32 MB;
// gc() also restarts the peak counters at the live size, so a peak covers
// one phase; and gc(true) / gc(false) turns on / off a collection before
// every allocation (XS's mxStress), so the peak is the largest live size
// rather than live data plus garbage not yet collected. It also has
// fixHeap() (below): the heap stops growing and the stack is shortened, to
// check the ESP32 budget (test/xs/budget.test.ts). Binaries are cached in
// node_modules/.cache/microtls-xsnap/ (the report variant under a name that
// follows its patch) and rebuilt when missing (~20-60 s).
//
//   node scripts/xsnap.mjs            build both if missing, print their paths
//   node scripts/xsnap.mjs FILE.mjs   run a module (FILE.js: a script) on XS
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'node_modules', '@agoric', 'xsnap');
const cache = join(root, 'node_modules', '.cache', 'microtls-xsnap');

const VARIANTS = {
  plain: { dir: join(cache, 'plain'), defines: '', patch: null },
  report: { dir: null, defines: ' -DmxReport=1 -DmxStress=1', patch: reportSources },
};

/** The report variant's changes to xsnap.c (see the top of this file). */
function reportSources(c) {
  const creation = { initialChunkSize: '32 * 1024', incrementalChunkSize: '1024', initialHeapCount: '2048', incrementalHeapCount: '64' };
  for (const [field, value] of Object.entries(creation)) {
    const re = new RegExp('[^,\\n]+,(\\s*/\\* ' + field + ' \\*/)');
    if (!re.test(c)) throw new Error('xsnap.c: no ' + field + ' in the creation record');
    c = c.replace(re, '\t\t' + value + ',$1');
  }
  const gc = 'void xs_gc(xsMachine* the)\n{\n\txsCollectGarbage();\n}';
  if (!c.includes(gc)) throw new Error('xsnap.c: xs_gc not found');
  c = c.replace(gc, [
    'extern int gxStress;',
    'void xs_gc(xsMachine* the)',
    '{',
    '\tif (xsToInteger(xsArgc) > 0)',
    '\t\tgxStress = xsToBoolean(xsArg(0)) ? 1 : 0;',
    '\txsCollectGarbage();',
    '\tthe->peakChunksSize = the->currentChunksSize;',
    '\tthe->peakHeapCount = the->currentHeapCount;',
    '}',
    FIX_HEAP,
  ].join('\n'));
  const define = '\txsResult = xsNewHostFunction(xs_gc, 1);\n\txsDefine(xsGlobal, xsID("gc"), xsResult, xsDontEnum);';
  if (!c.includes(define)) throw new Error('xsnap.c: gc definition not found');
  c = c.replace(define, define + '\n\txsResult = xsNewHostFunction(xs_fixHeap, 1);\n\txsDefine(xsGlobal, xsID("fixHeap"), xsResult, xsDontEnum);' +
    '\n\txsResult = xsNewHostFunction(xs_stackPeak, 1);\n\txsDefine(xsGlobal, xsID("stackPeak"), xsResult, xsDontEnum);');
  return '#include "xsAll.h"\nvoid xs_fixHeap(txMachine* the);\nvoid xs_stackPeak(txMachine* the);\n' + c; // the machine's fields
}

/**
 * The report variant's change to xsnapPlatform.c: an abort (memory full,
 * stack overflow) first gives back the stack fixHeap() shortened and flushes
 * what was printed, so the run ends with its output and the reason; a stack
 * overflow also prints the calls on the stack, innermost first, each with
 * its depth in slots from the stack's top ("# frame DEPTH NAME"): where the
 * depth comes from.
 */
function abortSources(c) {
  const head = 'void fxAbort(txMachine* the, int status)\n{\n';
  if (!c.includes(head)) throw new Error('xsnapPlatform.c: fxAbort not found');
  return c.replace(head, 'extern txSlot* gxStackBottom;\n' + FRAMES + head +
    '\tif (gxStackBottom) the->stackBottom = gxStackBottom;\n\tif (status == XS_STACK_OVERFLOW_EXIT) fxPrintFrames(the);\n\tfflush(stdout);\n');
}

const FRAMES = `static void fxPrintFrames(txMachine* the)
{
\ttxSlot* frame = the->frame;
\twhile (frame && frame->next) {
\t\ttxSlot* function = frame + 3;
\t\tchar* name = "?";
\t\tif ((function->kind == XS_REFERENCE_KIND) && mxIsFunction(function->value.reference)) {
\t\t\ttxSlot* code = mxFunctionInstanceCode(function->value.reference);
\t\t\ttxSlot* key = (code->ID != XS_NO_ID) ? fxGetKey(the, code->ID) : C_NULL;
\t\t\tif (key && key->value.key.string) name = key->value.key.string;
\t\t}
\t\tprintf("# frame %ld %s\\n", (long)(the->stackTop - frame), name);
\t\tframe = frame->next;
\t}
}
`;

/**
 * fixHeap(stackSlots): collects garbage, then the heap never grows again (as
 * in a fixed ESP32 heap: an allocation that does not fit aborts with "memory
 * full") and calls deeper than stackSlots from the stack's top abort with
 * "stack overflow"; fixHeap(0) gives the whole stack back (XS frees it from
 * its original bottom at exit). Returns [free chunk bytes, free slots, the
 * slots at the stack's top that hold XS's intrinsic prototypes, which a
 * machine cloned from a prepared one (a Moddable app) does not have: they
 * stay in the prepared machine, in flash];
 * fixHeap() without an argument only collects and returns them. The caller sizes the free space
 * to its budget by holding filler objects (test/xs/budget-session.ts).
 */
const FIX_HEAP = `
txSlot* gxStackBottom = NULL; /* the allocated stack, freed by XS at exit (see abortSources) */
void xs_fixHeap(xsMachine* the)
{
\tif (!gxStackBottom)
\t\tgxStackBottom = the->stackBottom;
\tif ((xsToInteger(xsArgc) > 0) && (xsTypeOf(xsArg(0)) == xsIntegerType)) {
\t\ttxInteger stack = xsToInteger(xsArg(0));
\t\tthe->stackBottom = stack > 0 ? the->stackTop - stack : gxStackBottom;
\t}
\txsCollectGarbage();
\tthe->minimumChunksSize = 0;
\tthe->minimumHeapCount = 0;
\txsResult = xsNewArray(3);
\txsSetAt(xsResult, xsInteger(0), xsInteger(the->maximumChunksSize - the->currentChunksSize));
\txsSetAt(xsResult, xsInteger(1), xsInteger(the->maximumHeapCount - the->currentHeapCount));
\txsSetAt(xsResult, xsInteger(2), xsInteger(mxStackIndexCount - mxInstanceInspectorsStackIndex - 1));
}
/* stackPeak(restart): the deepest the JS stack went, in slots from its top, since the last restart: the free
   stack below the current call is filled with a pattern, and the deepest slot that no longer holds it marks the
   peak (a stack high-water mark, as RTOSes measure task stacks). A restart returns the depth of the call. */
#define STACK_FILL 0xA5
void xs_stackPeak(xsMachine* the)
{
\ttxSlot* bottom = gxStackBottom ? gxStackBottom : the->stackBottom;
\ttxSlot* p = bottom;
\tif ((xsToInteger(xsArgc) > 0) && xsToBoolean(xsArg(0))) {
\t\tc_memset(bottom, STACK_FILL, (char*)the->stack - (char*)bottom);
\t\txsResult = xsInteger(the->stackTop - the->stack);
\t\treturn;
\t}
\tfor (; p < the->stack; p++) {
\t\tunsigned char* b = (unsigned char*)p;
\t\tsize_t i = 0;
\t\twhile (i < sizeof(txSlot) && b[i] == STACK_FILL) i++;
\t\tif (i < sizeof(txSlot)) break;
\t}
\txsResult = xsInteger(the->stackTop - p);
}`;

// A variant's binaries live under a name that changes with its patch, so an edit here rebuilds it.
for (const [name, v] of Object.entries(VARIANTS)) {
  if (v.dir === null) v.dir = join(cache, name + '-' + createHash('sha256').update(v.patch.toString() + FIX_HEAP + abortSources.toString() + v.defines).digest('hex').slice(0, 8));
}

/** Path of a built binary ('plain' or 'report'); builds it first when missing. */
export function xsnapPath(variant = 'plain') {
  const v = VARIANTS[variant];
  if (!v) throw new Error('unknown xsnap variant ' + variant);
  const bin = join(v.dir, 'xsnap');
  if (!existsSync(bin)) build(v, bin);
  return bin;
}

function build(v, bin) {
  const makefiles = join(pkg, 'xsnap-native', 'xsnap', 'makefiles', 'lin');
  if (!existsSync(join(makefiles, 'xsnap.mk'))) {
    throw new Error('@agoric/xsnap sources not found (npm install first): ' + makefiles);
  }
  process.stderr.write('building xsnap' + (v.defines ? ' (' + v.defines.trim() + ')' : '') + ' ...\n');
  const started = Date.now();
  const tmp = join(v.dir, 'tree-' + process.pid); // parallel builders never share objects
  const sources = join(pkg, 'xsnap-native', 'xsnap', 'sources');
  let tlsDir = sources;
  if (v.patch) {
    tlsDir = join(tmp, 'sources');
    cpSync(sources, tlsDir, { recursive: true });
    const main = join(tlsDir, 'xsnap.c');
    writeFileSync(main, v.patch(readFileSync(main, 'utf8')));
    const platform = join(tlsDir, 'xsnapPlatform.c');
    writeFileSync(platform, abortSources(readFileSync(platform, 'utf8')));
  }
  // BUILD_DIR keeps objects out of the package; TLS_DIR points at the sources
  // (a patched copy for the report variant); CC carries the extra defines
  // because the makefile's C_OPTIONS cannot be extended from the command line.
  const r = spawnSync('make', [
    '-f', 'xsnap.mk', '-j', String(Math.max(1, cpus().length)),
    'GOAL=release',
    'MODDABLE=' + join(pkg, 'moddable'),
    'BUILD_DIR=' + tmp,
    'TLS_DIR=' + tlsDir,
    'CC=cc' + v.defines,
  ], { cwd: makefiles, stdio: ['ignore', 'ignore', 'inherit'] });
  const built = join(tmp, 'bin', 'lin', 'release', 'xsnap');
  if (r.status !== 0 || !existsSync(built)) throw new Error('xsnap build failed (make exit ' + r.status + ')');
  renameSync(built, bin); // atomic: concurrent callers never see half a binary
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write('built ' + bin + ' in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s\n');
}

/**
 * Runs a file on XS: a module when it ends in .mjs, a script otherwise.
 * Returns { status, stdout, stderr, ms }. An uncaught throw in a script
 * exits 5; a module's does not (end it with an explicit result line).
 */
export function runXs(file, { variant = 'plain', timeout = 120_000, args = [] } = {}) {
  const started = Date.now();
  const r = spawnSync(xsnapPath(variant), [...args, file], { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    for (const variant of Object.keys(VARIANTS)) console.log(variant + ' ' + xsnapPath(variant));
  } else {
    const r = runXs(resolve(file), { variant: process.argv[3] ?? 'plain' });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exit(r.status ?? 1);
  }
}
