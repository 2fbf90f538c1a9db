// XS heap figures for the native-provider checks (xsmemory.c): reset()
// collects garbage, starts a new stack high-water mark and returns
// [chunk bytes, slots] in use; sample() collects garbage and returns the
// same; stack() is the deepest stack since reset(), in slots (it needs an
// instrumented build, mcconfig -i; else 0).
function reset() @ "xs_microtls_memory_reset";
function sample() @ "xs_microtls_memory_sample";
function stack() @ "xs_microtls_memory_stack";
export default Object.freeze({ reset, sample, stack });
