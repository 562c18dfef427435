/*
 * Segment-register loads: MOV Sreg, r/m (8E), POP ES/SS/DS (07, 17, 1F),
 * POP FS/GS (0F A1, 0F A9) and LDS/LES/LSS/LFS/LGS (C5, C4, 0F B2, B4, B5)
 * (SDM Vol. 2, the MOV, POP and LDS/LES/LFS/LGS/LSS pages).
 *
 * The selector checks, the descriptor read and the hidden-cache load live in
 * mmu/segment.c. Every handler here performs its memory reads and the
 * segment checks before it changes anything, so a fault leaves the
 * registers, rSP and the segment register as they were.
 *
 * MOV SS and POP SS inhibit interrupts and debug traps until the end of the
 * next instruction (SDM MOV, POP: "loading the SS register ... inhibits all
 * interrupts until after the execution of the next instruction"), so that a
 * following MOV/LEA to rSP completes the stack switch. Both record the
 * shadow with interrupt_set_shadow() (cpu/interrupt.c), which also ends the
 * decoded block so the run loop sees it at the boundary. LSS does not create
 * the shadow.
 */
#include "cpu/interrupt.h"
#include "cpu/operand.h"
#include "mmu/segment.h"

/* MOV Sreg, r/m16 (8E /r). The source is a word: a register's low 16 bits
 * or a 16-bit memory operand, whatever the operand size (SDM MOV: "MOV Sreg,
 * r/m16"; REX.W changes nothing). ModRM.reg selects the register by its
 * three bits; CS (1) and the non-existent 6 and 7 are #UD, raised before the
 * operand is read. */
void op_mov_sreg_rm(struct cpu *cpu, const struct insn *in)
{
    unsigned s = (in->modrm >> 3) & 7;
    if (s == S_CS || s > S_GS)
        raise_ud(cpu);
    uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
    seg_load_data(cpu, (int)s, sel);
    if (s == S_SS)
        interrupt_set_shadow(cpu);  /* see the file comment */
}

/* POP ES/SS/DS/FS/GS (sub = the segment). The stack slot is read at the
 * operand size (2, 4, or 8 for FS/GS in 64-bit mode) and the selector is its
 * low word. rSP moves by the operand size at the stack-address size in
 * force when the instruction started (SDM POP Operation tests StackAddrSize
 * before the load), so a POP SS that changes SS.B still steps rSP with the
 * old width. The load may fault: rSP is written only after it succeeded. */
void op_pop_sreg(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    unsigned stack_size = cpu->stack_size;
    uint16_t sel = (uint16_t)stack_peek(cpu, size, 0);
    uint64_t sp = cpu->gpr[R_SP] + size;
    seg_load_data(cpu, in->sub, sel);
    reg_write(cpu, R_SP, stack_size, sp);
    if (in->sub == S_SS)
        interrupt_set_shadow(cpu);
}

/* LDS/LES/LSS/LFS/LGS r, m16:16/m16:32/m16:64 (sub = the segment). The far
 * pointer is the offset (operand size: 2, 4, or 8 with REX.W, which Intel
 * supports for LSS/LFS/LGS in 64-bit mode) followed by the 16-bit selector.
 * It is one memory operand, so the selector's bytes follow the offset's
 * without address-size wraparound (an operand running past 0FFFFh in a
 * 64 KiB segment is #GP(0), as for any operand crossing the limit). Both
 * parts are read, then the segment is loaded (which may fault), and only
 * then is the register written (SDM LDS/LES/...: "DEST <- offset" follows
 * the segment load). */
void op_load_far_pointer(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t ea = insn_ea(cpu, in);
    uint64_t offset = mem_read(cpu, in->seg, ea, size);
    uint16_t sel = (uint16_t)mem_read(cpu, in->seg, ea + size, 2);
    seg_load_data(cpu, in->sub, sel);
    reg_write(cpu, in->reg, size, offset);
}
