/*
 * Exchange and compare-and-exchange: XCHG (86/87, 90+r), XADD, CMPXCHG,
 * CMPXCHG8B, CMPXCHG16B (SDM Vol. 2A/2B, the instruction pages).
 *
 * The decoder has already validated LOCK. Execution is single-threaded, so
 * the locked forms behave exactly like the unlocked ones. Memory is written
 * before any register or flag, so a faulting write leaves the state intact.
 */
#include "cpu/operand.h"

/* XCHG r/m, reg (86, 87). With a memory operand the processor locks the
 * access whether or not LOCK is present; that makes no difference here.
 * XCHG r32, r32 writes (and so zero-extends) both registers, even when they
 * are the same one. */
void op_xchg_rm_reg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t r = reg_read(cpu, in->reg, size);
    if (in->mod == 3) {
        uint64_t m = reg_read(cpu, in->rm, size);
        reg_write(cpu, in->rm, size, r);
        reg_write(cpu, in->reg, size, m);
        return;
    }
    uint64_t ea = insn_ea(cpu, in);
    uint64_t m = mem_read(cpu, in->seg, ea, size);
    mem_write(cpu, in->seg, ea, size, r);
    reg_write(cpu, in->reg, size, m);
}

/* XCHG r, rAX (90+r). 90 without REX.B is NOP/PAUSE (the decoder routes it
 * elsewhere, so `xchg eax, eax` never zero-extends RAX); 90 with REX.B is
 * XCHG r8, rAX and does. */
void op_xchg_acc_r(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t acc = reg_read(cpu, R_AX, size);
    uint64_t r = reg_read(cpu, in->rm, size);
    reg_write(cpu, R_AX, size, r);
    reg_write(cpu, in->rm, size, acc);
}

/* XADD r/m, reg (0F C0/C1): TEMP = SRC + DEST; SRC = DEST; DEST = TEMP, in
 * that order, so `xadd eax, eax` leaves the sum. Flags as ADD. */
void op_xadd(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t src = reg_read(cpu, in->reg, size);
    uint64_t dest, sum;
    if (in->mod == 3) {
        dest = reg_read(cpu, in->rm, size);
        sum = (dest + src) & size_mask(size);
        reg_write(cpu, in->reg, size, dest);
        reg_write(cpu, in->rm, size, sum);
    } else {
        uint64_t ea = insn_ea(cpu, in);
        dest = mem_read(cpu, in->seg, ea, size);
        sum = (dest + src) & size_mask(size);
        mem_write(cpu, in->seg, ea, size, sum);
        reg_write(cpu, in->reg, size, dest);
    }
    flags_lazy(cpu, LF_ADD, size, sum, dest, src);
}

/* CMPXCHG r/m, reg (0F B0/B1). Flags as CMP accumulator, DEST.
 * Equal: ZF=1 and DEST = SRC; the accumulator is not written.
 * Unequal: ZF=0 and accumulator = DEST (a 32-bit accumulator write
 * zero-extends RAX).
 * Memory destination: "the destination operand receives a write cycle
 * without regard to the result of the comparison" (SDM), so the old value is
 * written back when unequal: a read-only destination faults either way.
 * Register destination: Intel writes it only when equal; when unequal a
 * 32-bit destination keeps its upper half (no zero-extension). With
 * `cmpxchg eax, r` the destination is the accumulator, so it is written
 * (zero-extended) on both paths. */
void op_cmpxchg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t acc = reg_read(cpu, R_AX, size);
    uint64_t src = reg_read(cpu, in->reg, size);
    uint64_t dest;
    bool equal;
    if (in->mod == 3) {
        dest = reg_read(cpu, in->rm, size);
        equal = dest == acc;
        if (equal)
            reg_write(cpu, in->rm, size, src);
    } else {
        uint64_t ea = insn_ea(cpu, in);
        dest = mem_read(cpu, in->seg, ea, size);
        equal = dest == acc;
        mem_write(cpu, in->seg, ea, size, equal ? src : dest);
    }
    if (!equal)
        reg_write(cpu, R_AX, size, dest);
    flags_lazy(cpu, LF_SUB, size, (acc - dest) & size_mask(size), acc, dest);
}

/* CMPXCHG8B m64 (0F C7 /1): compare EDX:EAX with m64. Equal: ZF=1 and
 * m64 = ECX:EBX. Unequal: ZF=0 and EDX:EAX = m64 (both 32-bit writes, so
 * RAX and RDX are zero-extended in 64-bit mode); the old value is written
 * back (SDM: write cycle regardless of the comparison). Only ZF changes. */
void op_cmpxchg8b(struct cpu *cpu, const struct insn *in)
{
    uint64_t ea = insn_ea(cpu, in);
    uint64_t old = mem_read(cpu, in->seg, ea, 8);
    uint64_t cmp = reg_read(cpu, R_DX, 4) << 32 | reg_read(cpu, R_AX, 4);
    if (old == cmp) {
        mem_write(cpu, in->seg, ea, 8, reg_read(cpu, R_CX, 4) << 32 | reg_read(cpu, R_BX, 4));
        flags_update(cpu, F_ZF, F_ZF);
        return;
    }
    mem_write(cpu, in->seg, ea, 8, old);
    reg_write(cpu, R_AX, 4, old & 0xffffffffu);
    reg_write(cpu, R_DX, 4, old >> 32);
    flags_update(cpu, F_ZF, 0);
}

/* CMPXCHG16B m128 (REX.W 0F C7 /1): RDX:RAX against m128, RCX:RBX stored
 * when equal, m128 loaded into RDX:RAX when not. #GP(0) if the operand is
 * not 16-byte aligned (checked on the linear address, before any access).
 * The 16 bytes are probed for writing before either half is stored, so the
 * write is all-or-nothing. Only ZF changes. */
void op_cmpxchg16b(struct cpu *cpu, const struct insn *in)
{
    uint64_t ea = insn_ea(cpu, in);
    /* 64-bit mode: only FS and GS contribute a base (SDM Vol. 3A, 3.2.4). */
    uint64_t base = (cpu->mode != MODE_LONG64 || in->seg >= S_FS) ? cpu->seg[in->seg].base : 0;
    if ((ea + base) & 15)
        raise_gp0(cpu);
    uint64_t ea_hi = addr_mask(in->adsize, ea + 8);
    uint64_t lo = mem_read(cpu, in->seg, ea, 8);
    uint64_t hi = mem_read(cpu, in->seg, ea_hi, 8);
    mem_probe_write(cpu, in->seg, ea, 16);
    bool equal = lo == cpu->gpr[R_AX] && hi == cpu->gpr[R_DX];
    if (equal) {
        mem_write(cpu, in->seg, ea, 8, cpu->gpr[R_BX]);
        mem_write(cpu, in->seg, ea_hi, 8, cpu->gpr[R_CX]);
    } else {
        mem_write(cpu, in->seg, ea, 8, lo);
        mem_write(cpu, in->seg, ea_hi, 8, hi);
        cpu->gpr[R_AX] = lo;
        cpu->gpr[R_DX] = hi;
    }
    flags_update(cpu, F_ZF, equal ? F_ZF : 0);
}
