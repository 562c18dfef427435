/*
 * Far control transfers: JMP ptr16:16/32 (EA), JMP m16:16/32/64 (FF /5),
 * CALL ptr16:16/32 (9A), CALL m16:16/32/64 (FF /3), RET far (CB, CA imm16)
 * in real-address, protected and IA-32e mode (SDM Vol. 2, the JMP, CALL and
 * RET Operation sections; Vol. 3A, 5.8 "Privilege level checking when
 * transferring program control between code segments").
 *
 * Every handler runs in two phases. The first reads every descriptor, the
 * TSS stack pointer, every stack slot and parameter, checks every rule and
 * probes every stack write (a `struct stk` records where each push goes),
 * raising the SDM's exception on the first violation with nothing changed.
 * The second cannot fault: it writes the stack slots, sets accessed bits,
 * loads the segment caches, CPL, RSP and RIP, and re-derives the mode
 * (cpu_update_mode, through seg_commit of CS/SS).
 *
 * Decisions where the SDM leaves room (docs/segmentation.md lists them):
 * - A TSS or task-gate selector in JMP/CALL raises #GP(selector): hardware
 *   task switches are not implemented (the IDT's task gates do the same).
 * - A selector pushed in a 32- or 64-bit slot (CS, and SS through a call
 *   gate) is zero-extended ("padded with 16 high-order bits").
 * - Real-address mode loads only CS's selector and base (limit and
 *   attributes stay, as for the data segment registers), and checks the
 *   target against the CS limit (64 KiB normally: the SDM's "DEST[31:16] is
 *   not zero" test for 32-bit operands).
 */
#include "cpu/event.h"
#include "cpu/operand.h"
#include "cpu/tss.h"
#include "mmu/segment.h"

/* ---- stack frames written by a transfer --------------------------------- */

/* A stack being pushed onto, possibly one whose SS is not loaded yet (the
 * inner stack of a call through a gate). Each push is checked and probed
 * when recorded; stk_write() stores them all once nothing can fault. */
#define STK_MAX 40      /* SS, ESP, 31 parameters, CS, EIP */
struct stk {
    uint64_t sp;            /* the stack-pointer register as it evolves */
    uint64_t base;
    uint32_t limit;
    uint32_t err;           /* #SS error code: 0, or the new SS selector */
    uint8_t rights;         /* SEG_R_* of the segment */
    uint8_t asize;          /* stack-address size 2, 4, or 8 (flat, canonical) */
    uint8_t af;             /* access class of the pushes: the CPL they are made at */
    unsigned n;
    uint64_t lin[STK_MAX];
    uint64_t val[STK_MAX];
    uint8_t size[STK_MAX];
};

/* SEG_R_* for a data segment described by `attr` (as cpu_load_segment_cache
 * computes them), for a stack segment that is not loaded yet. */
static uint8_t data_rights(uint16_t attr)
{
    uint8_t r = 0;
    unsigned type = attr & SA_TYPE_MASK;
    if ((attr & SA_P) && (attr & SA_S) && !(type & 0x8)) {
        r = SEG_R_USABLE | SEG_R_READ;
        if (type & 0x2)
            r |= SEG_R_WRITE;
        if (type & 0x4)
            r |= SEG_R_EXPDOWN;
        if (attr & SA_DB)
            r |= SEG_R_BIG;
    }
    return r;
}

/* The current stack; `flat64` treats it as a 64-bit stack (RSP, no
 * segmentation), as a call through a 64-bit gate from compatibility mode
 * does: its pushes happen in 64-bit mode. */
static void stk_current(const struct cpu *cpu, struct stk *st, bool flat64)
{
    const struct segment *ss = &cpu->seg[S_SS];
    st->sp = cpu->gpr[R_SP];
    st->base = ss->base;
    st->limit = ss->limit;
    st->rights = ss->rights;
    st->asize = flat64 ? 8 : cpu->stack_size;
    st->af = (uint8_t)access_class(cpu);
    st->err = 0;
    st->n = 0;
}

/* A new stack described by a checked SS load and the stack pointer from
 * the TSS; stack faults on it are #SS(new SS selector). */
