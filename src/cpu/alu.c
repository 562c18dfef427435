/*
 * Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP in their nine
 * shapes, INC, DEC, NEG, NOT, TEST (SDM Vol. 2A/2B, the instruction pages).
 * Flags are recorded lazily (flags.h).
 */
#include "cpu/operand.h"

/* One of the eight group-1 operations on `size`-byte operands; returns the
 * result and records the flags. */
static inline uint64_t alu_op(struct cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
    uint64_t mask = size_mask(size), r;
    switch (op) {
    case ALU_ADD:
        r = (a + b) & mask;
        flags_lazy(cpu, LF_ADD, size, r, a, b);
        return r;
    case ALU_ADC:
        r = (a + b + flag_cf(cpu)) & mask;
        flags_lazy(cpu, LF_ADD, size, r, a, b);
        return r;
    case ALU_SUB:
    case ALU_CMP:
        r = (a - b) & mask;
        flags_lazy(cpu, LF_SUB, size, r, a, b);
        return r;
    case ALU_SBB:
        r = (a - b - flag_cf(cpu)) & mask;
        flags_lazy(cpu, LF_SUB, size, r, a, b);
        return r;
    case ALU_AND: r = a & b; break;
    case ALU_OR:  r = a | b; break;
    default:      r = a ^ b; break;     /* ALU_XOR */
    }
    flags_lazy(cpu, LF_LOGIC, size, r, a, b);
    return r;
}

/* op r/m, reg (00, 08, ... 38 and the odd forms). */
void op_alu_rm_reg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = reg_read(cpu, in->reg, size);
    if (in->mod == 3) {
        uint64_t r = alu_op(cpu, in->sub, size, reg_read(cpu, in->rm, size), b);
        if (in->sub != ALU_CMP)
            reg_write(cpu, in->rm, size, r);
        return;
    }
    uint64_t ea = insn_ea(cpu, in);
    uint64_t a = mem_read(cpu, in->seg, ea, size);
    struct lazy_flags saved = cpu->lf;
    uint64_t saved_flags = cpu->rflags;
    uint64_t r = alu_op(cpu, in->sub, size, a, b);
    if (in->sub != ALU_CMP) {
        /* The flags must not change if the write faults. */
        struct lazy_flags now = cpu->lf;
        cpu->lf = saved;
        cpu->rflags = saved_flags;
        mem_write(cpu, in->seg, ea, size, r);
        cpu->lf = now;
    }
}

/* op reg, r/m (02, 0A, ... 3B). */
void op_alu_reg_rm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = rm_read(cpu, in, size);
    uint64_t r = alu_op(cpu, in->sub, size, reg_read(cpu, in->reg, size), b);
    if (in->sub != ALU_CMP)
        reg_write(cpu, in->reg, size, r);
}

/* op AL/eAX, imm (04, 05, ... 3D). */
void op_alu_acc_imm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t r = alu_op(cpu, in->sub, size, reg_read(cpu, R_AX, size), in->imm & size_mask(size));
    if (in->sub != ALU_CMP)
        reg_write(cpu, R_AX, size, r);
}

/* Group 1: op r/m, imm (80, 81, 83; 82 outside 64-bit mode). */
void op_alu_rm_imm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t b = in->imm & size_mask(size);
    if (in->mod == 3) {
        uint64_t r = alu_op(cpu, in->sub, size, reg_read(cpu, in->rm, size), b);
        if (in->sub != ALU_CMP)
            reg_write(cpu, in->rm, size, r);
        return;
    }
    uint64_t ea = insn_ea(cpu, in);
    uint64_t a = mem_read(cpu, in->seg, ea, size);
    if (in->sub == ALU_CMP) {
        alu_op(cpu, in->sub, size, a, b);
        return;
    }
    struct lazy_flags saved = cpu->lf;
    uint64_t saved_flags = cpu->rflags;
    uint64_t r = alu_op(cpu, in->sub, size, a, b);
    struct lazy_flags now = cpu->lf;
    cpu->lf = saved;
    cpu->rflags = saved_flags;
    mem_write(cpu, in->seg, ea, size, r);
    cpu->lf = now;
}

/* INC/DEC keep CF (SDM: "The CF flag is not affected"): materialise it into
 * rflags so the lazy INC/DEC kind can read it back. */
static void inc_dec(struct cpu *cpu, const struct insn *in, unsigned r_or_rm, bool dec, bool in_opcode)
{
    unsigned size = in->opsize;
    uint64_t a, r;
    bool mem = !in_opcode && in->mod != 3;
    uint64_t ea = 0;
    if (mem) {
        ea = insn_ea(cpu, in);
        a = mem_read(cpu, in->seg, ea, size);
    } else {
        a = reg_read(cpu, r_or_rm, size);
    }
    r = (dec ? a - 1 : a + 1) & size_mask(size);
    if (mem)
        mem_write(cpu, in->seg, ea, size, r);
    else
        reg_write(cpu, r_or_rm, size, r);
    uint64_t cf = flag_cf(cpu) ? F_CF : 0;
    cpu->rflags = (cpu->rflags & ~(uint64_t)F_CF) | cf;
    flags_lazy(cpu, dec ? LF_DEC : LF_INC, size, r, a, 1);
}

void op_inc_rm(struct cpu *cpu, const struct insn *in) { inc_dec(cpu, in, in->rm, false, false); }
void op_dec_rm(struct cpu *cpu, const struct insn *in) { inc_dec(cpu, in, in->rm, true, false); }
void op_inc_r(struct cpu *cpu, const struct insn *in)  { inc_dec(cpu, in, in->rm, false, true); }
void op_dec_r(struct cpu *cpu, const struct insn *in)  { inc_dec(cpu, in, in->rm, true, true); }

