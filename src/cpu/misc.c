/*
 * Flag-control instructions, NOP forms, HLT, the software interrupts (INT n,
 * INT3, INTO, INT1), BOUND, and the #UD handlers for reserved and
 * not-yet-implemented opcodes.
 */
#include "cpu/interrupt.h"
#include "cpu/operand.h"

void op_nop(struct cpu *cpu, const struct insn *in) { }
void op_pause(struct cpu *cpu, const struct insn *in) { }

void op_clc(struct cpu *cpu, const struct insn *in) { flags_update(cpu, F_CF, 0); }
void op_stc(struct cpu *cpu, const struct insn *in) { flags_update(cpu, F_CF, F_CF); }
void op_cmc(struct cpu *cpu, const struct insn *in) { flags_update(cpu, F_CF, flag_cf(cpu) ? 0 : F_CF); }
void op_cld(struct cpu *cpu, const struct insn *in) { cpu->rflags &= ~(uint64_t)F_DF; }
void op_std(struct cpu *cpu, const struct insn *in) { cpu->rflags |= F_DF; }

static unsigned iopl(const struct cpu *cpu)
{
    return (unsigned)(cpu->rflags >> 12) & 3;
}

/* CLI/STI (SDM CLI, STI): in protected mode IF may change only when
 * CPL <= IOPL, otherwise #GP(0). CR4.VME/PVI are not reported by the CPUID
 * model, so their virtual-interrupt paths do not apply. */
void op_cli(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_REAL && cpu->cpl > iopl(cpu))
        raise_gp0(cpu);
    cpu->rflags &= ~(uint64_t)F_IF;
}

/* STI (SDM STI): "If IF = 0, maskable hardware interrupts remain inhibited
 * on the instruction boundary following an execution of STI": the shadow
 * is set only when IF was clear, so STI; STI opens no longer window. STI
 * ends its decoded block (A_ENDS) so the run loop sees the shadow. */
void op_sti(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_REAL && cpu->cpl > iopl(cpu))
        raise_gp0(cpu);
    if (!(cpu->rflags & F_IF))
        cpu->intr.shadow = SHADOW_STI;
    cpu->rflags |= F_IF;
}

/* HLT is privileged: #GP(0) unless CPL 0. The CPU halts after it; the run
 * loop wakes it for an NMI, or for an external interrupt when IF = 1, and
 * the frame's return address is the instruction after HLT (cpu->rip). */
void op_hlt(struct cpu *cpu, const struct insn *in)
{
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    cpu->halted = true;
    cpu->stop_block = true;
}

/* INT n (CD ib): a software interrupt through the IVT/IDT, with the gate
 * DPL check (SDM INT n Operation). It is an instruction, not an exception:
 * it is delivered even when the machine stops on exceptions; a fault raised
 * by its delivery is an exception like any other. */
void op_int(struct cpu *cpu, const struct insn *in)
{
    interrupt_deliver(cpu, (uint8_t)in->imm, INTR_SOFTWARE, false, 0);
}

/* INT3 (CC) and INTO (CE, when OF = 1) are software interrupts 3 and 4 with
 * the DPL check. When the machine stops on exceptions (the vector runner,
 * a debugger) they stop as the trap-class #BP/#OF instead, RIP after the
 * instruction, without looking at the IDT. */
void op_int3(struct cpu *cpu, const struct insn *in)
{
    if (cpu->stop_on_exception)
        cpu_raise_trap(cpu, EXC_BP);
    interrupt_deliver(cpu, EXC_BP, INTR_SOFTWARE, false, 0);
}

void op_into(struct cpu *cpu, const struct insn *in)
{
    if (!flag_of(cpu)) {
        cpu_charge(cpu, T_ALU);     /* no transition: a simple instruction (timing.h) */
        return;
    }
    if (cpu->stop_on_exception)
        cpu_raise_trap(cpu, EXC_OF);
    interrupt_deliver(cpu, EXC_OF, INTR_SOFTWARE, false, 0);
}

/* INT1/ICEBP (F1): a #DB trap without DR6 bits, delivered like a hardware
 * event: no gate DPL check and EXT = 1 in error codes raised on the way
 * (SDM INT n Operation: "does not apply to INT1"; Vol. 3A, 6.13). */
void op_int1(struct cpu *cpu, const struct insn *in)
{
    if (cpu->stop_on_exception)
        cpu_raise_trap(cpu, EXC_DB);
    interrupt_deliver(cpu, EXC_DB, INTR_ICEBP, false, 0);
}

/* BOUND r, m16&16 / m32&32: #BR (a fault) if the signed index lies outside
 * [lower, upper]. */
void op_bound(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t ea = insn_ea(cpu, in);
    int64_t lower = sign_extend(mem_read(cpu, in->seg, ea, size), size);
    int64_t upper = sign_extend(mem_read(cpu, in->seg, addr_mask(in->adsize, ea + size), size), size);
    int64_t index = sign_extend(reg_read(cpu, in->reg, size), size);
    if (index < lower || index > upper)
        cpu_raise(cpu, EXC_BR, 0);
}

/* ARPL r/m16, r16 (63 outside 64-bit mode): raise the destination
 * selector's RPL to the source's; ZF says whether it changed. Not
 * recognised in real and virtual-8086 mode (#UD). */
void op_arpl(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode == MODE_REAL)
        raise_ud(cpu);
    uint64_t dest = rm_read(cpu, in, 2);
    uint64_t src = reg_read(cpu, in->reg, 2);
    if ((dest & 3) < (src & 3)) {
        rm_write(cpu, in, 2, (dest & ~3ull) | (src & 3));
        flags_update(cpu, F_ZF, F_ZF);
    } else {
        flags_update(cpu, F_ZF, 0);
    }
}

/* UD0, UD1, UD2: the architecturally undefined instructions. */
void op_ud(struct cpu *cpu, const struct insn *in) { raise_ud(cpu); }

/* Reserved opcodes. */
void op_invalid(struct cpu *cpu, const struct insn *in) { raise_ud(cpu); }

/* Instructions that exist in the architecture but that this CPU model does
 * not implement (and, for extensions, does not report in CPUID): #UD, never
 * a silent no-op. */
void op_unimpl(struct cpu *cpu, const struct insn *in) { raise_ud(cpu); }

/* Group parents are resolved by the decoder and never executed. */
void op_group(struct cpu *cpu, const struct insn *in) { raise_ud(cpu); }