static void stk_new(struct stk *st, const struct seg_load *ss, uint64_t sp, bool flat64,
                    unsigned cpl)
{
    st->af = cpl == 3 ? AF_USER : 0;    /* pushes made at the new CPL */
    st->base = ss->base;
    st->limit = ss->limit;
    st->rights = data_rights(ss->attr);
    st->asize = flat64 ? 8 : (ss->attr & SA_DB) ? 4 : 2;
    st->sp = st->asize == 4 ? (uint32_t)sp : sp;
    st->err = sel_error_code(ss->selector);
    st->n = 0;
}

/* Record a push of `size` bytes: step the stack pointer at the stack's
 * address size, check the slot against the segment (type, limit, expand-down)
 * or for canonical form, and probe the page(s) for a write at the stack's
 * privilege. Returns the slot. */
static unsigned stk_push(struct cpu *cpu, struct stk *st, unsigned size, uint64_t v)
{
    uint64_t lin;
    if (st->asize == 8) {
        st->sp -= size;
        lin = st->sp;
        if (!is_canonical(lin) || !is_canonical(lin + size - 1))
            cpu_raise(cpu, EXC_SS, st->err);
    } else {
        uint64_t mask = size_mask(st->asize);
        uint64_t off = (st->sp - size) & mask, last = off + size - 1;
        st->sp = st->asize == 4 ? off : (st->sp & ~mask) | off;
        if (!(st->rights & SEG_R_USABLE) || !(st->rights & SEG_R_WRITE))
            cpu_raise(cpu, EXC_SS, st->err);
        if (st->rights & SEG_R_EXPDOWN) {
            uint64_t upper = (st->rights & SEG_R_BIG) ? 0xffffffffu : 0xffffu;
            if (off <= st->limit || last > upper)
                cpu_raise(cpu, EXC_SS, st->err);
        } else if (last > st->limit) {
            cpu_raise(cpu, EXC_SS, st->err);
        }
        lin = (st->base + off) & 0xffffffffu;
    }
    acc_probe_write(cpu, lin, size, st->af);
    st->lin[st->n] = lin;
    st->val[st->n] = v;
    st->size[st->n] = (uint8_t)size;
    return st->n++;
}

/* Store every recorded push (cannot fault: each was probed). */
static void stk_write(struct cpu *cpu, const struct stk *st)
{
    for (unsigned i = 0; i < st->n; i++)
        acc_write(cpu, st->lin[i], st->size[i], st->val[i], st->af);
}

/* ---- shared checks ------------------------------------------------------ */

/* The new instruction pointer of a far transfer into the code segment `cs`
 * (SDM JMP/CALL/RET): truncated to 16 bits for 16-bit operands, to 32 bits
 * for any target that is not 64-bit code; then outside the CS limit (not
 * 64-bit code) or non-canonical (64-bit code) is #GP(0). */
static uint64_t far_target(struct cpu *cpu, uint64_t ip, unsigned size, const struct seg_load *cs,
                           bool to64)
{
    if (size == 2)
        ip &= 0xffff;
    if (to64) {
        if (!is_canonical(ip))
            raise_gp0(cpu);
    } else {
        ip &= 0xffffffffu;
        if (ip > cs->limit)
            raise_gp0(cpu);
    }
    return ip;
}

static bool lma(const struct cpu *cpu)
{
    return cpu->efer & EFER_LMA;
}

/* Emit the transfer's event if it went through a gate, changed CPL or
 * changed the mode (rs_event: "through a gate or changing CPL"). */
static void far_event(struct cpu *cpu, rs_event *ev, bool gate, rs_stack_source src, unsigned idx)
{
    if (!gate && ev->cpl_before == cpu->cpl && ev->mode_before == (rs_mode)cpu->mode)
        return;
    ev->stack_source = src;
    ev->stack_index = (uint8_t)idx;
    event_end(cpu, ev);
}

/* ---- real-address mode --------------------------------------------------- */

