// The process bench/memory measures in (forked with HEAP_FLAGS): takes the
// options over IPC, answers with log lines and then the result.
import { measureHeap, type HeapOptions } from './heap.js';

process.once('message', (o: HeapOptions) => {
  measureHeap(o, (line) => process.send!({ log: line })).then(
    (result) => process.send!({ result }, () => process.disconnect()),
    (e: unknown) => process.send!({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.disconnect()),
  );
});
