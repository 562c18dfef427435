/*
 * Data movement: MOV in all general-purpose forms, MOVZX/MOVSX/MOVSXD, LEA,
 * CBW/CWDE/CDQE, CWD/CDQ/CQO, LAHF/SAHF, SETcc, CMOVcc, XLAT, BSWAP, MOVBE,
 * MOV r/m, Sreg.
 */
#include "cpu/operand.h"

void op_mov_rm_reg(struct cpu *cpu, const struct insn *in)
{
    rm_write(cpu, in, in->opsize, reg_read(cpu, in->reg, in->opsize));
}

void op_mov_reg_rm(struct cpu *cpu, const struct insn *in)
{
    reg_write(cpu, in->reg, in->opsize, rm_read(cpu, in, in->opsize));
}

/* C6/C7 /0: the imm32 is sign-extended for a 64-bit destination. */
void op_mov_rm_imm(struct cpu *cpu, const struct insn *in)
{
    rm_write(cpu, in, in->opsize, in->imm);
}

/* B0+r / B8+r: the only form with a full 64-bit immediate. */
void op_mov_r_imm(struct cpu *cpu, const struct insn *in)
{
    reg_write(cpu, in->rm, in->opsize, in->imm);
}

/* A0/A1: accumulator <- [seg:moffs]; the offset has the address size. */
void op_mov_acc_moffs(struct cpu *cpu, const struct insn *in)
{
    reg_write(cpu, R_AX, in->opsize, mem_read(cpu, in->seg, (uint64_t)in->disp, in->opsize));
}

void op_mov_moffs_acc(struct cpu *cpu, const struct insn *in)
{
    mem_write(cpu, in->seg, (uint64_t)in->disp, in->opsize, reg_read(cpu, R_AX, in->opsize));
}

/* 0F B6/B7: sub is the source size. */
void op_movzx(struct cpu *cpu, const struct insn *in)
{
    reg_write(cpu, in->reg, in->opsize, rm_read(cpu, in, in->sub));
}

void op_movsx(struct cpu *cpu, const struct insn *in)
{
    uint64_t v = (uint64_t)sign_extend(rm_read(cpu, in, in->sub), in->sub);
    reg_write(cpu, in->reg, in->opsize, v);
}

/* 63 in 64-bit mode: sign-extends a doubleword with REX.W; without it the SDM
 * describes a plain 32-bit (or 16-bit) move. */
void op_movsxd(struct cpu *cpu, const struct insn *in)
{
    unsigned src = in->opsize == 8 ? 4 : in->opsize;
    reg_write(cpu, in->reg, in->opsize, (uint64_t)sign_extend(rm_read(cpu, in, src), src));
}

/* LEA: the effective address at the address size, truncated or
 * zero-extended to the operand size. No memory access. */
void op_lea(struct cpu *cpu, const struct insn *in)
{
    reg_write(cpu, in->reg, in->opsize, insn_ea(cpu, in));
}

/* 98: CBW / CWDE / CDQE by operand size. */
void op_cbw(struct cpu *cpu, const struct insn *in)
{
    unsigned half = in->opsize / 2;
    reg_write(cpu, R_AX, in->opsize, (uint64_t)sign_extend(reg_read(cpu, R_AX, half), half));
}

/* 99: CWD / CDQ / CQO: rDX = sign of rAX. */
void op_cwd(struct cpu *cpu, const struct insn *in)
{
    bool neg = reg_read(cpu, R_AX, in->opsize) & sign_bit(in->opsize);
    reg_write(cpu, R_DX, in->opsize, neg ? ~0ull : 0);
}

/* 9F: AH <- SF:ZF:0:AF:0:PF:1:CF. Valid in 64-bit mode because the CPUID
 * model reports LAHF-SAHF (80000001h ECX[0]). */
void op_lahf(struct cpu *cpu, const struct insn *in)
{
    uint64_t f = flags_read(cpu);
    reg_write(cpu, R_AH, 1, (f & (F_SF | F_ZF | F_AF | F_PF | F_CF)) | F_R1);
}

/* 9E: SF ZF AF PF CF <- AH; OF is unchanged. */
void op_sahf(struct cpu *cpu, const struct insn *in)
{
    uint32_t ah = (uint32_t)reg_read(cpu, R_AH, 1);
    flags_update(cpu, F_SF | F_ZF | F_AF | F_PF | F_CF, ah);
}

void op_setcc(struct cpu *cpu, const struct insn *in)
{
    rm_write(cpu, in, 1, cond_true(cpu, in->sub));
}

/* CMOVcc: the source is read (and may fault) whatever the condition; a
 * 32-bit destination is zero-extended in 64-bit mode even when the condition
 * is false (SDM CMOVcc, 64-bit mode note). */
void op_cmovcc(struct cpu *cpu, const struct insn *in)
{
    uint64_t src = rm_read(cpu, in, in->opsize);
    if (cond_true(cpu, in->sub))
        reg_write(cpu, in->reg, in->opsize, src);
    else if (in->opsize == 4)
        reg_write(cpu, in->reg, 4, cpu->gpr[in->reg]);
}

/* D7: AL <- [seg:rBX + AL] at the address size. */
void op_xlat(struct cpu *cpu, const struct insn *in)
{
    uint64_t ea = addr_mask(in->adsize, cpu->gpr[R_BX] + (cpu->gpr[R_AX] & 0xff));
    reg_write(cpu, R_AX, 1, mem_read(cpu, in->seg, ea, 1));
}

/* 0F C8+r. With a 16-bit operand the result is undefined; Intel processors
 * clear the low word, which is what we do. */
void op_bswap(struct cpu *cpu, const struct insn *in)
{
    switch (in->opsize) {
    case 2: reg_write(cpu, in->rm, 2, 0); break;
    case 4: reg_write(cpu, in->rm, 4, __builtin_bswap32((uint32_t)cpu->gpr[in->rm])); break;
    default: cpu->gpr[in->rm] = __builtin_bswap64(cpu->gpr[in->rm]); break;
    }
}

static uint64_t byte_swap(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    default: return __builtin_bswap64(v);
    }
}

/* 0F 38 F0 (sub 0: load) / F1 (sub 1: store), memory operand only. */
void op_movbe(struct cpu *cpu, const struct insn *in)
{
    uint64_t ea = insn_ea(cpu, in);
    if (in->sub == 0)
        reg_write(cpu, in->reg, in->opsize, byte_swap(mem_read(cpu, in->seg, ea, in->opsize), in->opsize));
    else
        mem_write(cpu, in->seg, ea, in->opsize, byte_swap(reg_read(cpu, in->reg, in->opsize), in->opsize));
}

/* 8C: MOV r/m, Sreg. A memory destination is always written as a word; a
 * register destination receives the selector zero-extended (SDM MOV notes).
 * ModRM.reg values 6 and 7 name no segment register: #UD. */
void op_mov_rm_sreg(struct cpu *cpu, const struct insn *in)
{
    unsigned s = (in->modrm >> 3) & 7;
    if (s > S_GS)
        raise_ud(cpu);
    uint16_t sel = cpu->seg[s].selector;
    if (in->mod == 3)
        reg_write(cpu, in->rm, in->opsize, sel);
    else
        mem_write(cpu, in->seg, insn_ea(cpu, in), 2, sel);
}
