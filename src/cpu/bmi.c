/*
 * BMI1/BMI2 general-purpose instructions (VEX-encoded): ANDN, BLSR, BLSMSK,
 * BLSI, BZHI, PEXT, PDEP, BEXTR; and ADCX/ADOX (ADX, legacy-encoded with a
 * 66 or F3 prefix). SDM Vol. 2A/2B, the instruction pages.
 *
 * Operand size is 4 or 8 (VEX.W, which only counts in 64-bit mode); 32-bit
 * results zero-extend like every 32-bit GPR write. The r/m operand is read
 * first so a faulting read leaves everything unchanged.
 *
 * Undefined flags (AF and PF throughout, SF for BEXTR) are cleared, which is
 * what Intel cores are reported to do; the SDM promises nothing.
 */
#include "cpu/operand.h"

/* ZF and SF of a result, as RFLAGS bits. */
static inline uint32_t zs_flags(uint64_t r, unsigned size)
{
    r &= size_mask(size);
    return (r == 0 ? F_ZF : 0) | (r & sign_bit(size) ? F_SF : 0);
}

/* ANDN r, vvvv, r/m: dest = ~vvvv & r/m. SF ZF from the result, CF=OF=0,
 * AF PF undefined (SDM "ANDN"). */
void op_andn(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t r = ~reg_read(cpu, in->vreg, size) & b & size_mask(size);
    reg_write(cpu, in->reg, size, r);
    flags_set_arith(cpu, zs_flags(r, size));
}

/* Group 17 (VEX 0F38 F3 /1../3): the destination is VEX.vvvv, the source r/m.
 *   BLSR   dest = src & (src - 1): ZF SF from result, CF = (src == 0), OF=0.
 *   BLSMSK dest = src ^ (src - 1): SF from result, CF = (src == 0), ZF=OF=0.
 *   BLSI   dest = src & -src:      ZF SF from result, CF = (src != 0), OF=0.
 * (SDM "BLSR", "BLSMSK", "BLSI", Flags Affected.) */
void op_blsx(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t mask = size_mask(size);
    uint64_t src = rm_read(cpu, in, size);
    uint64_t r;
    uint32_t f;
    switch (in->sub) {
    case 1:     /* BLSR */
        r = src & (src - 1) & mask;
        f = zs_flags(r, size) | (src == 0 ? F_CF : 0);
        break;
    case 2:     /* BLSMSK */
        r = (src ^ (src - 1)) & mask;
        f = (zs_flags(r, size) & F_SF) | (src == 0 ? F_CF : 0);
        break;
    default:    /* 3: BLSI */
        r = src & (0 - src) & mask;
        f = zs_flags(r, size) | (src != 0 ? F_CF : 0);
        break;
    }
    reg_write(cpu, in->vreg, size, r);
    flags_set_arith(cpu, f);
}

/* BZHI r, r/m, vvvv: N = vvvv[7:0]; bits N and up of r/m are cleared when
 * N < operand width. CF = (N > width - 1), ZF SF from the result, OF=0,
 * AF PF undefined (SDM "BZHI"). */
void op_bzhi(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t src = rm_read(cpu, in, size);
    unsigned n = (unsigned)(reg_read(cpu, in->vreg, size) & 0xff);
    uint64_t r = n < bits ? src & ((1ull << n) - 1) : src;
    reg_write(cpu, in->reg, size, r);
    flags_set_arith(cpu, zs_flags(r, size) | (n > bits - 1 ? F_CF : 0));
}

/* PEXT r, vvvv, r/m: the bits of vvvv selected by the mask r/m are packed
 * into the low bits of the destination. No flags. */
void op_pext(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t mask = rm_read(cpu, in, size);
    uint64_t src = reg_read(cpu, in->vreg, size);
    uint64_t r = 0, out = 1;
    for (; mask; mask &= mask - 1, out <<= 1) {
        if (src & mask & (0 - mask))        /* lowest remaining mask bit */
            r |= out;
    }
    reg_write(cpu, in->reg, size, r);
}

/* PDEP r, vvvv, r/m: the low bits of vvvv are scattered to the positions of
 * the mask r/m's set bits, low to high. No flags. */
void op_pdep(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t mask = rm_read(cpu, in, size);
    uint64_t src = reg_read(cpu, in->vreg, size);
    uint64_t r = 0, bit = 1;
    for (; mask; mask &= mask - 1, bit <<= 1) {
        if (src & bit)
            r |= mask & (0 - mask);
    }
    reg_write(cpu, in->reg, size, r);
}

/* BEXTR r, r/m, vvvv: START = vvvv[7:0], LEN = vvvv[15:8];
 * dest = zero-extended r/m[START+LEN-1:START], with bits beyond the operand
 * reading as 0. ZF from the result, CF=OF=0, AF SF PF undefined (cleared, as
 * on the Intel cores checked by others; some Intel cores are said to differ)
 * (SDM "BEXTR"). */
void op_bextr(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t src = rm_read(cpu, in, size);
    uint64_t ctl = reg_read(cpu, in->vreg, size);
    unsigned start = (unsigned)(ctl & 0xff), len = (unsigned)((ctl >> 8) & 0xff);
    uint64_t r = start < bits ? src >> start : 0;
    if (len < 64)
        r &= (1ull << len) - 1;
    r &= size_mask(size);
    reg_write(cpu, in->reg, size, r);
    flags_set_arith(cpu, r == 0 ? F_ZF : 0);
}

/* ADCX (66 0F 38 F6, sub 0): dest += r/m + CF, writing only CF.
 * ADOX (F3 0F 38 F6, sub 1): the same with OF as the carry in and out.
 * Every other flag is unchanged (SDM "ADCX", "ADOX"). */
void op_adcx(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t a = reg_read(cpu, in->reg, size);
    uint32_t flag = in->sub ? F_OF : F_CF;
    unsigned carry_in = (flags_arith(cpu) & flag) ? 1 : 0;
    unsigned __int128 t = (unsigned __int128)a + b + carry_in;
    reg_write(cpu, in->reg, size, (uint64_t)t & size_mask(size));
    flags_update(cpu, flag, ((t >> bits) & 1) ? flag : 0);
}