/* SDM JMP/CALL, real-address mode: CS gets the selector and base =
 * selector << 4; the target must lie inside the CS limit (#GP(0)), and a
 * CALL needs room for its return address first (#SS(0)). */
static void far_real(struct cpu *cpu, uint16_t sel, uint64_t offset, unsigned size, bool call)
{
    const struct segment *cs = &cpu->seg[S_CS];
    struct stk st;
    if (call) {
        stk_current(cpu, &st, false);
        stk_push(cpu, &st, size, cs->selector);
        stk_push(cpu, &st, size, cpu->rip);
    }
    uint64_t ip = offset & (size == 2 ? 0xffffu : 0xffffffffu);
    if (ip > cs->limit)
        raise_gp0(cpu);
    if (call) {
        stk_write(cpu, &st);
        cpu->gpr[R_SP] = st.sp;
    }
    cpu_load_segment_cache(cpu, S_CS, sel, (uint64_t)sel << 4, cs->limit, cs->attr);
    cpu->rip = ip;
    cpu_charge(cpu, T_FAR_BRANCH);
}

/* ---- protected and IA-32e mode: JMP and CALL ----------------------------- */

/* JMP/CALL to a conforming or nonconforming code segment (no gate): CPL
 * does not change, CS.RPL becomes CPL. A CALL pushes CS and rIP at the
 * operand size on the current stack, before CS changes. */
static void far_direct(struct cpu *cpu, uint16_t sel, uint64_t lin, uint64_t d, uint64_t offset,
                       unsigned size, bool call)
{
    struct seg_load cs;
    seg_check_code_desc(cpu, sel, lin, d, CS_DIRECT, cpu->cpl, &cs);
    cs.selector = (uint16_t)((sel & ~SEL_RPL_MASK) | cpu->cpl);
    bool to64 = lma(cpu) && (cs.attr & SA_L);
    struct stk st;
    if (call) {
        /* "IF stack not large enough for return address THEN #SS(0)"
         * comes before the limit check of the target. */
        stk_current(cpu, &st, cpu->mode == MODE_LONG64);
        stk_push(cpu, &st, size, cpu->seg[S_CS].selector);
        stk_push(cpu, &st, size, cpu->rip);
    }
    uint64_t ip = far_target(cpu, offset, size, &cs, to64);
    if (call) {
        stk_write(cpu, &st);            /* in the old mode, as the pushes precede the CS load */
        cpu->gpr[R_SP] = st.sp;
    }
    seg_commit(cpu, S_CS, &cs);
    cpu->rip = ip;
}

/* JMP/CALL through a call gate (SDM CALL "CALL-GATE", "MORE-PRIVILEGE",
 * "SAME-PRIVILEGE"; JMP "CALL-GATE"). Returns the stack source for the
 * event and stores the TSS stack index in *idx. */
