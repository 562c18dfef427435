/*
 * Shifts and rotates: ROL ROR RCL RCR SHL/SAL SHR SAR (group 2: D0-D3, C0,
 * C1), SHLD and SHRD (0F A4/A5/AC/AD), and the BMI2 forms SHLX SARX SHRX
 * RORX (SDM Vol. 2B, the instruction pages).
 *
 * Flags are computed eagerly (flags.h): shifts set all six status flags,
 * rotates only CF and OF. Where the SDM leaves a flag undefined we implement
 * the Intel (P6 and later) behaviour as Bochs models it; every such choice is
 * marked "undefined:" below. The vectors do not compare undefined flags.
 *
 * Count 0 (after masking): no flag changes, but
 *  - a 32-bit register destination is still written, so its upper half is
 *    zeroed in 64-bit mode. The SDM Operation sections do not assign DEST
 *    when the count is 0, but the general rule of Vol. 1, 3.4.1.1 (32-bit
 *    operands give a result zero-extended into the 64-bit register) holds on
 *    Intel silicon: the shift uop writes its destination unconditionally.
 *  - a memory destination is read, and checked for writability as for any
 *    read-modify-write instruction, but not written.
 */
#include "cpu/operand.h"

typedef unsigned __int128 u128;

/* The count mask of group 2, SHLD/SHRD and the BMI2 shifts: 5 bits, 6 with a
 * 64-bit operand (SDM SAL/SAR/SHL/SHR, "countMASK"). */
static inline unsigned count_mask(unsigned size)
{
    return size == 8 ? 0x3f : 0x1f;
}

static inline unsigned msb(uint64_t v, unsigned size)
{
    return (v & sign_bit(size)) != 0;
}

/* Bit `size*8 - 2` of v: the bit below the sign. */
static inline unsigned msb2(uint64_t v, unsigned size)
{
    return (v >> (size * 8 - 2)) & 1;
}

static inline uint32_t cf_of_bits(unsigned cf, unsigned of)
{
    return (cf ? F_CF : 0) | (of ? F_OF : 0);
}

/* Rotate `v` (`bits` wide, 0 < rot < bits) left / right. */
static inline uint64_t rotl(uint64_t v, unsigned rot, unsigned bits, uint64_t mask)
{
    return rot ? ((v << rot) | (v >> (bits - rot))) & mask : v;
}

static inline uint64_t rotr(uint64_t v, unsigned rot, unsigned bits, uint64_t mask)
{
    return rot ? ((v >> rot) | (v << (bits - rot))) & mask : v;
}

/* A masked count of 0: read the operand (faults as the instruction would),
 * write a register destination back (zero-extends a 32-bit one), check that a
 * memory destination is writable. Flags are not affected. */
static void shift_count_zero(struct cpu *cpu, const struct insn *in, unsigned size)
{
    if (in->mod == 3) {
        reg_write(cpu, in->rm, size, reg_read(cpu, in->rm, size));
        return;
    }
    uint64_t ea = insn_ea(cpu, in);
    mem_read(cpu, in->seg, ea, size);
    mem_probe_write(cpu, in->seg, ea, size);
}

/* Group 2 with a raw (unmasked) count. The result is written first (a memory
 * write may fault); the flags are committed after it. */
