/*
 * Interrupt and exception delivery through the real-mode IVT, the
 * protected-mode IDT (16- and 32-bit interrupt and trap gates) and the
 * IA-32e IDT (64-bit gates, IST), following the Operation section of
 * INT n/INTO/INT3/INT1 (SDM Vol. 2) and SDM Vol. 3A, 6.10-6.14.
 *
 * Every delivery runs in three phases, so that a fault on the way leaves
 * the interrupted state untouched (the fault is then combined with the
 * event by fault.c and delivered in its place):
 *   1. checks and reads: the gate, the handler's code segment, the TSS
 *      stack and the new SS, the handler's entry point;
 *   2. the frame: every slot's address is computed and checked against the
 *      stack segment (or for canonical form) and probed for writing at the
 *      handler's privilege level (the new stack is accessed at the new
 *      CPL); the IVT/IDT, GDT/LDT and TSS are read as implicit supervisor
 *      accesses;
 *   3. commit: segment registers, RSP, the frame, RIP, RFLAGS.
 * docs/interrupts.md lists the rules and every choice made where the SDM
 * is silent.
 */
#include "cpu/interrupt.h"

#include "cpu/event.h"
#include "cpu/fault.h"
#include "cpu/flags.h"
#include "cpu/operand.h"
#include "cpu/tss.h"
#include "mmu/access.h"
#include "mmu/segment.h"

/* System descriptor types with S = 0 (SDM Vol. 3A, Table 3-2): bits 0-4 of
 * descriptor byte 5. In IA-32e mode 0Eh/0Fh are the 64-bit gates. */
enum { GATE_TASK = 0x05, GATE_INT16 = 0x06, GATE_TRAP16 = 0x07,
       GATE_INT32 = 0x0e, GATE_TRAP32 = 0x0f };

/* SDM Vol. 3A, Table 6-1: the fault-class exceptions. Their pushed RFLAGS
 * image has RF = 1 so that IRET to the faulting instruction does not
 * re-trigger an instruction breakpoint (SDM Vol. 3A, 17.3.1.1; #DB, which
 * is the instruction-breakpoint fault itself, is excluded). */
bool exception_is_fault(unsigned vector)
{
    switch (vector) {
    case EXC_DE: case EXC_BR: case EXC_UD: case EXC_NM: case EXC_TS: case EXC_NP:
    case EXC_SS: case EXC_GP: case EXC_PF: case EXC_MF: case EXC_AC: case EXC_XM:
    case 20: case 21:
        return true;
    default:
        return false;
    }
}

/* error_code(vector, IDT = 1, EXT): fault.c adds EXT. */
static uint32_t idt_error(unsigned vector)
{
    return (vector << 3) | 2;
}

/* The handler's code segment, checked and ready to commit. */
struct target {
    struct seg_load cs;     /* selector with RPL = the new CPL */
    unsigned cpl;           /* the new CPL */
    bool inter;             /* privilege change: stack from the TSS */
};

/* The frame: `n` slots of `size` bytes, pushed in order (val[0] first, at
 * the highest address), and their linear addresses once checked. */
struct frame {
    unsigned n, size;
    uint64_t val[6];
    uint64_t lin[6];
};

/* Where the new stack came from, for the event record. */
struct stack_result {
    rs_stack_source source;
    uint8_t index;
};

static void frame_push(struct frame *f, uint64_t v)
{
    f->val[f->n++] = v;
}

/* SDM INT n Operation, TRAP-OR-INTERRUPT-GATE: the gate's code-segment
 * selector must be non-null (#GP(EXT)), inside its table, a code segment
 * with DPL <= CPL (#GP(selector + EXT)) and present (#NP(selector + EXT)).
 * A nonconforming segment with DPL < CPL runs the handler at its DPL
 * (INTER-PRIVILEGE-LEVEL-INTERRUPT); a conforming one, or DPL = CPL, at the
 * CPL. In IA-32e mode it must be a 64-bit code segment (L = 1, D = 0);
 * SDM Vol. 3A 6.14.1 says "#GP with the IDT vector number reported", the
 * INT n pseudocode has no such step: we report the selector, as for the
 * other code-segment checks (Bochs and QEMU do the same). */
