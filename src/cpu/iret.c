/*
 * IRET/IRETD/IRETQ (CF; operand size 16, 32 by default, 64 with REX.W),
 * following the SDM's IRET Operation section: real-address mode, protected
 * mode (same privilege, outer privilege) and IA-32e mode (returns to 64-bit
 * or compatibility mode; IRET in 64-bit mode always pops SS:RSP).
 *
 * The whole frame is read and every check made before anything changes,
 * with one exception the SDM implies: IRET ends NMI blocking even when it
 * then faults (the VM-exit "NMI unblocking due to IRET" bit exists for
 * exactly that case). Task returns (NT = 1) and returns to virtual-8086
 * mode are not implemented: both raise #GP(0) (docs/interrupts.md).
 */
#include "cpu/event.h"
#include "cpu/interrupt.h"
#include "cpu/operand.h"
#include "mmu/segment.h"

/* The popped frame. */
struct iret_frame {
    uint64_t ip, flags, sp;
    uint16_t cs, ss;
};

/* RFLAGS after a protected-mode IRET (SDM IRET, RETURN-TO-SAME- and
 * -OUTER-PRIVILEGE-LEVEL): CF PF AF ZF SF TF DF OF NT always; RF AC ID with
 * a 32/64-bit operand size; IF when CPL <= IOPL; IOPL at CPL 0, and VIF VIP
 * there with a 32/64-bit operand size. CPL is the one IRET started at. */
static uint64_t iret_flags(const struct cpu *cpu, uint64_t popped, unsigned size)
{
    uint64_t old = flags_read(cpu);
    uint64_t mask = F_ARITH | F_TF | F_DF | F_NT;
    if (size >= 4)
        mask |= F_RF | F_AC | F_ID;
    if (cpu->cpl <= ((old & F_IOPL) >> 12))
        mask |= F_IF;
    if (cpu->cpl == 0) {
        mask |= F_IOPL;
        if (size >= 4)
            mask |= F_VIF | F_VIP;
    }
    return (old & ~mask) | (popped & mask);
}

/* Real-address mode: pop IP, CS, FLAGS. A 32-bit IRET takes the flags in
 * 257FD5h and keeps VM, VIF, VIP (1A0000h); a 16-bit one replaces bits
 * 15:0 (reserved bits stay 1 for bit 1, 0 for 3, 5, 15). The new IP must
 * lie within the CS limit (#GP(0)); CS keeps its cached limit and
 * attributes. */
static void iret_real(struct cpu *cpu, unsigned size)
{
    uint64_t ip = stack_peek(cpu, size, 0);
    uint16_t cs = (uint16_t)stack_peek(cpu, size, size);
    uint64_t fl = stack_peek(cpu, size, 2 * size);
    if (ip > cpu->seg[S_CS].limit)
        raise_gp0(cpu);
    uint64_t old = flags_read(cpu);
    uint64_t nf = size == 4 ? (fl & 0x257fd5) | (old & 0x1a0000)
                            : (old & ~(uint64_t)0x7fd5) | (fl & 0x7fd5);
    reg_write(cpu, R_SP, cpu->stack_size, cpu->gpr[R_SP] + 3 * size);
    const struct segment *c = &cpu->seg[S_CS];
    cpu_load_segment_cache(cpu, S_CS, cs, (uint64_t)cs << 4, c->limit, c->attr);
    cpu->rip = ip;
    flags_write(cpu, nf);
}

/* DS, ES, FS, GS after a return to an outer level: a register holding a
 * null selector, or a data or nonconforming-code segment with DPL < the
 * new CPL, becomes null and unusable (SDM IRET, RETURN-TO-OUTER-PRIVILEGE-
 * LEVEL). The base and limit are kept: in 64-bit mode FS/GS with a null
 * selector carry their MSR-loaded bases across IRET (as every 64-bit OS
 * relies on), and the SDM names only the selector. */
static void null_data_segments(struct cpu *cpu, unsigned cpl)
{
    static const int regs[] = { S_ES, S_DS, S_FS, S_GS };
    for (unsigned i = 0; i < 4; i++) {
        const struct segment *s = &cpu->seg[regs[i]];
        unsigned dpl = (s->attr >> SA_DPL_SHIFT) & 3;
        bool data_or_nc = (s->attr & SA_S) && (!(s->attr & 0x8) || !(s->attr & 0x4));
        if (sel_is_null(s->selector))
            cpu_load_segment_cache(cpu, regs[i], 0, s->base, s->limit, s->attr);
        else if (dpl < cpl && data_or_nc)
            cpu_load_segment_cache(cpu, regs[i], 0, s->base, s->limit, 0);
    }
}

