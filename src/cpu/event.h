/*
 * The transition event stream (include/ringscope/ringscope.h, rs_event).
 *
 * Every transition goes through one pattern:
 *
 *     rs_event ev;
 *     bool rec = event_begin(cpu, &ev, RS_EV_SYSCALL);   // snapshot "before"
 *     ... perform the transition (it may fault: then no event is emitted,
 *         the fault's own delivery emits one) ...
 *     if (rec) { ev.stack_source = ...; event_end(cpu, &ev); }  // "after" + dispatch
 *
 * With no subscriber event_begin is one predictable branch, so the stream
 * costs nothing measurable in `ringscope bench`.
 */
#ifndef RINGSCOPE_EVENT_H
#define RINGSCOPE_EVENT_H

#include <stdbool.h>

#include "cpu/cpu.h"

/* Fill the "before" half: cycle, kind, CPL, mode, CS:RIP (the executing
 * instruction's RIP, cpu->insn_rip), SS:RSP, CR3, RFLAGS; vector -1, no
 * error code, stack unchanged. Callers overwrite what differs (e.g. the
 * RIP an interrupted context resumes at). */
void event_fill_before(const struct cpu *cpu, rs_event *ev, rs_event_kind kind);

/* Fill the "after" half from the current state and hand the event to every
 * subscriber. */
void event_end(struct cpu *cpu, rs_event *ev);

/* Start recording a transition; false (and nothing done) without subscribers. */
static inline bool event_begin(const struct cpu *cpu, rs_event *ev, rs_event_kind kind)
{
    if (__builtin_expect(cpu->events.count == 0, 1))
        return false;
    event_fill_before(cpu, ev, kind);
    return true;
}

#endif
