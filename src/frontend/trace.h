/*
 * --trace: the event stream written to a file (docs/trace-format.md), as
 * JSON Lines or in the Chrome trace-event format, with kernel addresses
 * symbolized from the guest ELF (symbols.h). Filters: --trace-events,
 * --trace-from-cycle; --trace-ring N keeps the last N events in memory and
 * writes them only when the machine triple-faults or the guest panics.
 */
#ifndef RINGSCOPE_TRACE_H
#define RINGSCOPE_TRACE_H

#include "frontend/run.h"

/* Open st->o.trace, parse the filters, load the symbols of st->o.image (an
 * image that is not ELF has none: nothing is named) and set st->trace.
 * Returns 0, or -1 after printing one line naming the problem. Called once
 * the first machine is built and its image loaded. */
int trace_start(struct run_state *st);

/* Subscribe the writer to a new machine (power-on and every reboot). */
void trace_attach(struct trace_writer *t, rs_machine *m);

/* The run ended with exit status `rc`: write what is buffered (the ring
 * buffer only after a triple fault or a guest panic), close the file and
 * free everything; st->trace becomes NULL. Returns 0, or -1 after printing
 * one line if the file could not be written. */
int trace_finish(struct run_state *st, int rc);

#endif
