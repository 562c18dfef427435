/* TEMPORARY placeholder until the debug window lands (a helper owns this directory). */
#include <stdio.h>

#include "frontend/debug/debug_window.h"

int debug_window_open(struct run_state *st)
{
    (void)st;
    fprintf(stderr, "ringscope: --debug is not yet available\n");
    return -1;
}

int debug_window_run(struct run_state *st)
{
    (void)st;
    return RUN_EXIT_ERROR;
}
