/*
 * Stack instructions: PUSH, POP (register, r/m, immediate, segment
 * register), PUSHF/POPF, PUSHA/POPA, ENTER, LEAVE (SDM Vol. 2B, the
 * instruction pages).
 *
 * The stack is SS:rSP at the stack-address size (cpu->stack_size: SS.B, or
 * 64 bits in 64-bit mode); the element size is the operand size. push()
 * and pop() (operand.h) write or read before moving rSP, so a fault leaves
 * rSP intact. Handlers that touch several slots probe every write first.
 */
#include "cpu/operand.h"

/* PUSH r16/r32/r64 (50+r). PUSH rSP pushes the value rSP had before the
 * instruction (SDM PUSH: 286 and later). */
void op_push_r(struct cpu *cpu, const struct insn *in)
{
    push(cpu, in->opsize, reg_read(cpu, in->rm, in->opsize));
}

/* POP r16/r32/r64 (58+r). POP rSP: rSP is incremented first, then the
 * popped value overwrites it (SDM POP: "POP ESP increments the stack
 * pointer before data at the old top of stack is written"). */
void op_pop_r(struct cpu *cpu, const struct insn *in)
{
    uint64_t v = pop(cpu, in->opsize);
    reg_write(cpu, in->rm, in->opsize, v);
}

/* PUSH r/m (FF /6). A memory source using rSP as base is addressed with
 * the old rSP (SDM PUSH: "the address is computed before ESP is
 * decremented"). */
void op_push_rm(struct cpu *cpu, const struct insn *in)
{
    uint64_t v = rm_read(cpu, in, in->opsize);
    push(cpu, in->opsize, v);
}

/* POP r/m (8F /0). SDM POP: "If the ESP register is used as a base register
 * for addressing a destination operand in memory, the POP instruction
 * computes the effective address of the operand after it increments the
 * ESP register." The effective address is therefore computed with the
 * incremented rSP, but rSP is committed only after the memory write
 * succeeded, so a fault leaves it unchanged. */
void op_pop_rm(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t v = stack_peek(cpu, size, 0);
    uint64_t old_sp = cpu->gpr[R_SP];
    reg_write(cpu, R_SP, cpu->stack_size, old_sp + size);
    uint64_t new_sp = cpu->gpr[R_SP];
    if (in->mod == 3) {
        reg_write(cpu, in->rm, size, v);    /* POP rSP via 8F: the value wins */
        return;
    }
    uint64_t ea = insn_ea(cpu, in);         /* sees the incremented rSP */
    cpu->gpr[R_SP] = old_sp;                /* uncommitted until the write lands */
    mem_write(cpu, in->seg, ea, size, v);
    cpu->gpr[R_SP] = new_sp;
}

/* PUSH imm8/imm16/imm32 (6A, 68): the immediate is already sign-extended
 * to 64 bits; it is pushed at the operand size. */
void op_push_imm(struct cpu *cpu, const struct insn *in)
{
    push(cpu, in->opsize, in->imm);
}

/* PUSHF/PUSHFD/PUSHFQ (9C): the image has VM and RF cleared (SDM PUSHF:
 * "EFLAGS AND 00FCFFFFH"). The 16-bit form pushes FLAGS. There is no
 * virtual-8086 mode in this CPU, so the IOPL < 3 #GP of V86 never applies. */
void op_pushf(struct cpu *cpu, const struct insn *in)
{
    uint64_t image = flags_read(cpu) & ~(uint64_t)(F_VM | F_RF);
    push(cpu, in->opsize, image);
}

/* POPF/POPFD/POPFQ (9D), SDM POPF Operation (no V86 mode here):
 *   CPL 0 or real mode: every defined flag changes except VM, VIP, VIF
 *     (ID AC NT IOPL OF DF IF TF SF ZF AF PF CF);
 *   CPL > 0: IOPL does not change;
 *   CPL > IOPL: IF does not change either (silently, no fault);
 *   16-bit operand size: only bits 15:0 are candidates;
 *   reserved bits keep their values (bit 1 = 1, the others 0); RF ends
 *   cleared, as after every instruction that completes.
 * TF and IF changes must be seen at the next instruction boundary, so the
 * decoded block ends here. */
void op_popf(struct cpu *cpu, const struct insn *in)
{
    uint64_t v = pop(cpu, in->opsize);
    uint64_t old = flags_read(cpu);
    uint32_t mask = F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT | F_AC | F_ID;
    if (cpu->mode != MODE_REAL && cpu->cpl > 0) {
        unsigned iopl = (unsigned)(old & F_IOPL) >> 12;
        mask &= ~F_IOPL;
        if (cpu->cpl > iopl)
            mask &= ~F_IF;
    }
    if (in->opsize == 2)
        mask &= 0xffff;
    uint64_t nf = (old & ~(uint64_t)mask) | (v & mask);
    flags_write(cpu, nf & ~(uint64_t)F_RF);
    cpu->stop_block = true;
}

/* PUSH ES/CS/SS/DS/FS/GS (06, 0E, 16, 1E, 0F A0, 0F A8; sub = segment).
 * SDM PUSH: with a 64-bit operand size the selector is zero-extended; with a
 * 32-bit one "all recent Core and Atom processors perform a 16-bit move,
 * leaving the upper portion of the stack location unmodified", while rSP
 * still moves by 4. The whole slot is probed first, as for any push of that
 * size (our choice; the check width of that 16-bit store is undocumented). */