static rs_stack_source far_gate(struct cpu *cpu, uint16_t sel, uint64_t d, bool call, unsigned *idx)
{
    unsigned cpl = cpu->cpl;
    uint32_t err = sel_error_code(sel);
    struct gate g;

    /* Gate DPL below CPL or below the selector's RPL: #GP(gate selector);
     * then not present: #NP(gate selector). */
    if (desc_dpl(d) < cpl || desc_dpl(d) < (sel & SEL_RPL_MASK))
        cpu_raise(cpu, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, err);
    if (lma(cpu)) {
        uint64_t hi = desc_fetch_upper(cpu, sel);   /* 16 bytes in the table, upper type 0 */
        gate_decode(d, &hi, &g);
    } else {
        gate_decode(d, NULL, &g);
    }

    /* The target code segment: null #GP(0); outside the table, not code,
     * DPL > CPL (JMP: conforming DPL > CPL or nonconforming DPL != CPL),
     * and in IA-32e mode not 64-bit code: #GP(code selector); not present:
     * #NP(code selector). */
    struct seg_load cs;
    seg_check_code(cpu, g.selector, call ? CS_GATE_CALL : CS_GATE_JMP, cpl, &cs);
    unsigned dpl = (cs.attr >> SA_DPL_SHIFT) & 3;
    bool inner = call && !(cs.attr & 0x4) && dpl < cpl;
    unsigned newcpl = inner ? dpl : cpl;
    cs.selector = (uint16_t)((g.selector & ~SEL_RPL_MASK) | newcpl);
    bool to64 = lma(cpu);               /* 64-bit gates lead to 64-bit code only */
    uint64_t old_cs = cpu->seg[S_CS].selector, old_ip = cpu->rip;

    if (!call) {
        uint64_t ip = far_target(cpu, g.offset, g.size, &cs, to64);
        seg_commit(cpu, S_CS, &cs);
        cpu->rip = ip;
        return RS_STACK_UNCHANGED;
    }

    struct stk st;
    struct seg_load ss;
    if (!inner) {
        /* SAME-PRIVILEGE: room for CS:EIP at the gate size (#SS(0)), then
         * the target (#GP(0)); the push follows the CS load, so through a
         * 64-bit gate it happens in 64-bit mode. */
        stk_current(cpu, &st, to64);
        stk_push(cpu, &st, g.size, old_cs);
        stk_push(cpu, &st, g.size, old_ip);
        uint64_t ip = far_target(cpu, g.offset, g.size, &cs, to64);
        seg_commit(cpu, S_CS, &cs);
        stk_write(cpu, &st);
        cpu->gpr[R_SP] = st.sp;
        cpu->rip = ip;
        return RS_STACK_UNCHANGED;
    }

    /* MORE-PRIVILEGE: the stack for the new CPL comes from the TSS
     * (#TS(TR selector) when it lies beyond the TSS limit). Legacy mode
     * checks the new SS (#TS/#SS(new SS)); IA-32e mode loads a null SS with
     * RPL = new CPL. */
    uint64_t nsp;
    if (to64) {
        nsp = tss64_stack(cpu, newcpl, false);
        ss.selector = (uint16_t)newcpl;
        ss.base = 0;
        ss.limit = 0;
        ss.attr = (uint16_t)(newcpl << SA_DPL_SHIFT);  /* unusable, DPL = CPL (as MOV SS) */
        ss.desc_lin = 0;
        ss.set_accessed = false;
    } else {
        uint16_t nss;
        uint32_t esp;
        tss_legacy_stack(cpu, newcpl, &nss, &esp);
        seg_check_tss_stack(cpu, nss, newcpl, &ss);
        nsp = esp;
    }
    /* The frame: old SS, old ESP, the parameters (count from the gate,
     * copied in their order on the caller's stack), old CS, old EIP, each at
     * the gate size; no room is #SS(new SS), or #SS(0) for the null SS of
     * IA-32e mode. The caller's parameters are read after the target
     * check, as the SDM's order has it. */
    stk_new(&st, &ss, nsp, to64, newcpl);
    stk_push(cpu, &st, g.size, cpu->seg[S_SS].selector);
    stk_push(cpu, &st, g.size, cpu->gpr[R_SP]);
    unsigned first = st.n;
    for (unsigned i = g.params; i-- > 0;)
        stk_push(cpu, &st, g.size, 0);
    stk_push(cpu, &st, g.size, old_cs);
    stk_push(cpu, &st, g.size, old_ip);
    uint64_t ip = far_target(cpu, g.offset, g.size, &cs, to64);
    for (unsigned i = 0; i < g.params; i++)     /* slot first + k holds parameter count-1-k */
        st.val[first + g.params - 1 - i] = stack_peek(cpu, g.size, i * g.size);

    seg_commit(cpu, S_SS, &ss);
    seg_commit(cpu, S_CS, &cs);
    cpu->cpl = (uint8_t)newcpl;
    stk_write(cpu, &st);
    cpu->gpr[R_SP] = st.sp;
    cpu->rip = ip;
    *idx = newcpl;
    return RS_STACK_TSS_RSP;
}

