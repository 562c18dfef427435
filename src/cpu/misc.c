/*
 * Flag-control instructions, NOP forms, HLT, INT3/INTO, BOUND, and the #UD
 * handlers for reserved and not-yet-implemented opcodes.
 */
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

void op_sti(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_REAL && cpu->cpl > iopl(cpu))
        raise_gp0(cpu);
    cpu->rflags |= F_IF;
}

/* HLT is privileged: #GP(0) unless CPL 0. */
void op_hlt(struct cpu *cpu, const struct insn *in)
{
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    cpu->halted = true;
    cpu->stop_block = true;
}

/* INT3 and INTO raise trap-class exceptions: the saved RIP is the next
 * instruction's. */
void op_int3(struct cpu *cpu, const struct insn *in)
{
    cpu_raise_trap(cpu, EXC_BP);
}

void op_into(struct cpu *cpu, const struct insn *in)
{
    if (flag_of(cpu))
        cpu_raise_trap(cpu, EXC_OF);
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
