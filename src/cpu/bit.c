/*
 * Bit instructions: BT BTS BTR BTC (register and immediate bit offsets),
 * BSF BSR, POPCNT, LZCNT, TZCNT (SDM Vol. 2A/2B, the instruction pages).
 *
 * Flags the SDM leaves undefined are set the way Intel silicon is reported to
 * set them (see each handler); AMD differs on several of them, and this is
 * not modelled.
 */
#include "cpu/operand.h"

/* The value after BTS/BTR/BTC applied `m` (the selected bit's mask). */
static inline uint64_t bt_modify(unsigned op, uint64_t v, uint64_t m)
{
    switch (op) {
    case BT_BTS: return v | m;
    case BT_BTR: return v & ~m;
    case BT_BTC: return v ^ m;
    default:     return v;          /* BT_BT */
    }
}

/* Test (and for BTS/BTR/BTC, modify) bit `bit` of the r/m operand, which for
 * a memory operand lives at offset `ea`. CF receives the old bit. ZF is
 * unaffected (SDM). OF, SF, AF and PF are undefined; Intel leaves them
 * unchanged, which is what we do (flags_update touches CF only).
 * The memory write comes before the flag update, so a faulting write leaves
 * every flag intact. */
static void bt_exec(struct cpu *cpu, const struct insn *in, uint64_t ea, unsigned bit)
{
    unsigned size = in->opsize;
    uint64_t m = 1ull << bit;
    uint64_t v;
    if (in->mod == 3) {
        v = reg_read(cpu, in->rm, size);
        /* BT does not write: a 32-bit BT leaves the upper half alone, while
         * BTS/BTR/BTC write the register and zero-extend it. */
        if (in->sub != BT_BT)
            reg_write(cpu, in->rm, size, bt_modify(in->sub, v, m));
    } else {
        v = mem_read(cpu, in->seg, ea, size);
        if (in->sub != BT_BT)
            mem_write(cpu, in->seg, ea, size, bt_modify(in->sub, v, m));
    }
    flags_update(cpu, F_CF, (v & m) ? F_CF : 0);
}

/* BT/BTS/BTR/BTC r/m, reg (0F A3/AB/B3/BB). With a register operand the bit
 * offset is taken modulo the operand width. With a memory operand it is a
 * signed value of the operand size addressing a bit string (SDM "BT",
 * Bit(BitBase, BitOffset)): the operand-size access is made at
 * EA + size * (offset SAR log2(bits)), wrapped to the address size, and the
 * bit inside it is offset mod bits. */
void op_bt_rm_reg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t off = reg_read(cpu, in->reg, size);
    uint64_t ea = 0;
    if (in->mod != 3) {
        int64_t soff = sign_extend(off, size);
        int64_t units = soff >> __builtin_ctz(bits);    /* arithmetic shift */
        ea = addr_mask(in->adsize, insn_ea(cpu, in) + (uint64_t)units * size);
    }
    bt_exec(cpu, in, ea, (unsigned)(off & (bits - 1)));
}

/* Group 8: BT/BTS/BTR/BTC r/m, imm8 (0F BA /4../7). The immediate is taken
 * modulo the operand width for register and memory operands alike (SDM "BT":
 * assemblers move the higher bits into the displacement). */
void op_bt_rm_imm(struct cpu *cpu, const struct insn *in)
{
    unsigned bits = in->opsize * 8u;
    uint64_t ea = in->mod == 3 ? 0 : insn_ea(cpu, in);
    bt_exec(cpu, in, ea, (unsigned)(in->imm & (bits - 1)));
}

/* BSF/BSR (0F BC/BD). Source 0: ZF=1 and the destination keeps its value.
 * The SDM calls the destination undefined; Intel (like AMD, which documents
 * it) leaves the value unchanged, but a 32-bit operand in 64-bit mode still
 * writes the register, so its upper half is zeroed (the old low half,
 * zero-extended, as CMOVcc does with a false condition).
 * Otherwise ZF=0 and the destination gets the bit index.
 * CF, OF, SF, AF and PF are undefined: we follow the Intel behaviour that
 * emulators targeting Intel (box64's Intel mode) model: CF=OF=SF=AF=0 and
 * PF from the parity of the result written (0 when the source is 0). */
static void bit_scan(struct cpu *cpu, const struct insn *in, bool reverse)
{
    unsigned size = in->opsize;
    uint64_t src = rm_read(cpu, in, size);
    if (src == 0) {
        reg_write(cpu, in->reg, size, reg_read(cpu, in->reg, size));
        flags_set_arith(cpu, F_ZF | parity_flag(0));
        return;
    }
    unsigned idx = reverse ? 63u - (unsigned)__builtin_clzll(src) : (unsigned)__builtin_ctzll(src);
    reg_write(cpu, in->reg, size, idx);
    flags_set_arith(cpu, parity_flag(idx));
}

void op_bsf(struct cpu *cpu, const struct insn *in) { bit_scan(cpu, in, false); }
void op_bsr(struct cpu *cpu, const struct insn *in) { bit_scan(cpu, in, true); }

/* POPCNT (F3 0F B8): OF SF AF CF PF cleared, ZF set when the source is 0
 * (SDM "POPCNT", Flags Affected). */
void op_popcnt(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t src = rm_read(cpu, in, size);
    reg_write(cpu, in->reg, size, (uint64_t)__builtin_popcountll(src));
    flags_set_arith(cpu, src ? 0 : F_ZF);
}

/* LZCNT/TZCNT (F3 0F BD/BC): the count is the operand width when the source
 * is 0. CF = (source == 0), ZF = (result == 0). OF, SF, AF and PF are
 * undefined; Intel clears them (box64's Intel mode models the same). */
static void count_zeros(struct cpu *cpu, const struct insn *in, bool leading)
{
    unsigned size = in->opsize, bits = size * 8;
    uint64_t src = rm_read(cpu, in, size);
    unsigned n;
    if (src == 0)
        n = bits;
    else if (leading)
        n = (unsigned)__builtin_clzll(src) - (64 - bits);
    else
        n = (unsigned)__builtin_ctzll(src);
    reg_write(cpu, in->reg, size, n);
    flags_set_arith(cpu, (src == 0 ? F_CF : 0) | (n == 0 ? F_ZF : 0));
}

void op_lzcnt(struct cpu *cpu, const struct insn *in) { count_zeros(cpu, in, true); }
void op_tzcnt(struct cpu *cpu, const struct insn *in) { count_zeros(cpu, in, false); }