/* Far JMP or CALL to sel:offset at operand size `size`. */
static void far_jmp_call(struct cpu *cpu, uint16_t sel, uint64_t offset, unsigned size, bool call)
{
    if (cpu->mode == MODE_REAL) {
        far_real(cpu, sel, offset, size, call);
        return;
    }
    rs_event ev;
    bool rec = event_begin(cpu, &ev, call ? RS_EV_FAR_CALL : RS_EV_FAR_JMP);
    unsigned ev_cpl = cpu->cpl;

    /* Null selector: #GP(0); outside the GDT/LDT: #GP(selector). */
    if (sel_is_null(sel))
        raise_gp0(cpu);
    uint64_t lin;
    uint64_t d = desc_fetch(cpu, sel, EXC_GP, &lin);
    bool gate = false;
    rs_stack_source src = RS_STACK_UNCHANGED;
    unsigned idx = 0;

    if (desc_is_user(d)) {
        far_direct(cpu, sel, lin, d, offset, size, call);     /* data segments: #GP(selector) */
    } else if (desc_type(d) == DT_CALL32 || (desc_type(d) == DT_CALL16 && !lma(cpu))) {
        src = far_gate(cpu, sel, d, call, &idx);
        gate = true;
    } else {
        /* TSS (available or busy) and task gates would start a task switch
         * in legacy mode; it is not implemented and raises #GP(selector),
         * like every other system type (and, in IA-32e mode, everything
         * but a 64-bit call gate). */
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    }
    /* A gate to an inner level costs the call-gate figure; a gate at the
     * same level or none, a far branch. */
    cpu_charge(cpu, gate && cpu->cpl != ev_cpl ? T_CALL_GATE : T_FAR_BRANCH);
    if (rec)
        far_event(cpu, &ev, gate, src, idx);
}

/* JMP ptr16:16 / ptr16:32 (EA; not in 64-bit mode): imm = offset,
 * imm2 = selector. */
void op_jmp_far_ptr(struct cpu *cpu, const struct insn *in)
{
    far_jmp_call(cpu, (uint16_t)in->imm2, in->imm, in->opsize, false);
}

/* CALL ptr16:16 / ptr16:32 (9A; not in 64-bit mode). */
void op_call_far_ptr(struct cpu *cpu, const struct insn *in)
{
    far_jmp_call(cpu, (uint16_t)in->imm2, in->imm, in->opsize, true);
}

/* Read a far pointer m16:16, m16:32 or (REX.W, Intel) m16:64: the offset at
 * the operand size, then the selector, as one memory operand. */
static uint64_t read_far_ptr(struct cpu *cpu, const struct insn *in, uint16_t *sel)
{
    uint64_t ea = insn_ea(cpu, in);
    uint64_t off = mem_read(cpu, in->seg, ea, in->opsize);
    *sel = (uint16_t)mem_read(cpu, in->seg, ea + in->opsize, 2);
    return off;
}

/* JMP m16:16/32/64 (FF /5). */
void op_jmp_far_mem(struct cpu *cpu, const struct insn *in)
{
    uint16_t sel;
    uint64_t off = read_far_ptr(cpu, in, &sel);
    far_jmp_call(cpu, sel, off, in->opsize, false);
}

/* CALL m16:16/32/64 (FF /3). */
void op_call_far_mem(struct cpu *cpu, const struct insn *in)
{
    uint16_t sel;
    uint64_t off = read_far_ptr(cpu, in, &sel);
    far_jmp_call(cpu, sel, off, in->opsize, true);
}

/* ---- RET far ------------------------------------------------------------ */

/* After a return to an outer level: DS, ES, FS and GS that hold data or
 * nonconforming code with DPL < the new CPL become null (SDM RET:
 * "SegmentSelector <- 0; (* Segment selector invalid *)"). The selector
 * and attributes are cleared (unusable); base and limit are kept, as the
 * SDM does not say they change (in 64-bit mode FS/GS keep their base). */
static void null_outer_segments(struct cpu *cpu)
{
    static const int regs[] = { S_ES, S_DS, S_FS, S_GS };
    for (unsigned i = 0; i < 4; i++) {
        struct segment *s = &cpu->seg[regs[i]];
        unsigned dpl = (s->attr >> SA_DPL_SHIFT) & 3;
        bool conforming_code = (s->attr & 0xc) == 0xc;
        if ((s->rights & SEG_R_USABLE) && !conforming_code && dpl < cpu->cpl)
            cpu_load_segment_cache(cpu, regs[i], 0, s->base, s->limit, 0);
    }
}