static void check_handler_cs(struct cpu *cpu, uint16_t sel, bool ia32e, struct target *t)
{
    if (sel_is_null(sel))
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t err = sel_error_code(sel);
    uint64_t lin;
    if (!desc_locate(cpu, sel, &lin))
        cpu_raise(cpu, EXC_GP, err);
    uint64_t d = desc_read(cpu, lin);
    uint16_t attr = desc_attr(d);
    unsigned dpl = (attr >> SA_DPL_SHIFT) & 3;
    unsigned type = attr & SA_TYPE_MASK;
    if (!(attr & SA_S) || !(type & 0x8) || dpl > cpu->cpl)
        cpu_raise(cpu, EXC_GP, err);
    if (!(attr & SA_P))
        cpu_raise(cpu, EXC_NP, err);
    if (ia32e && (!(attr & SA_L) || (attr & SA_DB)))
        cpu_raise(cpu, EXC_GP, err);
    bool conforming = type & 0x4;
    t->cpl = (!conforming && dpl < cpu->cpl) ? dpl : cpu->cpl;
    t->inter = t->cpl != cpu->cpl;
    /* Loads base, limit and attr, and probes the accessed-bit write the
     * load makes when the bit is clear (SDM Vol. 3A, 3.4.5.1). */
    seg_prepare(cpu, (uint16_t)((sel & ~SEL_RPL_MASK) | t->cpl), lin, d, &t->cs);
}

/* SDM INT n Operation, INTER-PRIVILEGE-LEVEL-INTERRUPT (legacy mode): the
 * stack segment named by the TSS for the new CPL. Null: #TS(EXT); outside
 * its table or RPL != new CPL: #TS(selector + EXT); DPL != new CPL or not
 * a writable data segment: #TS(selector + EXT); not present:
 * #SS(selector + EXT). */
static void check_new_ss(struct cpu *cpu, uint16_t ss, unsigned cpl, struct seg_load *ld)
{
    if (sel_is_null(ss))
        cpu_raise(cpu, EXC_TS, 0);
    uint32_t err = sel_error_code(ss);
    uint64_t lin;
    if (!desc_locate(cpu, ss, &lin) || (ss & SEL_RPL_MASK) != cpl)
        cpu_raise(cpu, EXC_TS, err);
    uint64_t d = desc_read(cpu, lin);
    uint16_t attr = desc_attr(d);
    unsigned type = attr & SA_TYPE_MASK;
    if (!(attr & SA_S) || (type & 0x8) || !(type & 0x2) || ((attr >> SA_DPL_SHIFT) & 3) != cpl)
        cpu_raise(cpu, EXC_TS, err);
    if (!(attr & SA_P))
        cpu_raise(cpu, EXC_SS, err);
    seg_prepare(cpu, ss, lin, d, ld);
}

/* The linear address of a legacy stack slot at offset `off` of a data
 * segment (base, limit, attr), with the limit rule of SDM Vol. 3A 5.3
 * (expand-down: above the limit, up to 64 KiB or 4 GiB by B). A slot
 * outside the segment is #SS(err) (+ EXT, by fault.c). */
static uint64_t legacy_slot(struct cpu *cpu, uint64_t base, uint32_t limit, uint16_t attr,
                            uint64_t off, unsigned size, uint32_t err)
{
    uint64_t last = off + size - 1;
    bool ok;
    if (attr & 0x4) {
        uint64_t upper = (attr & SA_DB) ? 0xffffffffu : 0xffffu;
        ok = off > limit && last <= upper;
    } else {
        ok = last <= limit;
    }
    if (!ok)
        cpu_raise(cpu, EXC_SS, err);
    return (base + off) & 0xffffffffu;
}

/* The frame is written at the handler's privilege level: a user-mode
 * access for a CPL 3 handler, a supervisor one otherwise (SDM Vol. 3A,
 * 5.6: the new stack is accessed at the new CPL). */
static unsigned frame_class(unsigned new_cpl)
{
    return new_cpl == 3 ? AF_USER : 0;
}

/* Probe every slot for writing, so the commit cannot fault. */
static void frame_probe(struct cpu *cpu, const struct frame *f, unsigned new_cpl)
{
    for (unsigned i = 0; i < f->n; i++)
        acc_probe_write(cpu, f->lin[i], f->size, frame_class(new_cpl));
}

static void frame_write(struct cpu *cpu, const struct frame *f, unsigned new_cpl)
{
    for (unsigned i = 0; i < f->n; i++)
        acc_write(cpu, f->lin[i], f->size, f->val[i], frame_class(new_cpl));
}

/* Load the handler's CS at its CPL, jump, and clear the flags every
 * protected-mode delivery clears: TF, NT, RF, VM, and IF for interrupt
 * gates (SDM INT n Operation, end of INTER- and INTRA-PRIVILEGE-LEVEL-
 * INTERRUPT). */
