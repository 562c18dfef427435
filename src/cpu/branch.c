/*
 * Near control transfers: JMP, Jcc, JrCXZ, LOOP/LOOPE/LOOPNE, CALL, RET
 * (SDM Vol. 2A/2B, the instruction pages).
 *
 * Every target goes through branch_near(), which truncates it to the
 * operand size outside 64-bit mode and checks it against the CS limit
 * (or for canonical form in 64-bit mode), raising #GP(0) on the branch
 * itself (Intel; AMD reports a non-canonical target on the target). In
 * 64-bit mode the decoder already forces in->opsize to 8 for all of these
 * (Intel ignores 0x66 on near branches).
 *
 * Ordering rule: the target is checked before anything is committed, so a
 * faulting branch leaves RSP, RCX and memory untouched.
 */
#include "cpu/operand.h"

/* JMP rel8/rel16/rel32 (EB, E9): relative to the next instruction. */
void op_jmp_rel(struct cpu *cpu, const struct insn *in)
{
    branch_near(cpu, cpu->rip + in->imm, in->opsize);
}

/* Jcc rel8/rel16/rel32 (70-7F, 0F 80-8F): the target is checked only when
 * the branch is taken (SDM Jcc, Operation). */
void op_jcc(struct cpu *cpu, const struct insn *in)
{
    if (cond_true(cpu, in->sub))
        branch_near(cpu, cpu->rip + in->imm, in->opsize);
}

/* JCXZ/JECXZ/JRCXZ rel8 (E3): the counter is CX, ECX or RCX by ADDRESS
 * size (67 selects it), not operand size. */
void op_jrcxz(struct cpu *cpu, const struct insn *in)
{
    if (reg_read(cpu, R_CX, in->adsize) == 0)
        branch_near(cpu, cpu->rip + in->imm, in->opsize);
}

/* LOOPNE/LOOPE/LOOP rel8 (E0/E1/E2; sub 0/1/2). The counter is decremented
 * at the ADDRESS size without touching the flags; a 32-bit counter write
 * zero-extends RCX in 64-bit mode. The branch is checked before the
 * counter is written, so a #GP on the target leaves rCX unchanged (the
 * instruction is atomic). */
void op_loop(struct cpu *cpu, const struct insn *in)
{
    unsigned as = in->adsize;
    uint64_t count = (reg_read(cpu, R_CX, as) - 1) & size_mask(as);
    bool taken = count != 0;
    if (taken && in->sub != 2)
        taken = flag_zf(cpu) == (in->sub == 1);     /* LOOPE: ZF = 1, LOOPNE: ZF = 0 */
    if (taken)
        branch_near(cpu, cpu->rip + in->imm, in->opsize);
    reg_write(cpu, R_CX, as, count);
}

/* Push the return address and transfer: the target is checked first (SDM
 * CALL, Operation: "IF tempEIP is not within code segment limit THEN
 * #GP(0)" precedes the stack check), then the push, whose fault rewinds
 * RIP through cpu_raise(), so nothing is committed. */
static inline void call_near(struct cpu *cpu, uint64_t target, unsigned opsize)
{
    uint64_t ret = cpu->rip;
    branch_near(cpu, target, opsize);   /* checks, then sets cpu->rip */
    push(cpu, opsize, ret);             /* a fault here restores RIP */
}

/* CALL rel16/rel32 (E8): pushes the next instruction's address at the
 * operand size (truncated to 16 bits with a 16-bit operand size). */
void op_call_rel(struct cpu *cpu, const struct insn *in)
{
    call_near(cpu, cpu->rip + in->imm, in->opsize);
}

/* CALL r/m (FF /2): the target (register or memory) is read before RSP
 * changes, so CALL RSP / CALL [RSP] see the old RSP. */
void op_call_rm(struct cpu *cpu, const struct insn *in)
{
    uint64_t target = rm_read(cpu, in, in->opsize);
    call_near(cpu, target, in->opsize);
}

/* JMP r/m (FF /4). */
void op_jmp_rm(struct cpu *cpu, const struct insn *in)
{
    branch_near(cpu, rm_read(cpu, in, in->opsize), in->opsize);
}

/* RET and RET imm16 (C3, C2): read the return address, check it, then
 * release opsize + imm16 bytes at the stack-address size (SDM RET:
 * "IF instruction has immediate operand THEN SP <- SP + SRC"). The
 * decoder leaves in->imm 0 for C3. */
void op_ret(struct cpu *cpu, const struct insn *in)
{
    uint64_t target = stack_peek(cpu, in->opsize, 0);
    branch_near(cpu, target, in->opsize);
    reg_write(cpu, R_SP, cpu->stack_size, cpu->gpr[R_SP] + in->opsize + in->imm);
}
