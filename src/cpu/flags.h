/*
 * Arithmetic flags behind a small API. The ALU records the last operation
 * lazily (cpu->lf); the six status flags are computed only when something
 * reads them. Everything outside flags.c uses these functions, so the
 * strategy can change in one place.
 */
#ifndef RINGSCOPE_FLAGS_H
#define RINGSCOPE_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Operand-size helpers shared by the ALU families. */
static inline uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}
static inline uint64_t sign_bit(unsigned size)
{
    return 1ull << (size * 8 - 1);
}
static inline int64_t sign_extend(uint64_t v, unsigned size)
{
    unsigned shift = 64 - size * 8;
    return (int64_t)(v << shift) >> shift;
}

/* Record an ALU result lazily. a/b are the operands as the op saw them. */
static inline void flags_lazy(struct cpu *cpu, enum lazy_op op, unsigned size,
                              uint64_t res, uint64_t a, uint64_t b)
{
    cpu->lf.op = (uint8_t)op;
    cpu->lf.size = (uint8_t)size;
    cpu->lf.res = res;
    cpu->lf.a = a;
    cpu->lf.b = b;
}

/* The six status flags (CF PF AF ZF SF OF) as RFLAGS bits. */
uint32_t flags_arith(const struct cpu *cpu);

/* Set the six status flags to `bits` (F_ARITH positions) eagerly. */
static inline void flags_set_arith(struct cpu *cpu, uint32_t bits)
{
    cpu->lf.op = LF_NONE;
    cpu->rflags = (cpu->rflags & ~(uint64_t)F_ARITH) | (bits & F_ARITH);
}

/* Replace only the flags in `mask` with `bits`, keeping the others (which
 * may be lazy) intact. */
void flags_update(struct cpu *cpu, uint32_t mask, uint32_t bits);

/* The whole RFLAGS register, as PUSHF would store it. */
static inline uint64_t flags_read(const struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return cpu->rflags;
    return (cpu->rflags & ~(uint64_t)F_ARITH) | flags_arith(cpu);
}

/* Write the whole RFLAGS register (callers apply the architectural masks). */
static inline void flags_write(struct cpu *cpu, uint64_t value)
{
    cpu->lf.op = LF_NONE;
    cpu->rflags = value | F_R1;
}

/* CF alone, without computing the other five (ADC, SBB, INC/DEC and the
 * rotates through carry read it on every execution). */
static inline bool flag_cf(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->lf;
    switch (lf->op) {
    case LF_ADD: return ((lf->a & lf->b) | ((lf->a | lf->b) & ~lf->res)) & sign_bit(lf->size);
    case LF_SUB: return ((~lf->a & lf->b) | (~(lf->a ^ lf->b) & lf->res)) & sign_bit(lf->size);
    case LF_LOGIC: return false;
    default: return cpu->rflags & F_CF;     /* LF_NONE, LF_INC, LF_DEC */
    }
}

static inline bool flag_zf(const struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return cpu->rflags & F_ZF;
    return (cpu->lf.res & size_mask(cpu->lf.size)) == 0;
}

static inline bool flag_sf(const struct cpu *cpu)
{
    if (cpu->lf.op == LF_NONE)
        return cpu->rflags & F_SF;
    return cpu->lf.res & sign_bit(cpu->lf.size);
}

static inline bool flag_of(const struct cpu *cpu) { return flags_arith(cpu) & F_OF; }
static inline bool flag_df(const struct cpu *cpu) { return cpu->rflags & F_DF; }

bool cond_true_slow(const struct cpu *cpu, unsigned cc);

/* Is condition `cc` (the low nibble of Jcc/SETcc/CMOVcc) true? The
 * conditions that read one flag cheaply are answered inline. */
static inline bool cond_true(const struct cpu *cpu, unsigned cc)
{
    switch (cc >> 1) {
    case 1: return flag_cf(cpu) ^ (cc & 1);        /* B / AE */
    case 2: return flag_zf(cpu) ^ (cc & 1);        /* Z / NZ */
    case 4: return flag_sf(cpu) ^ (cc & 1);        /* S / NS */
    default: return cond_true_slow(cpu, cc);
    }
}

/* PF: set when the low byte of the result has an even number of 1 bits. */
static inline uint32_t parity_flag(uint64_t res)
{
    return __builtin_parity((unsigned)(res & 0xff)) ? 0 : F_PF;
}

/* ZF, SF and PF of a result of `size` bytes, as RFLAGS bits. */
static inline uint32_t szp_flags(uint64_t res, unsigned size)
{
    res &= size_mask(size);
    return (res == 0 ? F_ZF : 0) | (res & sign_bit(size) ? F_SF : 0) | parity_flag(res);
}

#endif