static void enter_handler(struct cpu *cpu, const struct target *t, uint64_t rip, bool int_gate)
{
    seg_commit(cpu, S_CS, &t->cs);
    cpu->cpl = (uint8_t)t->cpl;
    cpu->rip = rip;
    uint64_t clear = F_TF | F_NT | F_RF | F_VM | (int_gate ? F_IF : 0);
    cpu->rflags &= ~clear;
    cpu_update_mode(cpu);
}

/* RFLAGS as the frame holds it: RF = 1 for faults (see exception_is_fault). */
static uint64_t flags_image(struct cpu *cpu, unsigned vector, enum intr_source src)
{
    uint64_t image = flags_read(cpu);
    if (src == INTR_EXCEPTION && exception_is_fault(vector))
        image |= F_RF;
    return image;
}

/* Real-address mode (SDM INT n Operation, REAL-ADDRESS-MODE): the 4-byte
 * IVT entry must lie within the IDTR limit (#GP); push FLAGS, CS, IP
 * (2 bytes each; #SS if the stack has no room); clear IF, TF, AC; load
 * CS:IP from the entry. No error code is pushed. CS gets base = selector
 * << 4 and keeps its cached limit and attributes, as any real-mode CS
 * load does. */
static void deliver_real(struct cpu *cpu, unsigned vector)
{
    if ((uint64_t)vector * 4 + 3 > cpu->idtr_limit)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t entry = (uint32_t)sys_read(cpu, (cpu->idtr_base + vector * 4) & 0xffffffffu, 4);
    struct frame f = { .n = 0, .size = 2 };
    frame_push(&f, flags_read(cpu) & 0xffff);
    frame_push(&f, cpu->seg[S_CS].selector);
    frame_push(&f, cpu->rip & 0xffff);
    uint64_t sp = cpu->gpr[R_SP];
    for (unsigned i = 0; i < f.n; i++)
        f.lin[i] = seg_linear(cpu, S_SS, stack_mask(cpu, sp - 2 * (i + 1)), 2, ACC_WRITE);
    frame_probe(cpu, &f, 0);
    frame_write(cpu, &f, 0);
    reg_write(cpu, R_SP, cpu->stack_size, sp - 6);
    cpu->rflags &= ~(uint64_t)(F_IF | F_TF | F_AC);
    const struct segment *cs = &cpu->seg[S_CS];
    uint16_t sel = (uint16_t)(entry >> 16);
    cpu_load_segment_cache(cpu, S_CS, sel, (uint64_t)sel << 4, cs->limit, cs->attr);
    cpu->rip = entry & 0xffff;
}

/* Protected mode, IA-32e off (SDM INT n Operation, PROTECTED-MODE,
 * TRAP-OR-INTERRUPT-GATE and the two privilege cases). */
