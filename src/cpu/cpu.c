/*
 * CPU state: power-on reset, mode derivation, segment caches, TLB flush.
 */
#include "cpu/cpu.h"

#include <string.h>

#include "cpu/blockcache.h"
#include "mmu/paging.h"

void cpu_load_segment_cache(struct cpu *cpu, int sreg, uint16_t selector,
                            uint64_t base, uint32_t limit, uint16_t attr)
{
    struct segment *s = sreg == 6 ? &cpu->ldtr : sreg == 7 ? &cpu->tr : &cpu->seg[sreg];
    s->selector = selector;
    s->base = base;
    s->limit = limit;
    s->attr = attr;

    /* Precompute the checks of SDM Vol. 3A, 5.4.1 for the access path. */
    uint8_t r = 0;
    unsigned type = attr & SA_TYPE_MASK;
    if ((attr & SA_P) && (attr & SA_S)) {
        r |= SEG_R_USABLE;
        if (type & 8) {                 /* code: readable if type bit 1 */
            if (type & 2)
                r |= SEG_R_READ;
        } else {                        /* data: always readable */
            r |= SEG_R_READ;
            if (type & 2)
                r |= SEG_R_WRITE;
            if (type & 4)
                r |= SEG_R_EXPDOWN;
            if (attr & SA_DB)
                r |= SEG_R_BIG;
        }
    }
    s->rights = r;
}

/* The embedder (rs_set_reg, rs_set_mode, rs_map_ram) or reset changed raw
 * state: drop every translation and the jump cache, and load the PAE PDPTEs
 * again at the next walk (the page tables may not be in memory yet). */
void cpu_flush_tlb(struct cpu *cpu)
{
    cpu->paging.pdpte_loaded = false;
    cpu->paging.pdpte_staged = false;
    cpu->paging.seen_cr0 = cpu->cr0;
    cpu->paging.seen_cr4 = cpu->cr4;
    tlb_flush_all(cpu);
}

void cpu_update_mode(struct cpu *cpu)
{
    uint8_t old = cpu->mode;
    const struct segment *cs = &cpu->seg[S_CS];
    if (!(cpu->cr0 & CR0_PE))
        cpu->mode = MODE_REAL;
    else if (cpu->efer & EFER_LMA)
        cpu->mode = (cs->attr & SA_L) ? MODE_LONG64
                    : (cs->attr & SA_DB) ? MODE_COMPAT32 : MODE_COMPAT16;
    else
        cpu->mode = (cs->attr & SA_DB) ? MODE_PROT32 : MODE_PROT16;

    switch (cpu->mode) {
    case MODE_LONG64:
        cpu->code_size = 8;
        break;
    case MODE_PROT32: case MODE_COMPAT32:
        cpu->code_size = 4;
        break;
    default:
        cpu->code_size = 2;
        break;
    }
    cpu->stack_size = cpu->mode == MODE_LONG64 ? 8 : (cpu->seg[S_SS].attr & SA_DB) ? 4 : 2;
    if (old != cpu->mode)
        cpu->stop_block = true;
}

void cpu_reset(struct cpu *cpu)
{
    /* SDM Vol. 3A, 10.1.1, Table 10-1: state after power-up. */
    memset(cpu->gpr, 0, sizeof(cpu->gpr));
    cpu->gpr[R_DX] = 0x00050654;        /* CPUID signature (cpuid.c) */
    cpu->rflags = F_R1;
    cpu->lf.op = LF_NONE;
    cpu->rip = 0xfff0;
    cpu->cr0 = 0x60000010;              /* CD, NW, ET */
    cpu->cr2 = cpu->cr3 = cpu->cr4 = cpu->cr8 = 0;
    cpu->efer = 0;
    memset(&cpu->msr, 0, sizeof(cpu->msr));
    cpu->msr.apic_base = 0xfee00900;    /* BSP, enabled, default base */
    cpu->msr.pat = 0x0007040600070406ull;
    cpu->msr.misc_enable = 1;           /* fast strings */
    /* Data segments: selector 0, base 0, limit 0xffff, present r/w accessed. */
    for (int s = 0; s < 6; s++)
        cpu_load_segment_cache(cpu, s, 0, 0, 0xffff, SA_P | SA_S | 0x3);
    /* CS: selector F000, base FFFF0000 so the first fetch is at FFFFFFF0. */
    cpu_load_segment_cache(cpu, S_CS, 0xf000, 0xffff0000u, 0xffff, SA_P | SA_S | 0xb);
    cpu_load_segment_cache(cpu, 6, 0, 0, 0xffff, SA_P | 0x2);    /* LDT */
    cpu_load_segment_cache(cpu, 7, 0, 0, 0xffff, SA_P | 0xb);    /* busy 32-bit TSS */
    cpu->gdtr_base = cpu->idtr_base = 0;
    cpu->gdtr_limit = cpu->idtr_limit = 0xffff;
    cpu->cpl = 0;
    cpu->exc.vector = -1;
    cpu->halted = false;
    cpu->stop_request = false;
    cpu->cycle_deadline = UINT64_MAX;
    memset(&cpu->intr, 0, sizeof(cpu->intr));
    memset(&cpu->debug, 0, sizeof(cpu->debug));
    cpu->debug.dr[6] = 0xffff0ff0;      /* Table 10-1 */
    cpu->debug.dr[7] = 0x00000400;
    cpu_flush_tlb(cpu);
    cpu_update_mode(cpu);
}
