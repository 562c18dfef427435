/* TEMPORARY placeholder until the trace writer lands (a helper owns this file). */
#include <stdio.h>

#include "frontend/trace.h"

int trace_start(struct run_state *st)
{
    (void)st;
    fprintf(stderr, "ringscope: --trace is not yet available\n");
    return -1;
}

void trace_attach(struct trace_writer *t, rs_machine *m)
{
    (void)t;
    (void)m;
}

int trace_finish(struct run_state *st, int rc)
{
    (void)st;
    (void)rc;
    return 0;
}
