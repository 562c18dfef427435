/*
 * Multiplication and division: MUL IMUL DIV IDIV (F6/F7 /4-/7), the two- and
 * three-operand IMUL forms (0F AF, 69, 6B) and MULX (BMI2) (SDM Vol. 2A/2B,
 * the instruction pages). 64-bit products and dividends use 128-bit
 * arithmetic.
 *
 * Undefined flags (the vectors do not compare them; these are the choices):
 *  - MUL/IMUL leave SF ZF AF PF undefined. We do what Intel P6-and-later
 *    cores do as Bochs models them: SF ZF PF from the low half of the
 *    product (the part written to AL/AX/EAX/RAX or the destination), AF
 *    cleared.
 *  - DIV/IDIV leave all six undefined. We leave them unchanged (Bochs and
 *    QEMU do the same for Intel models).
 */
#include "cpu/operand.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* The register that receives the high half (MUL/IMUL) or the remainder
 * (DIV/IDIV), and supplies the dividend's high half: AH for byte operands,
 * else rDX. */
static inline unsigned high_reg(unsigned size)
{
    return size == 1 ? R_AH : R_DX;
}

/* CF = OF = `overflow`; SF ZF PF from the low half; AF cleared (Intel). */
static void mul_flags(struct cpu *cpu, unsigned size, uint64_t lo, bool overflow)
{
    flags_set_arith(cpu, szp_flags(lo, size) | (overflow ? F_CF | F_OF : 0));
}

/* Signed product of two `size`-byte operands: returns the low half, stores
 * the high half in *hi, and in *overflow whether the product does not fit
 * (sign-extended) in `size` bytes. */
static uint64_t imul_product(uint64_t a, uint64_t b, unsigned size, uint64_t *hi, bool *overflow)
{
    s128 p = (s128)sign_extend(a, size) * (s128)sign_extend(b, size);
    uint64_t lo = (uint64_t)p & size_mask(size);
    *hi = (uint64_t)((u128)p >> (size * 8)) & size_mask(size);
    *overflow = p != (s128)sign_extend(lo, size);
    return lo;
}

/* MUL r/m: AL/AX/EAX/RAX * r/m into AH:AL, DX:AX, EDX:EAX, RDX:RAX.
 * CF = OF = 1 when the upper half is non-zero (SDM MUL). */
void op_mul(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t a = reg_read(cpu, R_AX, size);
    u128 p = (u128)a * b;
    uint64_t lo = (uint64_t)p & size_mask(size);
    uint64_t hi = (uint64_t)(p >> (size * 8)) & size_mask(size);
    reg_write(cpu, R_AX, size, lo);
    reg_write(cpu, high_reg(size), size, hi);
    mul_flags(cpu, size, lo, hi != 0);
}

/* IMUL r/m (one operand): signed, same registers as MUL. CF = OF = 1 when
 * the upper half is not the sign extension of the lower half (SDM IMUL). */
void op_imul1(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t hi;
    bool overflow;
    uint64_t lo = imul_product(reg_read(cpu, R_AX, size), b, size, &hi, &overflow);
    reg_write(cpu, R_AX, size, lo);
    reg_write(cpu, high_reg(size), size, hi);
    mul_flags(cpu, size, lo, overflow);
}

/* IMUL reg, r/m (0F AF): the product truncated to the operand size; CF = OF
 * = 1 when the truncation lost significant bits. */
void op_imul_reg_rm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t hi;
    bool overflow;
    uint64_t lo = imul_product(reg_read(cpu, in->reg, size), b, size, &hi, &overflow);
    reg_write(cpu, in->reg, size, lo);
    mul_flags(cpu, size, lo, overflow);
}

/* IMUL reg, r/m, imm (69: imm16/32, 6B: imm8, both sign-extended). */
void op_imul_imm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t hi;
    bool overflow;
    uint64_t lo = imul_product(b, in->imm & size_mask(size), size, &hi, &overflow);
    reg_write(cpu, in->reg, size, lo);
    mul_flags(cpu, size, lo, overflow);
}

/* MULX (VEX.F2.0F38 F6, BMI2): unsigned EDX/RDX * r/m; the high half goes to
 * in->reg, the low half to in->vreg. When both name the same register the
 * high half is what remains (SDM MULX: "If the first and second operand are
 * identical, it will contain the high half"). No flags are affected. */
void op_mulx(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    u128 p = (u128)reg_read(cpu, R_DX, size) * b;
    reg_write(cpu, in->vreg, size, (uint64_t)p & size_mask(size));
    reg_write(cpu, in->reg, size, (uint64_t)(p >> (size * 8)) & size_mask(size));
}

/* The double-width dividend AX, DX:AX, EDX:EAX or RDX:RAX. */
static u128 dividend(const struct cpu *cpu, unsigned size)
{
    return ((u128)reg_read(cpu, high_reg(size), size) << (size * 8)) | reg_read(cpu, R_AX, size);
}

/* DIV r/m: unsigned. #DE when the divisor is 0 or the quotient does not fit
 * the operand size (SDM DIV); the fault leaves every register unchanged. */
void op_div(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    if (b == 0)
        raise_de(cpu);
    u128 n = dividend(cpu, size);
    u128 q = n / b;
    if (q > size_mask(size))
        raise_de(cpu);
    uint64_t r = (uint64_t)(n % b);
    reg_write(cpu, R_AX, size, (uint64_t)q);
    reg_write(cpu, high_reg(size), size, r);
}

/* IDIV r/m: signed, quotient truncated toward zero, remainder with the
 * dividend's sign. #DE when the divisor is 0 or the quotient is outside
 * [-2^(n-1), 2^(n-1)-1] (this includes the most negative dividend divided
 * by -1) (SDM IDIV). Computed on magnitudes, so no C overflow is possible. */
void op_idiv(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t mask = size_mask(size);
    uint64_t b = rm_read(cpu, in, size);
    if (b == 0)
        raise_de(cpu);

    u128 n = dividend(cpu, size);
    u128 nmask = bits == 64 ? ~(u128)0 : (((u128)1) << (2 * bits)) - 1;
    bool n_neg = (n >> (2 * bits - 1)) & 1;
    bool d_neg = (b & sign_bit(size)) != 0;
    u128 n_mag = n_neg ? (-n) & nmask : n;
    uint64_t d_mag = d_neg ? (0 - b) & mask : b;

    u128 q_mag = n_mag / d_mag;
    uint64_t r_mag = (uint64_t)(n_mag % d_mag);
    bool q_neg = n_neg != d_neg;
    u128 limit = q_neg ? (u128)sign_bit(size) : (u128)(sign_bit(size) - 1);
    if (q_mag > limit)
        raise_de(cpu);

    uint64_t q = (q_neg ? 0 - (uint64_t)q_mag : (uint64_t)q_mag) & mask;
    uint64_t r = (n_neg ? 0 - r_mag : r_mag) & mask;
    reg_write(cpu, R_AX, size, q);
    reg_write(cpu, high_reg(size), size, r);
}