void op_push_sreg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint16_t sel = cpu->seg[in->sub].selector;
    if (size != 4) {
        /* 16-bit push, or 64-bit push of the zero-extended selector. */
        push(cpu, size, sel);
        return;
    }
    /* 32-bit: recent Intel cores store only the selector word and leave the
     * slot's upper half unchanged, while rSP moves by 4 (SDM PUSH). */
    uint64_t sp = stack_mask(cpu, cpu->gpr[R_SP] - size);
    mem_probe_write(cpu, S_SS, sp, size);
    mem_write(cpu, S_SS, sp, 2, sel);
    reg_write(cpu, R_SP, cpu->stack_size, sp);
}

/* PUSHA/PUSHAD (60, not in 64-bit mode): AX CX DX BX (original) SP BP SI DI
 * at the operand size. All eight slots are probed before the first store,
 * each at its own (wrapping) stack offset. */
void op_pusha(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t sp = cpu->gpr[R_SP];
    uint64_t vals[8];
    for (unsigned r = 0; r < 8; r++)
        vals[r] = reg_read(cpu, r, size);       /* R_SP: the original value */
    for (unsigned r = 0; r < 8; r++)
        mem_probe_write(cpu, S_SS, stack_mask(cpu, sp - (r + 1) * size), size);
    for (unsigned r = 0; r < 8; r++)
        mem_write(cpu, S_SS, stack_mask(cpu, sp - (r + 1) * size), size, vals[r]);
    reg_write(cpu, R_SP, cpu->stack_size, sp - 8 * size);
}

/* POPA/POPAD (61, not in 64-bit mode): DI SI BP (SP slot skipped) BX DX CX
 * AX. All slots are read before any register changes; the SP slot is read
 * too (its value discarded) so its limit check happens like the others. */
void op_popa(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t vals[8];
    for (unsigned i = 0; i < 8; i++)
        vals[7 - i] = stack_peek(cpu, size, i * size);   /* slot i holds reg 7-i */
    for (unsigned r = 0; r < 8; r++)
        if (r != R_SP)
            reg_write(cpu, r, size, vals[r]);
    reg_write(cpu, R_SP, cpu->stack_size, cpu->gpr[R_SP] + 8 * size);
}

/* Walk the ENTER operation (SDM ENTER, Operation). With commit = false the
 * walk performs every read and probes every write without storing, so the
 * second walk (commit = true) can neither fault nor read differently from
 * what it will see, including the odd case of a nested-frame read that
 * overlaps a slot pushed earlier by the same instruction. Returns the
 * final stack pointer (before the allocation) and the frame pointer. */
static void enter_walk(struct cpu *cpu, const struct insn *in, bool commit,
                       uint64_t *sp_out, uint64_t *frame_out)
{
    unsigned size = in->opsize;
    unsigned level = in->imm2 & 31;     /* "NestingLevel <- imm8 MOD 32" */
    uint64_t sp = cpu->gpr[R_SP];
    uint64_t bp = cpu->gpr[R_BP];

#define ENTER_PUSH(val) do {                                            \
        sp = stack_mask(cpu, sp - size);                                \
        if (commit) mem_write(cpu, S_SS, sp, size, (val));              \
        else mem_probe_write(cpu, S_SS, sp, size);                      \
    } while (0)

    ENTER_PUSH(reg_read(cpu, R_BP, size));
    /* FrameTemp <- rSP at the operand size; the upper bits of the register
     * beyond the stack size are those rSP already had. */
    uint64_t frame = (cpu->gpr[R_SP] & ~stack_mask(cpu, ~0ull)) | sp;
    frame &= size_mask(size);
    if (level > 0) {
        /* Levels 1..level-1 copy the outer frame pointers: rBP steps down
         * by the operand size, wrapping at the stack-address size, and
         * each [SS:rBP] (operand size) is pushed. */
        for (unsigned i = 1; i < level; i++) {
            bp = stack_mask(cpu, bp - size);
            uint64_t v = mem_read(cpu, S_SS, bp, size);
            ENTER_PUSH(v);
        }
        ENTER_PUSH(frame);
    }
#undef ENTER_PUSH
    *sp_out = sp;
    *frame_out = frame;
}

/* ENTER imm16, imm8 (C8): imm = frame size, imm2 = nesting level (mod 32).
 * After the pushes, rBP <- FrameTemp (operand size) and rSP <- rSP - size
 * (stack-address size). The SDM also faults "if a write using the final
 * value of the stack pointer ... would cause a page fault" (#SS if the new
 * rSP is outside the limit): the final slot is probed at the operand size
 * before anything is stored. */
void op_enter(struct cpu *cpu, const struct insn *in)
{
    uint64_t sp, frame;
    enter_walk(cpu, in, false, &sp, &frame);
    uint64_t final_sp = stack_mask(cpu, sp - (in->imm & 0xffff));
    mem_probe_write(cpu, S_SS, final_sp, in->opsize);
    enter_walk(cpu, in, true, &sp, &frame);
    reg_write(cpu, R_BP, in->opsize, frame);
    reg_write(cpu, R_SP, cpu->stack_size, final_sp);
}

/* LEAVE (C9): rSP <- rBP at the stack-address size, then pop rBP at the
 * operand size. The read happens before either register changes. */
void op_leave(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t sp = reg_read(cpu, R_BP, cpu->stack_size);
    uint64_t v = mem_read(cpu, S_SS, sp, size);
    reg_write(cpu, R_SP, cpu->stack_size, sp + size);
    reg_write(cpu, R_BP, size, v);
}
