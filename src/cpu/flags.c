/*
 * Lazy arithmetic flags (SDM Vol. 1, 3.4.3.1 and Appendix A).
 *
 * Carries and overflows are recovered from operands and result with the
 * classic bit identities, so ADD and ADC share one lazy kind (the carry-in is
 * implied by the result), as do SUB, SBB, CMP and NEG.
 */
#include "cpu/flags.h"

uint32_t flags_arith(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->lf;
    if (lf->op == LF_NONE)
        return (uint32_t)cpu->rflags & F_ARITH;

    unsigned size = lf->size;
    uint64_t res = lf->res, a = lf->a, b = lf->b, msb = sign_bit(size);
    uint32_t f = szp_flags(res, size);

    switch (lf->op) {
    case LF_ADD:
        /* carry out of the top bit: (a & b) | ((a | b) & ~res) */
        if (((a & b) | ((a | b) & ~res)) & msb) f |= F_CF;
        if ((a ^ res) & (b ^ res) & msb) f |= F_OF;
        f |= (uint32_t)(a ^ b ^ res) & F_AF;
        break;
    case LF_SUB:
        /* borrow into the top bit: (~a & b) | (~(a ^ b) & res) */
        if (((~a & b) | (~(a ^ b) & res)) & msb) f |= F_CF;
        if ((a ^ b) & (a ^ res) & msb) f |= F_OF;
        f |= (uint32_t)(a ^ b ^ res) & F_AF;
        break;
    case LF_LOGIC:
        /* CF = OF = 0; AF is undefined and Intel clears it. */
        break;
    case LF_INC:
        f |= (uint32_t)cpu->rflags & F_CF;
        if ((res & size_mask(size)) == msb) f |= F_OF;
        f |= (uint32_t)(a ^ res) & F_AF;
        break;
    case LF_DEC:
        f |= (uint32_t)cpu->rflags & F_CF;
        if ((res & size_mask(size)) == msb - 1) f |= F_OF;
        f |= (uint32_t)(a ^ res) & F_AF;
        break;
    }
    return f;
}

void flags_update(struct cpu *cpu, uint32_t mask, uint32_t bits)
{
    uint64_t all = flags_read(cpu);
    flags_write(cpu, (all & ~(uint64_t)mask) | (bits & mask));
}

bool cond_true_slow(const struct cpu *cpu, unsigned cc)
{
    uint32_t f = flags_arith(cpu);
    bool r;
    switch ((cc >> 1) & 7) {
    case 0: r = f & F_OF; break;                               /* O */
    case 1: r = f & F_CF; break;                               /* B/C */
    case 2: r = f & F_ZF; break;                               /* Z/E */
    case 3: r = f & (F_CF | F_ZF); break;                      /* BE */
    case 4: r = f & F_SF; break;                               /* S */
    case 5: r = f & F_PF; break;                               /* P */
    case 6: r = !(f & F_SF) != !(f & F_OF); break;             /* L */
    default: r = (f & F_ZF) || (!(f & F_SF) != !(f & F_OF)); break; /* LE */
    }
    return r ^ (cc & 1);
}
