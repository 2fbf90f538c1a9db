/* XS heap figures for the native-provider checks: see xsmemory.js. */
#include "xsAll.h"
#include "xsmc.h"

void xs_microtls_memory_sample(txMachine *the)
{
	xsCollectGarbage();
	xsmcVars(1);
	xsmcSetNewArray(xsResult, 2);
	xsmcSetInteger(xsVar(0), the->currentChunksSize);
	xsmcSetIndex(xsResult, 0, xsVar(0));
	xsmcSetInteger(xsVar(0), the->currentHeapCount);
	xsmcSetIndex(xsResult, 1, xsVar(0));
}

void xs_microtls_memory_reset(txMachine *the)
{
#ifdef mxInstrument
	the->stackPeak = the->stack;
#endif
	xs_microtls_memory_sample(the);
}

void xs_microtls_memory_stack(txMachine *the)
{
#ifdef mxInstrument
	xsmcSetInteger(xsResult, (txInteger)(the->stackTop - the->stackPeak));
#else
	xsmcSetInteger(xsResult, 0);
#endif
}
