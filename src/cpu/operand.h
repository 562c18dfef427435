/*
 * Operand access for instruction handlers: registers by size (with the
 * AH..BH encoding), effective addresses, and the ModRM r/m operand whether
 * it is a register or memory. Everything a handler reads comes from here or
 * from mmu/access.h, so the rules live in one place.
 */
#ifndef RINGSCOPE_OPERAND_H
#define RINGSCOPE_OPERAND_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/fault.h"
#include "cpu/flags.h"
#include "mmu/access.h"

/* Read register `r` (0..15, or 16..19 for AH..BH) at `size` bytes. */
static inline uint64_t reg_read(const struct cpu *cpu, unsigned r, unsigned size)
{
    switch (size) {
    case 1:
        return r >= R_AH ? (cpu->gpr[r - R_AH] >> 8) & 0xff : cpu->gpr[r] & 0xff;
    case 2: return cpu->gpr[r] & 0xffff;
    case 4: return cpu->gpr[r] & 0xffffffffu;
    default: return cpu->gpr[r];
    }
}

/* Write register `r` at `size` bytes. 32-bit writes zero the upper half
 * (SDM Vol. 1, 3.4.1.1); 8- and 16-bit writes leave the rest alone. */
static inline void reg_write(struct cpu *cpu, unsigned r, unsigned size, uint64_t v)
{
    switch (size) {
    case 1:
        if (r >= R_AH)
            cpu->gpr[r - R_AH] = (cpu->gpr[r - R_AH] & ~0xff00ull) | ((v & 0xff) << 8);
        else
            cpu->gpr[r] = (cpu->gpr[r] & ~0xffull) | (v & 0xff);
        break;
    case 2: cpu->gpr[r] = (cpu->gpr[r] & ~0xffffull) | (v & 0xffff); break;
    case 4: cpu->gpr[r] = v & 0xffffffffu; break;
    default: cpu->gpr[r] = v; break;
    }
}

/* Mask an offset to the address size. */
static inline uint64_t addr_mask(unsigned adsize, uint64_t v)
{
    return adsize == 8 ? v : adsize == 4 ? (v & 0xffffffffu) : (v & 0xffff);
}

/* The effective address (offset within the segment) of the memory operand.
 * RIP-relative addressing uses the next instruction's RIP, which is what
 * cpu->rip holds while a handler runs. */
static inline uint64_t insn_ea(const struct cpu *cpu, const struct insn *in)
{
    uint64_t ea = (uint64_t)in->disp;
    if (in->base != REG_NONE)
        ea += in->base == REG_RIP ? cpu->rip : cpu->gpr[in->base];
    if (in->index != REG_NONE)
        ea += cpu->gpr[in->index] << in->scale;
    return addr_mask(in->adsize, ea);
}

/* The r/m operand at `size` bytes. */
static inline uint64_t rm_read(struct cpu *cpu, const struct insn *in, unsigned size)
{
    if (in->mod == 3)
        return reg_read(cpu, in->rm, size);
    return mem_read(cpu, in->seg, insn_ea(cpu, in), size);
}

static inline void rm_write(struct cpu *cpu, const struct insn *in, unsigned size, uint64_t v)
{
    if (in->mod == 3)
        reg_write(cpu, in->rm, size, v);
    else
        mem_write(cpu, in->seg, insn_ea(cpu, in), size, v);
}

/* Stack accesses: SS-relative at the stack-address size (SS.B, or 64 bits in
 * 64-bit mode). */
static inline uint64_t stack_mask(const struct cpu *cpu, uint64_t v)
{
    return addr_mask(cpu->stack_size, v);
}

/* Push `size` bytes. The write happens before RSP changes, so a fault leaves
 * RSP intact. */
static inline void push(struct cpu *cpu, unsigned size, uint64_t v)
{
    uint64_t sp = stack_mask(cpu, cpu->gpr[R_SP] - size);
    mem_write(cpu, S_SS, sp, size, v);
    reg_write(cpu, R_SP, cpu->stack_size, sp);
}

/* Read the value on top of the stack without popping it. */
static inline uint64_t stack_peek(struct cpu *cpu, unsigned size, unsigned offset)
{
    return mem_read(cpu, S_SS, stack_mask(cpu, cpu->gpr[R_SP] + offset), size);
}

/* Pop `size` bytes; RSP moves only after the read succeeded. */
static inline uint64_t pop(struct cpu *cpu, unsigned size)
{
    uint64_t v = stack_peek(cpu, size, 0);
    reg_write(cpu, R_SP, cpu->stack_size, cpu->gpr[R_SP] + size);
    return v;
}

/* Near branch to `target` at operand size `opsize` (SDM Vol. 2A, JMP):
 * the target is truncated to the operand size outside 64-bit mode and must
 * lie inside CS (#GP(0)), or be canonical in 64-bit mode (#GP(0)). The
 * fault is reported on the branch instruction. */
static inline void branch_near(struct cpu *cpu, uint64_t target, unsigned opsize)
{
    if (cpu->mode == MODE_LONG64) {
        if (unlikely(!is_canonical(target)))
            raise_gp0(cpu);
    } else {
        target &= opsize == 2 ? 0xffff : 0xffffffffu;
        if (unlikely(target > cpu->seg[S_CS].limit))
            raise_gp0(cpu);
    }
    cpu->rip = target;
    cpu_charge(cpu, T_BRANCH_TAKEN);
}

#endif
