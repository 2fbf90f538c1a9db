/* XS heap and CPU figures for the native-provider checks: see probe.js. */
#include "xsAll.h"
#include "xsmc.h"
#include <time.h>

void xs_microtls_probe_sample(txMachine *the)
{
	xsCollectGarbage();
	xsmcVars(1);
	xsmcSetNewArray(xsResult, 2);
	xsmcSetInteger(xsVar(0), the->currentChunksSize);
	xsmcSetIndex(xsResult, 0, xsVar(0));
	xsmcSetInteger(xsVar(0), the->currentHeapCount);
	xsmcSetIndex(xsResult, 1, xsVar(0));
}

/* Chunk bytes and slots in use now, without a collection (integers: reading them allocates nothing). */
void xs_microtls_probe_chunks(txMachine *the)
{
	xsmcSetInteger(xsResult, the->currentChunksSize);
}

void xs_microtls_probe_slots(txMachine *the)
{
	xsmcSetInteger(xsResult, the->currentHeapCount);
}

void xs_microtls_probe_reset(txMachine *the)
{
#ifdef mxInstrument
	the->stackPeak = the->stack;
#endif
	xs_microtls_probe_sample(the);
}

void xs_microtls_probe_stack(txMachine *the)
{
#ifdef mxInstrument
	xsmcSetInteger(xsResult, (txInteger)(the->stackTop - the->stackPeak));
#else
	xsmcSetInteger(xsResult, 0);
#endif
}

void xs_microtls_probe_cpu(txMachine *the)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	xsmcSetNumber(xsResult, (double)ts.tv_sec * 1e6 + ts.tv_nsec / 1e3);
}

void xs_microtls_probe_collections(txMachine *the)
{
#ifdef mxInstrument
	xsmcSetInteger(xsResult, the->garbageCollectionCount);
#else
	xsmcSetInteger(xsResult, -1);
#endif
}

/* Preloaded objects and closures copied into RAM because code wrote to them (XS "aliases"). */
void xs_microtls_probe_aliases(txMachine *the)
{
	txInteger count = 0;
	txID i;
	for (i = 0; i < the->aliasCount; i++)
		if (the->aliasArray[i])
			count++;
	xsmcSetInteger(xsResult, count);
}