/* RET far (CB) and RET far imm16 (CA): pop rIP and CS at the operand size
 * (16, 32, or 64 with REX.W), release imm16 bytes; to an outer level also
 * pop rSP and SS (after the imm16 bytes) and release imm16 bytes on the
 * outer stack too. */
void op_retf(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opsize;
    uint64_t imm = in->imm & 0xffff;
    uint64_t ip = stack_peek(cpu, size, 0);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, size);
    unsigned old_ssize = cpu->stack_size;

    if (cpu->mode == MODE_REAL) {
        /* Real-address mode: the return IP must lie inside the CS limit. */
        const struct segment *cs = &cpu->seg[S_CS];
        ip &= size == 2 ? 0xffffu : 0xffffffffu;
        if (ip > cs->limit)
            raise_gp0(cpu);
        cpu_load_segment_cache(cpu, S_CS, sel, (uint64_t)sel << 4, cs->limit, cs->attr);
        cpu->rip = ip;
        reg_write(cpu, R_SP, old_ssize, cpu->gpr[R_SP] + 2 * size + imm);
        cpu_charge(cpu, T_FAR_BRANCH);
        return;
    }

    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_FAR_RET);
    /* The return CS: null #GP(0); outside the table (or non-canonical),
     * not code, L = D = 1 in IA-32e mode, RPL < CPL, conforming with
     * DPL > RPL or nonconforming with DPL != RPL: #GP(selector); not
     * present: #NP(selector). */
    struct seg_load cs;
    seg_check_code(cpu, sel, CS_RETURN, cpu->cpl, &cs);
    unsigned newcpl = sel & SEL_RPL_MASK;
    bool to64 = lma(cpu) && (cs.attr & SA_L);

    if (newcpl == cpu->cpl) {
        /* Same level: rSP moves at the stack-address size in force when
         * the instruction began (a return from 64-bit to compatibility
         * code then leaves a 64-bit-stepped RSP; our choice). */
        uint64_t nip = far_target(cpu, ip, size, &cs, to64);
        seg_commit(cpu, S_CS, &cs);
        cpu->rip = nip;
        reg_write(cpu, R_SP, old_ssize, cpu->gpr[R_SP] + 2 * size + imm);
        cpu_charge(cpu, T_FAR_BRANCH);
        if (rec)
            far_event(cpu, &ev, false, RS_STACK_UNCHANGED, 0);
        return;
    }

    /* Outer level: rSP and SS follow the imm16 released bytes. SS is
     * checked at the new CPL (RPL(CS)) with the MOV SS rules: null is
     * #GP(0) except for a return to 64-bit code below ring 3 (IA-32e);
     * RPL or DPL != new CPL or not writable data #GP(selector); not present
     * #SS(selector). Then the target: #GP(0). */
    uint64_t nsp = stack_peek(cpu, size, 2 * size + imm);
    uint16_t nss = (uint16_t)stack_peek(cpu, size, 3 * size + imm);
    struct seg_load ss;
    seg_check_data(cpu, S_SS, nss, newcpl, to64, &ss);
    uint64_t nip = far_target(cpu, ip, size, &cs, to64);

    cs.selector = sel;                  /* RPL = new CPL already */
    seg_commit(cpu, S_CS, &cs);
    cpu->cpl = (uint8_t)newcpl;
    seg_commit(cpu, S_SS, &ss);
    cpu->rip = nip;
    /* "ESP <- tempESP" at the operand size, then "ESP <- ESP + SRC" at the
     * new stack-address size. */
    reg_write(cpu, R_SP, size, nsp);
    reg_write(cpu, R_SP, cpu->stack_size, cpu->gpr[R_SP] + imm);
    null_outer_segments(cpu);
    cpu_charge(cpu, T_FAR_RET_OUTER);
    if (rec)
        far_event(cpu, &ev, false, RS_STACK_FRAME, 0);
}