static void shift_group2(struct cpu *cpu, const struct insn *in, unsigned raw_count)
{
    unsigned size = in->opsize, bits = size * 8;
    unsigned count = raw_count & count_mask(size);
    uint64_t mask = size_mask(size);

    if (count == 0) {
        shift_count_zero(cpu, in, size);
        return;
    }

    uint64_t v = rm_read(cpu, in, size), r;
    unsigned cf, of;
    bool rotate = true;

    switch (in->sub) {
    case SH_ROL: {
        /* SDM RCL/RCR/ROL/ROR: tempCOUNT = count MOD size; CF := LSB(DEST)
         * whenever the masked count is non-zero (also when tempCOUNT is 0). */
        r = rotl(v, count & (bits - 1), bits, mask);
        cf = r & 1;
        /* count 1: OF = MSB(DEST) XOR CF. undefined for other counts: Intel
         * uses the same formula on the result. */
        of = msb(r, size) ^ cf;
        break;
    }
    case SH_ROR:
        r = rotr(v, count & (bits - 1), bits, mask);
        cf = msb(r, size);
        /* count 1: OF = MSB(DEST) XOR MSB-1(DEST). undefined otherwise:
         * Intel uses the same formula on the result. */
        of = msb(r, size) ^ msb2(r, size);
        break;
    case SH_RCL:
    case SH_RCR: {
        /* Rotate through CF: a (bits+1)-bit rotation. tempCOUNT is
         * (count AND 1FH) MOD 9 for 8-bit and MOD 17 for 16-bit operands;
         * when it is 0 nothing changes (the SDM loop does not run; OF is
         * undefined there and is left alone, like CF). */
        unsigned c = size == 1 ? count % 9 : size == 2 ? count % 17 : count;
        if (c == 0) {
            shift_count_zero(cpu, in, size);
            return;
        }
        u128 wmask = (((u128)1) << (bits + 1)) - 1;
        u128 w = ((u128)flag_cf(cpu) << bits) | v, rw;
        if (in->sub == SH_RCL)
            rw = ((w << c) | (w >> (bits + 1 - c))) & wmask;
        else
            rw = ((w >> c) | (w << (bits + 1 - c))) & wmask;
        r = (uint64_t)rw & mask;
        cf = (unsigned)(rw >> bits) & 1;
        /* count 1: RCL OF = MSB(DEST) XOR CF (after); RCR OF = MSB(DEST) XOR
         * CF (before), which is MSB XOR MSB-1 of the result. undefined for
         * other counts: Intel uses the same formulas on the result. */
        if (in->sub == SH_RCL)
            of = msb(r, size) ^ cf;
        else
            of = msb(r, size) ^ msb2(r, size);
        break;
    }
    case SH_SHL:
    case SH_SAL: {
        /* CF is the last bit shifted out: 0 once count > size (the SDM
         * calls CF undefined for count >= size; this is what the loop gives
         * and what Intel does). */
        u128 w = (u128)v << count;
        r = (uint64_t)w & mask;
        cf = (unsigned)(w >> bits) & 1;
        /* count 1: OF = MSB(DEST) XOR CF. undefined otherwise: Intel uses the
         * same formula on the result. */
        of = msb(r, size) ^ cf;
        rotate = false;
        break;
    }
    case SH_SHR:
        r = count < bits ? v >> count : 0;
        cf = count <= bits ? (v >> (count - 1)) & 1 : 0;
        /* count 1: OF = MSB(tempDEST). undefined otherwise: Intel computes
         * MSB XOR MSB-1 of the result, which is 0 for any count > 1. */
        of = count == 1 ? msb(v, size) : 0;
        rotate = false;
        break;
    default: { /* SH_SAR */
        int64_t s = sign_extend(v, size);
        unsigned c = count > 63 ? 63 : count;
        r = (uint64_t)(s >> c) & mask;
        cf = (unsigned)(s >> (c - 1)) & 1;
        of = 0;         /* count 1: OF := 0; other counts: Intel clears it too */
        rotate = false;
        break;
    }
    }

    rm_write(cpu, in, size, r);
    if (rotate)
        flags_update(cpu, F_CF | F_OF, cf_of_bits(cf, of));  /* SF ZF AF PF unaffected */
    else
        /* undefined: AF after a non-zero shift; Intel clears it. */
        flags_set_arith(cpu, szp_flags(r, size) | cf_of_bits(cf, of));
}

/* D0/D1: count 1. */
void op_shift_1(struct cpu *cpu, const struct insn *in)
{
    shift_group2(cpu, in, 1);
}

/* D2/D3: count in CL. */
void op_shift_cl(struct cpu *cpu, const struct insn *in)
{
    shift_group2(cpu, in, (unsigned)reg_read(cpu, R_CX, 1));
}

/* C0/C1: count in imm8. */
void op_shift_imm(struct cpu *cpu, const struct insn *in)
{
    shift_group2(cpu, in, (unsigned)(in->imm & 0xff));
}

