/*
 * Transition events: snapshot before and after, dispatch to subscribers.
 */
#include "cpu/event.h"

#include <string.h>

#include "cpu/flags.h"

void event_fill_before(const struct cpu *cpu, rs_event *ev, rs_event_kind kind)
{
    memset(ev, 0, sizeof(*ev));
    ev->cycle = cpu->cycles;
    ev->kind = kind;
    ev->vector = -1;
    ev->cpl_before = cpu->cpl;
    ev->mode_before = (rs_mode)cpu->mode;
    ev->cs_before = cpu->seg[S_CS].selector;
    ev->ss_before = cpu->seg[S_SS].selector;
    ev->rip_before = cpu->insn_rip;
    ev->rsp_before = cpu->gpr[R_SP];
    ev->cr3_before = cpu->cr3;
    ev->rflags_before = flags_read(cpu);
    ev->stack_source = RS_STACK_UNCHANGED;
}

void event_end(struct cpu *cpu, rs_event *ev)
{
    ev->cpl_after = cpu->cpl;
    ev->mode_after = (rs_mode)cpu->mode;
    ev->cs_after = cpu->seg[S_CS].selector;
    ev->ss_after = cpu->seg[S_SS].selector;
    ev->rip_after = cpu->rip;
    ev->rsp_after = cpu->gpr[R_SP];
    ev->cr3_after = cpu->cr3;
    ev->rflags_after = flags_read(cpu);
    ev->cycles = cpu->cycles - ev->cycle;   /* what the transition was charged (timing.h) */
    for (unsigned i = 0; i < cpu->events.count; i++)
        cpu->events.fn[i](cpu->events.ctx[i], ev);
}
