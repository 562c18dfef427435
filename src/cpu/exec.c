/*
 * The run loop: fetch a decoded block for CS:RIP, run its instructions, and
 * catch faults at the instruction boundary (fault.c unwinds to here).
 */
#include <stdint.h>

#include "cpu/blockcache.h"
#include "cpu/cpu.h"
#include "mmu/access.h"

enum cpu_stop cpu_run(struct cpu *cpu, uint64_t max_insns)
{
    /* volatile: it must survive the longjmp from cpu_raise(). */
    volatile uint64_t limit = max_insns ? cpu->icount + max_insns : UINT64_MAX;
    if (limit < cpu->icount)
        limit = UINT64_MAX;

    cpu->exc.vector = -1;
    if (setjmp(cpu->fault_jmp)) {
        /* An instruction raised an exception; cpu_raise() has already put RIP
         * where the architecture says. Delivery through the IDT comes with the
         * system milestone: until then every exception stops the machine and
         * is reported to the embedder. */
        cpu->stop_block = false;
        return cpu->exc.vector < 0 ? CPU_STOP_SHUTDOWN : CPU_STOP_EXCEPTION;
    }

    while (cpu->icount < limit) {
        if (unlikely(cpu->halted))
            return CPU_STOP_HALT;
        cpu->insn_rip = cpu->rip;
        const struct block *b = blockcache_lookup(cpu);
        uint64_t left = limit - cpu->icount;
        const struct insn *in = b->insn;
        const struct insn *end = in + (b->count < left ? b->count : left);
        do {
            cpu->insn_rip = cpu->rip;
            cpu->rip += in->len;
            in->fn(cpu, in);
            cpu->icount++;
            if (unlikely(cpu->stop_block)) {
                cpu->stop_block = false;
                break;
            }
        } while (++in < end);
    }
    return CPU_STOP_BUDGET;
}