static void deliver_legacy(struct cpu *cpu, unsigned vector, enum intr_source src,
                           bool push_err, uint32_t error_code, struct stack_result *sr)
{
    if ((uint64_t)vector * 8 + 7 > cpu->idtr_limit)
        cpu_raise(cpu, EXC_GP, idt_error(vector));
    uint64_t g = sys_read(cpu, (cpu->idtr_base + vector * 8) & 0xffffffffu, 8);
    unsigned type = (unsigned)(g >> 40) & 0x1f;         /* S = 0 and the type */
    if (type != GATE_TASK && type != GATE_INT16 && type != GATE_TRAP16 &&
        type != GATE_INT32 && type != GATE_TRAP32)
        cpu_raise(cpu, EXC_GP, idt_error(vector));
    if (src == INTR_SOFTWARE && ((g >> 45) & 3) < cpu->cpl)
        cpu_raise(cpu, EXC_GP, idt_error(vector));     /* EXT = 0: software */
    if (!((g >> 47) & 1))
        cpu_raise(cpu, EXC_NP, idt_error(vector));
    /* Hardware task switches are not implemented: a present task gate
     * raises #GP(vector * 8 + 2 + EXT), the gate's own IDT error code
     * (docs/interrupts.md, "Task gates"). */
    if (type == GATE_TASK)
        cpu_raise(cpu, EXC_GP, idt_error(vector));

    bool gate32 = type & 0x8;
    bool int_gate = (type & 0x7) == 0x6;
    unsigned size = gate32 ? 4 : 2;
    uint64_t szmask = size_mask(size);
    uint16_t sel = (uint16_t)(g >> 16);
    uint32_t offset = (uint32_t)((g & 0xffff) | ((g >> 32) & 0xffff0000u));
    if (!gate32)
        offset &= 0xffff;                               /* 16-bit gate: IP only */
    struct target t;
    check_handler_cs(cpu, sel, false, &t);

    struct frame f = { .n = 0, .size = size };
    struct seg_load ss;
    uint64_t base, sp;
    uint32_t limit, ss_err;
    uint16_t attr;
    unsigned ss_size;
    if (t.inter) {
        uint16_t nss;
        uint32_t nesp;
        tss_legacy_stack(cpu, t.cpl, &nss, &nesp);
        check_new_ss(cpu, nss, t.cpl, &ss);
        frame_push(&f, cpu->seg[S_SS].selector);        /* zero-extended to the slot */
        frame_push(&f, cpu->gpr[R_SP] & szmask);
        base = ss.base;
        limit = ss.limit;
        attr = ss.attr;
        sp = nesp;
        ss_size = (ss.attr & SA_DB) ? 4 : 2;
        ss_err = sel_error_code(nss);
        sr->source = RS_STACK_TSS_RSP;
        sr->index = (uint8_t)t.cpl;
    } else {
        const struct segment *s = &cpu->seg[S_SS];
        base = s->base;
        limit = s->limit;
        attr = s->attr;
        sp = cpu->gpr[R_SP];
        ss_size = cpu->stack_size;
        ss_err = 0;
    }
    frame_push(&f, flags_image(cpu, vector, src) & szmask);
    frame_push(&f, cpu->seg[S_CS].selector);
    frame_push(&f, cpu->rip & szmask);
    if (push_err)
        frame_push(&f, error_code & szmask);
    for (unsigned i = 0; i < f.n; i++)
        f.lin[i] = legacy_slot(cpu, base, limit, attr,
                               addr_mask(ss_size, sp - (uint64_t)size * (i + 1)), size, ss_err);
    if (offset > t.cs.limit)
        cpu_raise(cpu, EXC_GP, 0);                      /* #GP(EXT) */
    frame_probe(cpu, &f, t.cpl);

    if (t.inter) {
        seg_commit(cpu, S_SS, &ss);
        cpu->gpr[R_SP] = (uint32_t)sp;                  /* ESP <- NewESP */
    }
    frame_write(cpu, &f, t.cpl);
    reg_write(cpu, R_SP, ss_size, sp - (uint64_t)size * f.n);
    enter_handler(cpu, &t, offset, int_gate);
}

/* IA-32e mode (SDM INT n Operation, IA-32e-MODE; Vol. 3A, 6.14): 16-byte
 * gates, only 64-bit interrupt and trap gates (anything else, task gates
 * included, is #GP(vector * 8 + 2 + EXT)); a 64-bit handler; the stack is
 * IST n when the gate names one, else TSS.RSPn for a privilege change,
 * else the current RSP; RSP is aligned down to 16 bytes; SS:RSP, RFLAGS,
 * CS:RIP and the error code are pushed as 8-byte slots; a privilege change
 * loads SS with the null selector whose RPL is the new CPL. */
