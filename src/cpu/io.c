/*
 * Port I/O: IN, OUT (imm8 and DX forms), INS, OUTS and their REP forms
 * (SDM Vol. 2, the instruction pages; Vol. 1, 19.5 "I/O permission
 * bitmap").
 *
 * Ports go through cpu->ports; with no handler installed the bus is empty:
 * IN reads all-ones and OUT is ignored. Operand sizes are 1, 2 or 4 (the
 * decoder turns REX.W into 4: there is no 64-bit port access).
 *
 * Protection: in protected mode (and compatibility and 64-bit mode) with
 * CPL > IOPL, every bit of the I/O permission bitmap for the bytes the
 * access touches must be 0, else #GP(0). Virtual-8086 mode is not modelled.
 */
#include "cpu/operand.h"
#include "cpu/system.h"

/* REP INS/OUTS run at most this many iterations per execution and then
 * re-execute, like the other string instructions (string.c, REP_CHUNK). */
#define IO_REP_CHUNK 4096

/* The TSS I/O permission check (SDM Vol. 1, 19.5.2, and the IN/OUT/INS/OUTS
 * Operation sections). TR must hold a 32-bit TSS (or, in IA-32e mode, the
 * 64-bit TSS with the same type codes), else #GP(0). The bitmap offset is
 * the word at TSS offset 66h (the limit must cover it). The processor reads
 * the bitmap a word at a time, at byte (port / 8), even when the port's
 * bits lie in one byte (which is why a bitmap must be followed by an FFh
 * byte): that word must lie within the TSS limit, else #GP(0) (Intel; Bochs
 * agrees). The reads are implicit supervisor accesses (sys_read). */
static void io_check(struct cpu *cpu, uint16_t port, unsigned size)
{
    unsigned iopl = (unsigned)(cpu->rflags >> 12) & 3;
    if (cpu->mode == MODE_REAL || cpu->cpl <= iopl)
        return;
    const struct segment *tr = &cpu->tr;
    unsigned type = tr->attr & SA_TYPE_MASK;
    if (!(tr->attr & SA_P) || (tr->attr & SA_S) || (type != 9 && type != 11) || tr->limit < 0x67)
        raise_gp0(cpu);
    uint32_t offset = (uint32_t)sys_read(cpu, tr->base + 0x66, 2) + port / 8u;
    if (offset + 1 > tr->limit)
        raise_gp0(cpu);
    uint32_t bits = (uint32_t)sys_read(cpu, tr->base + offset, 2);
    if ((bits >> (port & 7)) & ((1u << size) - 1))
        raise_gp0(cpu);
}

static uint32_t port_in(struct cpu *cpu, uint16_t port, unsigned size)
{
    uint32_t mask = (uint32_t)size_mask(size);
    if (!cpu->ports.in)
        return mask;
    return cpu->ports.in(cpu->ports.ctx, port, size) & mask;
}

static void port_out(struct cpu *cpu, uint16_t port, unsigned size, uint32_t value)
{
    if (cpu->ports.out)
        cpu->ports.out(cpu->ports.ctx, port, size, value & (uint32_t)size_mask(size));
}

/* IN AL/AX/EAX, imm8 (E4/E5) and IN ..., DX (EC/ED). IN EAX zero-extends
 * into RAX (a 32-bit register write). */
static void do_in(struct cpu *cpu, const struct insn *in, uint16_t port)
{
    io_check(cpu, port, in->opsize);
    reg_write(cpu, R_AX, in->opsize, port_in(cpu, port, in->opsize));
}

static void do_out(struct cpu *cpu, const struct insn *in, uint16_t port)
{
    io_check(cpu, port, in->opsize);
    port_out(cpu, port, in->opsize, (uint32_t)reg_read(cpu, R_AX, in->opsize));
}

void op_in_imm(struct cpu *cpu, const struct insn *in) { do_in(cpu, in, (uint16_t)(in->imm & 0xff)); }
void op_in_dx(struct cpu *cpu, const struct insn *in) { do_in(cpu, in, (uint16_t)cpu->gpr[R_DX]); }
void op_out_imm(struct cpu *cpu, const struct insn *in) { do_out(cpu, in, (uint16_t)(in->imm & 0xff)); }
void op_out_dx(struct cpu *cpu, const struct insn *in) { do_out(cpu, in, (uint16_t)cpu->gpr[R_DX]); }

/* One INS iteration: ES:rDI (no override) := port DX. The destination write
 * is probed before the port is read, so a fault leaves the device untouched
 * (a port read can have side effects) and the iteration re-executes whole. */
static void ins_iter(struct cpu *cpu, const struct insn *in, uint16_t port, uint64_t delta)
{
    unsigned size = in->opsize, as = in->adsize;
    uint64_t di = reg_read(cpu, R_DI, as);
    mem_probe_write(cpu, S_ES, di, size);
    mem_write(cpu, S_ES, di, size, port_in(cpu, port, size));
    reg_write(cpu, R_DI, as, di + delta);
}

/* One OUTS iteration: port DX := seg:rSI (DS unless overridden). */
static void outs_iter(struct cpu *cpu, const struct insn *in, uint16_t port, uint64_t delta)
{
    unsigned size = in->opsize, as = in->adsize;
    uint64_t si = reg_read(cpu, R_SI, as);
    uint32_t v = (uint32_t)mem_read(cpu, in->seg, si, size);
    port_out(cpu, port, size, v);
    reg_write(cpu, R_SI, as, si + delta);
}

/* INS/OUTS with or without REP (F3 and F2 both repeat), following
 * string.c: the count is rCX at the address size, each iteration commits
 * before the next, a fault in iteration k leaves 0..k-1 done with RIP at the
 * instruction. The permission check is made once, as the instruction
 * starts (even with rCX = 0, as the Operation section puts it first).
 * A port handler that asks the machine to stop (rs_request_stop) ends the
 * execution after the current iteration; the rest runs when it resumes,
 * as after an interrupt between iterations. */
static void io_string(struct cpu *cpu, const struct insn *in, bool is_ins)
{
    uint16_t port = (uint16_t)cpu->gpr[R_DX];
    uint64_t delta = flag_df(cpu) ? (uint64_t)0 - in->opsize : in->opsize;
    io_check(cpu, port, in->opsize);
    if (!in->rep) {
        if (is_ins)
            ins_iter(cpu, in, port, delta);
        else
            outs_iter(cpu, in, port, delta);
        return;
    }
    uint64_t count = reg_read(cpu, R_CX, in->adsize);
    for (unsigned n = 1; count != 0; n++) {
        if (is_ins)
            ins_iter(cpu, in, port, delta);
        else
            outs_iter(cpu, in, port, delta);
        reg_write(cpu, R_CX, in->adsize, --count);
        if (n > 1)
            cpu_charge(cpu, T_PORT_IO);     /* the first is the instruction's own cost */
        if (count != 0 && (n == IO_REP_CHUNK || cpu->stop_request)) {
            cpu->rip = cpu->insn_rip;
            cpu->stop_block = true;
            return;
        }
    }
}

/* INS m8/m16/m32, DX (6C/6D). */
void op_ins(struct cpu *cpu, const struct insn *in) { io_string(cpu, in, true); }

/* OUTS DX, m8/m16/m32 (6E/6F). */
void op_outs(struct cpu *cpu, const struct insn *in) { io_string(cpu, in, false); }
