/*
 * TLB-management and SMAP instructions: INVLPG, INVPCID, CLAC, STAC.
 * The invalidations themselves are in mmu/paging.c (docs/paging.md).
 */
#include "cpu/operand.h"
#include "mmu/paging.h"

/* INVLPG m (0F 01 /7; SDM INVLPG): #GP(0) unless CPL = 0 (real mode is
 * CPL 0); the register form is #UD (decoder, A_MEMONLY). No segment check
 * is listed among its exceptions: the operand only names a linear address,
 * segment base + offset. In 64-bit mode a non-canonical address makes it a
 * NOP. It drops the current PCID's and the global entries for the page. */
void op_invlpg(struct cpu *cpu, const struct insn *in)
{
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    uint64_t off = insn_ea(cpu, in), lin;
    if (cpu->mode == MODE_LONG64) {
        lin = off + (in->seg >= S_FS ? cpu->seg[in->seg].base : 0);
        if (!is_canonical(lin))
            return;
    } else {
        lin = (cpu->seg[in->seg].base + off) & 0xffffffffu;
    }
    tlb_invlpg(cpu, lin);
}

/* INVPCID r32/r64, m128 (66 0F 38 82; SDM INVPCID). The register is 64
 * bits in 64-bit mode and 32 bits elsewhere (decoder: opsize). Checks in
 * the order of the Operation section: CPL 0 (#GP(0); real mode is CPL 0),
 * then the 16-byte descriptor is read (segment, #PF), then the type (> 3 is
 * #GP(0)), descriptor bits 63:12 (#GP(0)), a non-zero PCID for types 0 and
 * 1 with CR4.PCIDE = 0 (#GP(0)), and for type 0 a non-canonical linear
 * address, checked as a 64-bit address in every mode (#GP(0)).
 * The SDM lists the PCID check for protected and compatibility mode without
 * the CR4.PCIDE condition, but only because PCIDE must be 0 outside IA-32e
 * mode; in compatibility mode with PCIDE = 1 we apply the 64-bit-mode rule
 * (a non-zero PCID is allowed). */
void op_invpcid(struct cpu *cpu, const struct insn *in)
{
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    uint64_t type = reg_read(cpu, in->reg, in->opsize);
    uint64_t ea = insn_ea(cpu, in);
    uint64_t lo = mem_read(cpu, in->seg, ea, 8);
    uint64_t hi = mem_read(cpu, in->seg, addr_mask(in->adsize, ea + 8), 8);
    if (type > 3 || (lo >> 12))
        raise_gp0(cpu);
    uint16_t pcid = (uint16_t)(lo & 0xfff);
    if (type <= 1 && pcid && !(cpu->cr4 & PG_CR4_PCIDE))
        raise_gp0(cpu);
    if (type == 0 && !is_canonical(hi))
        raise_gp0(cpu);
    switch (type) {
    case 0:
        tlb_invlpg_pcid(cpu, pcid, hi);
        break;
    case 1:
        tlb_flush_pcid(cpu, pcid);
        break;
    case 2:
        tlb_flush_all(cpu);
        break;
    default:
        tlb_flush_nonglobal(cpu);
        break;
    }
}

/* CLAC / STAC (0F 01 CA / CB; SDM CLAC, STAC): clear / set RFLAGS.AC; #UD at
 * CPL > 0 (real mode is CPL 0). No TLB work: translations that depend on AC
 * (supervisor data accesses to user pages under SMAP) are never used by
 * the inline path (mmu/tlb.h, class 2). */
void op_clac(struct cpu *cpu, const struct insn *in)
{
    if (cpu->cpl != 0)
        raise_ud(cpu);
    flags_update(cpu, F_AC, 0);
}

void op_stac(struct cpu *cpu, const struct insn *in)
{
    if (cpu->cpl != 0)
        raise_ud(cpu);
    flags_update(cpu, F_AC, F_AC);
}