/* NEG: 0 - src, with CF = (src != 0), i.e. the SUB flags of 0 - src. */
void op_neg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t a = rm_read(cpu, in, size);
    uint64_t r = (0 - a) & size_mask(size);
    rm_write(cpu, in, size, r);
    flags_lazy(cpu, LF_SUB, size, r, 0, a);
}

/* NOT: no flags affected. */
void op_not(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    rm_write(cpu, in, size, ~rm_read(cpu, in, size) & size_mask(size));
}

void op_test_rm_reg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t r = rm_read(cpu, in, size) & reg_read(cpu, in->reg, size);
    flags_lazy(cpu, LF_LOGIC, size, r, 0, 0);
}

void op_test_acc_imm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t r = reg_read(cpu, R_AX, size) & in->imm & size_mask(size);
    flags_lazy(cpu, LF_LOGIC, size, r, 0, 0);
}

void op_test_rm_imm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t r = rm_read(cpu, in, size) & in->imm & size_mask(size);
    flags_lazy(cpu, LF_LOGIC, size, r, 0, 0);
}

/* Register-only forms, chosen by the decoder (alu_specialize): the operation
 * is fixed per handler, so the hot ALU path has no switch on `sub`. */
#define ALU_REG_FORMS(op, OP, expr, kind)                                              \
    static void op##_rr(struct cpu *cpu, const struct insn *in)                        \
    {                                                                                  \
        unsigned size = in->opsize;                                                    \
        uint64_t a = reg_read(cpu, in->rm, size), b = reg_read(cpu, in->reg, size);   \
        uint64_t r = (expr) & size_mask(size);                                        \
        if (OP != ALU_CMP) reg_write(cpu, in->rm, size, r);                            \
        flags_lazy(cpu, kind, size, r, a, b);                                          \
    }                                                                                  \
    static void op##_rr_rev(struct cpu *cpu, const struct insn *in)                    \
    {                                                                                  \
        unsigned size = in->opsize;                                                    \
        uint64_t a = reg_read(cpu, in->reg, size), b = reg_read(cpu, in->rm, size);   \
        uint64_t r = (expr) & size_mask(size);                                        \
        if (OP != ALU_CMP) reg_write(cpu, in->reg, size, r);                           \
        flags_lazy(cpu, kind, size, r, a, b);                                          \
    }                                                                                  \
    static void op##_ri(struct cpu *cpu, const struct insn *in)                        \
    {                                                                                  \
        unsigned size = in->opsize;                                                    \
        uint64_t a = reg_read(cpu, in->rm, size), b = in->imm & size_mask(size);       \
        uint64_t r = (expr) & size_mask(size);                                        \
        if (OP != ALU_CMP) reg_write(cpu, in->rm, size, r);                            \
        flags_lazy(cpu, kind, size, r, a, b);                                          \
    }

ALU_REG_FORMS(add, ALU_ADD, a + b, LF_ADD)
ALU_REG_FORMS(or,  ALU_OR,  a | b, LF_LOGIC)
ALU_REG_FORMS(adc, ALU_ADC, a + b + flag_cf(cpu), LF_ADD)
ALU_REG_FORMS(sbb, ALU_SBB, a - b - flag_cf(cpu), LF_SUB)
ALU_REG_FORMS(and, ALU_AND, a & b, LF_LOGIC)
ALU_REG_FORMS(sub, ALU_SUB, a - b, LF_SUB)
ALU_REG_FORMS(xor, ALU_XOR, a ^ b, LF_LOGIC)
ALU_REG_FORMS(cmp, ALU_CMP, a - b, LF_SUB)

static void inc_r64(struct cpu *cpu, const struct insn *in)
{
    uint64_t a = cpu->gpr[in->rm], r = a + 1;
    cpu->rflags = (cpu->rflags & ~(uint64_t)F_CF) | (flag_cf(cpu) ? F_CF : 0);
    cpu->gpr[in->rm] = r;
    flags_lazy(cpu, LF_INC, 8, r, a, 1);
}

static void dec_r64(struct cpu *cpu, const struct insn *in)
{
    uint64_t a = cpu->gpr[in->rm], r = a - 1;
    cpu->rflags = (cpu->rflags & ~(uint64_t)F_CF) | (flag_cf(cpu) ? F_CF : 0);
    cpu->gpr[in->rm] = r;
    flags_lazy(cpu, LF_DEC, 8, r, a, 1);
}

insn_fn *alu_specialize(const struct insn *in)
{
    static insn_fn *const rr[8] = { add_rr, or_rr, adc_rr, sbb_rr, and_rr, sub_rr, xor_rr, cmp_rr };
    static insn_fn *const rr_rev[8] = { add_rr_rev, or_rr_rev, adc_rr_rev, sbb_rr_rev,
                                        and_rr_rev, sub_rr_rev, xor_rr_rev, cmp_rr_rev };
    static insn_fn *const ri[8] = { add_ri, or_ri, adc_ri, sbb_ri, and_ri, sub_ri, xor_ri, cmp_ri };
    if (in->mod != 3)
        return in->fn;
    if (in->fn == op_alu_rm_reg)
        return rr[in->sub & 7];
    if (in->fn == op_alu_reg_rm)
        return rr_rev[in->sub & 7];
    if (in->fn == op_alu_rm_imm)
        return ri[in->sub & 7];
    if (in->opsize == 8 && in->fn == op_inc_rm)
        return inc_r64;
    if (in->opsize == 8 && in->fn == op_dec_rm)
        return dec_r64;
    return in->fn;
}