/* Protected mode and IA-32e mode. Returns where the new RSP came from. */
static rs_stack_source iret_protected(struct cpu *cpu, unsigned size)
{
    bool ia32e = cpu->efer & EFER_LMA;
    bool from64 = cpu->mode == MODE_LONG64;
    if (cpu->rflags & F_NT)
        raise_gp0(cpu);     /* IA-32e: #GP(0); legacy: task return, not implemented */

    struct iret_frame f = { 0 };
    f.ip = stack_peek(cpu, size, 0);
    f.cs = (uint16_t)stack_peek(cpu, size, size);
    f.flags = stack_peek(cpu, size, 2 * size);
    if (!ia32e && size == 4 && (f.flags & F_VM) && cpu->cpl == 0)
        raise_gp0(cpu);     /* return to virtual-8086 mode: not implemented */

    /* The return code segment (SDM IRET, Protected Mode Exceptions):
     * null: #GP(0); outside its table, not code, RPL < CPL, conforming with
     * DPL > RPL, nonconforming with DPL != RPL: #GP(selector); not present:
     * #NP(selector); in IA-32e mode L = 1 with D = 1 is #GP(selector). */
    if (sel_is_null(f.cs))
        raise_gp0(cpu);
    uint32_t cs_err = sel_error_code(f.cs);
    uint64_t cs_lin;
    uint64_t d = desc_fetch(cpu, f.cs, EXC_GP, &cs_lin);
    uint16_t attr = desc_attr(d);
    unsigned rpl = f.cs & SEL_RPL_MASK;
    unsigned dpl = (attr >> SA_DPL_SHIFT) & 3;
    bool conforming = attr & 0x4;
    if (!(attr & SA_S) || !(attr & 0x8) || rpl < cpu->cpl ||
        (conforming ? dpl > rpl : dpl != rpl))
        cpu_raise(cpu, EXC_GP, cs_err);
    if (!(attr & SA_P))
        cpu_raise(cpu, EXC_NP, cs_err);
    if (ia32e && (attr & SA_L) && (attr & SA_DB))
        cpu_raise(cpu, EXC_GP, cs_err);
    struct seg_load cs;
    seg_prepare(cpu, f.cs, cs_lin, d, &cs);
    bool to64 = ia32e && (attr & SA_L);
    bool outer = rpl > cpu->cpl;
    bool pop_stack = outer || from64;

    /* The return stack (outer level, or any IRET from 64-bit mode). Null:
     * #GP(0), except a return to 64-bit mode below CPL 3; outside its
     * table, RPL != CS.RPL, not writable data, DPL != CS.RPL:
     * #GP(selector); not present: #NP(selector) ("If the return code or
     * stack segment is not present", SDM IRET). */
    struct seg_load ss = { 0 };
    bool ss_null = false;
    if (pop_stack) {
        f.sp = stack_peek(cpu, size, 3 * size);
        f.ss = (uint16_t)stack_peek(cpu, size, 4 * size);
        uint32_t ss_err = sel_error_code(f.ss);
        if (sel_is_null(f.ss)) {
            if (!to64 || rpl == 3)
                raise_gp0(cpu);
            if ((f.ss & SEL_RPL_MASK) != rpl)
                cpu_raise(cpu, EXC_GP, ss_err);
            ss_null = true;
        } else {
            uint64_t ss_lin;
            uint64_t sd = desc_fetch(cpu, f.ss, EXC_GP, &ss_lin);
            uint16_t sattr = desc_attr(sd);
            unsigned type = sattr & SA_TYPE_MASK;
            if ((f.ss & SEL_RPL_MASK) != rpl || !(sattr & SA_S) || (type & 0x8) ||
                !(type & 0x2) || ((sattr >> SA_DPL_SHIFT) & 3) != rpl)
                cpu_raise(cpu, EXC_GP, ss_err);
            if (!(sattr & SA_P))
                cpu_raise(cpu, EXC_NP, ss_err);
            seg_prepare(cpu, f.ss, ss_lin, sd, &ss);
        }
    }

    /* The return RIP: canonical for 64-bit mode, else within the limit. */
    uint64_t ip = f.ip & size_mask(size);
    if (to64 ? !is_canonical(ip) : ip > cs.limit)
        raise_gp0(cpu);

    /* Commit. */
    uint64_t nf = iret_flags(cpu, f.flags, size);
    if (pop_stack) {
        if (ss_null)
            cpu_load_segment_cache(cpu, S_SS, f.ss, 0, 0, (uint16_t)(rpl << SA_DPL_SHIFT));
        else
            seg_commit(cpu, S_SS, &ss);
        cpu->gpr[R_SP] = f.sp & size_mask(size);
    } else {
        reg_write(cpu, R_SP, cpu->stack_size, cpu->gpr[R_SP] + 3 * size);
    }
    seg_commit(cpu, S_CS, &cs);
    cpu->cpl = (uint8_t)rpl;
    cpu->rip = ip;
    flags_write(cpu, nf);
    if (outer)
        null_data_segments(cpu, rpl);
    cpu_update_mode(cpu);
    return pop_stack ? RS_STACK_FRAME : RS_STACK_UNCHANGED;
}

void op_iret(struct cpu *cpu, const struct insn *in)
{
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_IRET);
    cpu->intr.nmi_blocked = false;
    rs_stack_source src = RS_STACK_UNCHANGED;
    unsigned cpl_before = cpu->cpl;
    if (cpu->mode == MODE_REAL)
        iret_real(cpu, in->opsize);
    else
        src = iret_protected(cpu, in->opsize);
    /* IRETQ pops SS:RSP even without a privilege change: the outer cost
     * (SDM Vol. 3A, 6.14.3). */
    cpu_charge(cpu, cpu->cpl != cpl_before || src == RS_STACK_FRAME ? T_IRET_OUTER : T_IRET_SAME);
    cpu->stop_block = true;
    if (rec) {
        ev.stack_source = src;
        event_end(cpu, &ev);
    }
}
