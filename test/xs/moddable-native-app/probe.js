// XS heap and CPU figures for the native-provider checks (probe.c): reset()
// collects garbage, starts a new stack high-water mark and returns
// [chunk bytes, slots] in use; sample() collects garbage and returns the
// same; stack() is the deepest stack since reset(), in slots (it needs an
// instrumented build, mcconfig -i; else 0); cpu() is the CPU time of the
// thread XS runs on, in microseconds (socket polling waits cost none of it);
// collections() counts garbage collections (instrumented builds; else -1);
// chunks() and slots() are the chunk bytes and slots in use now, without a
// collection (to see whether some code allocates);
// aliases() counts the objects and closures of preloaded modules that code
// wrote to, which XS has copied into RAM (module state mutated at run time).
function reset() @ "xs_microtls_probe_reset";
function sample() @ "xs_microtls_probe_sample";
function stack() @ "xs_microtls_probe_stack";
function cpu() @ "xs_microtls_probe_cpu";
function collections() @ "xs_microtls_probe_collections";
function aliases() @ "xs_microtls_probe_aliases";
function chunks() @ "xs_microtls_probe_chunks";
function slots() @ "xs_microtls_probe_slots";
export default Object.freeze({ reset, sample, stack, cpu, collections, aliases, chunks, slots });
