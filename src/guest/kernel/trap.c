/*
 * do_trap: every exception and device interrupt (Linux: the idtentry handlers
 * of arch/x86/kernel/traps.c and irq.c, exc_page_fault; xv6: trap.c trap()).
 * A fault in user mode kills the process; in kernel mode it is a kernel bug.
 */
#include "kernel.h"

volatile u64 ticks;

static const char *const exc_names[32] = {
    "divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)", "overflow (#OF)",
    "BOUND range exceeded (#BR)", "invalid opcode (#UD)", "device not available (#NM)",
    "double fault (#DF)", "coprocessor segment overrun", "invalid TSS (#TS)",
    "segment not present (#NP)", "stack-segment fault (#SS)", "general protection (#GP)",
    "page fault (#PF)", "reserved 15", "x87 floating-point error (#MF)",
    "alignment check (#AC)", "machine check (#MC)", "SIMD floating-point (#XM)",
    "virtualization (#VE)", "control protection (#CP)", "reserved 22", "reserved 23",
    "reserved 24", "reserved 25", "reserved 26", "reserved 27", "reserved 28",
    "reserved 29", "reserved 30", "reserved 31",
};

void do_trap(struct pt_regs *regs)
{
    u64 vec = regs->entry;
    if (vec < 32) {
        u64 addr = vec == 14 ? read_cr2() : regs->ip;
        if ((regs->cs & 3) == 0)
            panic_regs(regs, "%s in the kernel at %lx", exc_names[vec], addr);
        /* Demand paging of the user stack (Linux's expand_stack + do_anonymous_page):
         * a not-present fault in the USER_STACK_MAX below the stack top maps a zero page. */
        if (vec == 14 && !(regs->orig_ax & 1) && demand_page(addr))
            return;
        entry_stats.faults++;
        proc_kill_fault(regs, exc_names[vec], addr);   /* does not return */
    }
    entry_stats.irqs++;
    switch (vec) {
    case VEC_TIMER:
        lapic_eoi();
        timer_tick();
        /* Round-robin preemption: a task interrupted in user mode gives up the
         * CPU at every tick (the kernel itself is not preemptible). */
        if ((regs->cs & 3) == 3)
            schedule();
        return;
    case VEC_COM1:
        serial_irq();
        lapic_eoi();
        return;
    case VEC_SPURIOUS:
        return;
    default:
        if (vec >= VEC_PIC_BASE && vec < VEC_PIC_BASE + 16)
            return;                                 /* a spurious 8259 IRQ: masked anyway */
        panic_regs(regs, "unexpected interrupt vector %lu", vec);
    }
}