static void deliver_long(struct cpu *cpu, unsigned vector, enum intr_source src,
                         bool push_err, uint32_t error_code, struct stack_result *sr)
{
    if ((uint64_t)vector * 16 + 15 > cpu->idtr_limit)
        cpu_raise(cpu, EXC_GP, idt_error(vector));
    uint64_t gate = cpu->idtr_base + vector * 16;
    uint64_t lo = sys_read(cpu, gate, 8);
    uint64_t hi = sys_read(cpu, gate + 8, 8);
    unsigned type = (unsigned)(lo >> 40) & 0x1f;
    if (type != GATE_INT32 && type != GATE_TRAP32)
        cpu_raise(cpu, EXC_GP, idt_error(vector));
    if (src == INTR_SOFTWARE && ((lo >> 45) & 3) < cpu->cpl)
        cpu_raise(cpu, EXC_GP, idt_error(vector));
    if (!((lo >> 47) & 1))
        cpu_raise(cpu, EXC_NP, idt_error(vector));
    bool int_gate = type == GATE_INT32;
    uint16_t sel = (uint16_t)(lo >> 16);
    uint64_t offset = (lo & 0xffff) | ((lo >> 32) & 0xffff0000u) | (hi << 32);
    unsigned ist = (unsigned)(lo >> 32) & 7;
    struct target t;
    check_handler_cs(cpu, sel, true, &t);

    uint64_t rsp;
    if (ist) {
        rsp = tss64_stack(cpu, ist, true);
        sr->source = RS_STACK_TSS_IST;
        sr->index = (uint8_t)ist;
    } else if (t.inter) {
        rsp = tss64_stack(cpu, t.cpl, false);
        sr->source = RS_STACK_TSS_RSP;
        sr->index = (uint8_t)t.cpl;
    } else {
        rsp = cpu->gpr[R_SP];
    }
    rsp &= ~(uint64_t)0xf;
    if (!is_canonical(rsp))
        cpu_raise(cpu, EXC_SS, 0);                      /* #SS(EXT): NewRSP non-canonical */

    struct frame f = { .n = 0, .size = 8 };
    frame_push(&f, cpu->seg[S_SS].selector);
    frame_push(&f, cpu->gpr[R_SP]);
    frame_push(&f, flags_image(cpu, vector, src));
    frame_push(&f, cpu->seg[S_CS].selector);
    frame_push(&f, cpu->rip);
    if (push_err)
        frame_push(&f, error_code);
    for (unsigned i = 0; i < f.n; i++) {
        f.lin[i] = rsp - 8 * (i + 1);
        if (!is_canonical(f.lin[i]) || !is_canonical(f.lin[i] + 7))
            cpu_raise(cpu, EXC_SS, 0);                  /* #SS(EXT) */
    }
    if (!is_canonical(offset))
        cpu_raise(cpu, EXC_GP, 0);                      /* #GP(EXT) */
    frame_probe(cpu, &f, t.cpl);

    if (t.inter) {
        /* NULL selector with RPL = new CPL; the cache is unusable with
         * DPL = CPL, as mmu/segment.c loads a null SS in 64-bit mode. */
        cpu_load_segment_cache(cpu, S_SS, (uint16_t)t.cpl, 0, 0,
                               (uint16_t)(t.cpl << SA_DPL_SHIFT));
    }
    enter_handler(cpu, &t, offset, int_gate);
    frame_write(cpu, &f, t.cpl);    /* after the switch to 64-bit mode: 64-bit addresses */
    cpu->gpr[R_SP] = rsp - 8 * f.n;
}

void interrupt_deliver(struct cpu *cpu, unsigned vector, enum intr_source src,
                       bool has_error, uint32_t error_code)
{
    static const rs_event_kind kinds[] = {
        [INTR_EXCEPTION] = RS_EV_EXCEPTION, [INTR_SOFTWARE] = RS_EV_SOFT_INT,
        [INTR_ICEBP] = RS_EV_SOFT_INT, [INTR_EXTERNAL] = RS_EV_IRQ, [INTR_NMI] = RS_EV_NMI,
    };
    rs_event ev;
    bool rec = event_begin(cpu, &ev, kinds[src]);
    if (rec && src != INTR_SOFTWARE && src != INTR_ICEBP)
        ev.rip_before = cpu->rip;   /* the faulting instruction, or where execution resumes */

    struct interrupt_state *is = &cpu->intr;
    is->delivering = true;
    is->deliver_exception = src == INTR_EXCEPTION;
    is->ext = src != INTR_SOFTWARE;
    is->deliver_vector = (uint8_t)vector;

    bool real = cpu->mode == MODE_REAL;
    unsigned cpl_before = cpu->cpl;
    bool push_err = src == INTR_EXCEPTION && has_error && !real;
    struct stack_result sr = { RS_STACK_UNCHANGED, 0 };
    if (real)
        deliver_real(cpu, vector);
    else if (cpu->efer & EFER_LMA)
        deliver_long(cpu, vector, src, push_err, error_code, &sr);
    else
        deliver_legacy(cpu, vector, src, push_err, error_code, &sr);

    /* Delivered: the shadow ends with the delivery of an event (SDM MOV:
     * "the inhibition ends after delivery of an exception"), a halted CPU
     * wakes, INT n/INT3/INTO/INT1 have no single-step trap (TF was cleared
     * on the way in: SDM Vol. 3A, 17.3.1.4), and the decoded block ends. */
    cpu_charge(cpu, real ? T_INT_REAL : cpu->cpl != cpl_before ? T_INT_PRIV : T_INT_SAME);
    if (src == INTR_EXTERNAL)
        cpu_charge(cpu, T_INTR_ACK);
    is->delivering = false;
    is->shadow = SHADOW_NONE;
    is->step_trap = false;
    cpu->halted = false;
    cpu->stop_block = true;
    if (rec) {
        ev.vector = (int16_t)vector;
        ev.has_error_code = push_err;
        ev.error_code = push_err ? error_code : 0;
        ev.stack_source = sr.source;
        ev.stack_index = sr.index;
        event_end(cpu, &ev);
    }
}

void interrupt_set_shadow(struct cpu *cpu)
{
    cpu->intr.shadow = SHADOW_SS;
    cpu->stop_block = true;
}
