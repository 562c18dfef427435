/*
 * Stack pointers from the current task-state segment (SDM Vol. 3A, 8.2.1
 * (32-bit TSS), 8.6 (16-bit TSS), 8.7 (64-bit TSS); Vol. 2, INT n
 * Operation, "TSSstackAddress"). The TSS is read
 * through TR's hidden cache, as the processor does: TR's base and limit are
 * what LTR (or a task switch) loaded. Reads are implicit supervisor
 * accesses to linear addresses (sys_read).
 */
#include "cpu/tss.h"

#include "cpu/fault.h"
#include "mmu/access.h"

/* #TS(TR selector) with EXT = IDT = 0 (fault.c adds EXT during delivery
 * of an external event). */
static noreturn void tss_fault(struct cpu *cpu)
{
    cpu_raise(cpu, EXC_TS, cpu->tr.selector & 0xfffcu);
}

/* TSS addresses wrap at 4 GiB outside IA-32e mode, where TR's base is
 * 32 bits. */
static uint64_t tss_lin(const struct cpu *cpu, uint64_t off)
{
    uint64_t a = cpu->tr.base + off;
    return (cpu->efer & EFER_LMA) ? a : (a & 0xffffffffu);
}

/* SDM INT n Operation, INTER-PRIVILEGE-LEVEL-INTERRUPT: a 32-bit TSS
 * (types 9 and 11) holds ESPn at 8n + 4 and SSn at 8n + 8, and needs
 * TSSstackAddress + 5 within the limit; a 16-bit TSS (types 1 and 3)
 * holds SPn at 4n + 2 and SSn at 4n + 4, and needs TSSstackAddress + 3
 * within the limit. */
void tss_legacy_stack(struct cpu *cpu, unsigned n, uint16_t *ss, uint32_t *esp)
{
    const struct segment *tr = &cpu->tr;
    if (tr->attr & 0x8) {                       /* 32-bit TSS */
        uint64_t off = (uint64_t)n * 8 + 4;
        if (off + 5 > tr->limit)
            tss_fault(cpu);
        uint32_t e = (uint32_t)sys_read(cpu, tss_lin(cpu, off), 4);
        *ss = (uint16_t)sys_read(cpu, tss_lin(cpu, off + 4), 2);
        *esp = e;
    } else {                                    /* 16-bit TSS */
        uint64_t off = (uint64_t)n * 4 + 2;
        if (off + 3 > tr->limit)
            tss_fault(cpu);
        uint32_t sp = (uint32_t)sys_read(cpu, tss_lin(cpu, off), 2);
        *ss = (uint16_t)sys_read(cpu, tss_lin(cpu, off + 2), 2);
        *esp = sp;
    }
}

/* SDM INT n Operation (IA-32e mode): RSPn at 8n + 4, ISTn at 8n + 28
 * (IST1 at 24h); TSSstackAddress + 7 must lie within the limit. */
uint64_t tss64_stack(struct cpu *cpu, unsigned n, bool ist)
{
    uint64_t off = ist ? (uint64_t)n * 8 + 28 : (uint64_t)n * 8 + 4;
    if (off + 7 > cpu->tr.limit)
        tss_fault(cpu);
    return sys_read(cpu, tss_lin(cpu, off), 8);
}