/*
 * SHLD/SHRD: shift the destination (r/m) by `count`, filling from the source
 * register (in->reg). `sub` 0: count in imm8, 1: count in CL; masked to 5
 * bits (6 with REX.W). Count 0: nothing changes (a 32-bit register
 * destination is still zero-extended, see the top of the file).
 *
 * 16-bit operands with a count of 17..31 are undefined in the SDM. We follow
 * the P6-and-later Intel behaviour (as Bochs documents it): the shift acts on
 * the 48-bit concatenation DEST:SRC:DEST, so SHLD r16 by n > 16 gives
 * SRC:DEST shifted left by n-16, and SHRD gives DEST:SRC shifted right by
 * n-16. CF is then the last bit shifted out of that 48-bit value.
 *
 * Flags: SF ZF PF from the result; CF the last bit shifted out; OF (defined
 * for count 1: set when the sign changed) uses the count-1 formula for every
 * count, as Intel does (undefined in the SDM); AF undefined, cleared as on
 * Intel.
 */
static void shift_double(struct cpu *cpu, const struct insn *in, bool left)
{
    unsigned size = in->opsize, bits = size * 8;
    unsigned raw = in->sub == 0 ? (unsigned)(in->imm & 0xff) : (unsigned)reg_read(cpu, R_CX, 1);
    unsigned count = raw & count_mask(size);
    uint64_t mask = size_mask(size);

    if (count == 0) {
        shift_count_zero(cpu, in, size);
        return;
    }

    uint64_t d = rm_read(cpu, in, size);
    uint64_t s = reg_read(cpu, in->reg, size);
    uint64_t r;
    unsigned cf, of;

    /* The shifted value W, `total` bits wide: DEST:SRC (SHLD) or SRC:DEST
     * (SHRD) for 32/64-bit operands; DEST:SRC:DEST for 16-bit ones (which
     * also covers counts above 16). */
    unsigned total;
    u128 w;
    if (size == 2) {
        total = 48;
        w = ((u128)d << 32) | ((u128)s << 16) | d;
    } else {
        total = 2 * bits;
        w = left ? (((u128)d << bits) | s) : (((u128)s << bits) | d);
    }

    if (left) {
        /* Result: the top `bits` bits of W << count. */
        r = (uint64_t)((w << count) >> (total - bits)) & mask;
        cf = (unsigned)(w >> (total - count)) & 1;
        of = msb(r, size) ^ cf;
    } else {
        /* Result: the low `bits` bits of W >> count. */
        r = (uint64_t)(w >> count) & mask;
        cf = (unsigned)(w >> (count - 1)) & 1;
        of = msb(r, size) ^ msb2(r, size);
    }

    rm_write(cpu, in, size, r);
    flags_set_arith(cpu, szp_flags(r, size) | cf_of_bits(cf, of));
}

void op_shld(struct cpu *cpu, const struct insn *in)
{
    shift_double(cpu, in, true);
}

void op_shrd(struct cpu *cpu, const struct insn *in)
{
    shift_double(cpu, in, false);
}

/* SHLX/SARX/SHRX (VEX.0F38 F7, BMI2): dest = in->reg, source = r/m, count =
 * the VEX.vvvv register masked to 5 bits (6 with VEX.W). No flags are
 * affected. A 32-bit destination is zero-extended. */
void op_shiftx(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t v = rm_read(cpu, in, size);
    unsigned count = (unsigned)reg_read(cpu, in->vreg, size) & count_mask(size);
    uint64_t r;
    switch (in->sub) {
    case SH_SHL: r = v << count; break;
    case SH_SAR: r = (uint64_t)(sign_extend(v, size) >> count); break;
    default:     r = v >> count; break;     /* SH_SHR */
    }
    reg_write(cpu, in->reg, size, r & size_mask(size));
}

/* RORX (VEX.F2.0F3A F0, BMI2): dest = in->reg, source = r/m, rotated right by
 * imm8 masked to 5 bits (6 with VEX.W). No flags are affected. */
void op_rorx(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t v = rm_read(cpu, in, size);
    unsigned count = (unsigned)in->imm & count_mask(size);
    reg_write(cpu, in->reg, size, rotr(v, count, bits, size_mask(size)));
}
