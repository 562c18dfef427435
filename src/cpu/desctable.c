/*
 * Descriptor-table instructions: LGDT, LIDT, SGDT, SIDT (0F 01 /2 /3 /0 /1),
 * LLDT, LTR, SLDT, STR, VERR, VERW (0F 00 /2 /3 /0 /1 /4 /5), LAR and LSL
 * (0F 02, 0F 03) (SDM Vol. 2, the instructions' pages; Vol. 3A, 2.4, 3.5,
 * 8.2.3 and 8.2.4 for the registers and the system descriptors).
 *
 * Descriptors are read with segment.c's lookups (desc_locate*, desc_fetch*:
 * supervisor reads of linear addresses). In IA-32e mode LDT and TSS
 * descriptors are 16 bytes: all of them must lie inside the GDT and the
 * upper half's type field must be 0, and the base is 64 bits (canonical).
 *
 * LLDT, LTR, SLDT, STR, LAR, LSL, VERR and VERW are not recognised in
 * real-address mode (#UD); the table loads and stores work there.
 */
#include "cpu/operand.h"
#include "mmu/segment.h"

#define CR4_UMIP_BIT (1ull << 11)   /* user-mode instruction prevention */

enum { SYS_LDTR = 6, SYS_TR = 7 };  /* cpu_load_segment_cache's numbers */

/* SGDT, SIDT, SLDT, STR at CPL > 0 with CR4.UMIP = 1: #GP(0) (SDM Vol. 3A,
 * 2.5: "UMIP ... the SGDT, SIDT, SLDT, SMSW, and STR instructions cannot be
 * executed if CPL > 0"). */
static void umip_check(struct cpu *cpu)
{
    if ((cpu->cr4 & CR4_UMIP_BIT) && cpu->cpl > 0)
        raise_gp0(cpu);
}

static void not_in_real_mode(struct cpu *cpu)
{
    if (cpu->mode == MODE_REAL)
        raise_ud(cpu);
}

/* ---- GDTR and IDTR ------------------------------------------------------- */

/* LGDT/LIDT m16&32 (m16&64 in 64-bit mode): CPL 0 only (#GP(0); real mode
 * runs at CPL 0). The limit word, then the base: 64 bits in 64-bit mode
 * (whatever the operand size; non-canonical is #GP(0)), 32 bits otherwise,
 * of which a 16-bit operand size keeps 24 (SDM LGDT/LIDT Operation). Both
 * parts are read before either register changes; they are one memory
 * operand, so the base follows the limit without address-size wrap. */
static void load_table(struct cpu *cpu, const struct insn *in, bool idt)
{
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    uint64_t ea = insn_ea(cpu, in);
    uint16_t limit = (uint16_t)mem_read(cpu, in->seg, ea, 2);
    uint64_t base;
    if (cpu->mode == MODE_LONG64) {
        base = mem_read(cpu, in->seg, ea + 2, 8);
        if (!is_canonical(base))
            raise_gp0(cpu);
    } else {
        base = mem_read(cpu, in->seg, ea + 2, 4);
        if (in->opsize == 2)
            base &= 0xffffff;
    }
    if (idt) {
        cpu->idtr_base = base;
        cpu->idtr_limit = limit;
    } else {
        cpu->gdtr_base = base;
        cpu->gdtr_limit = limit;
    }
}

void op_lgdt(struct cpu *cpu, const struct insn *in) { load_table(cpu, in, false); }
void op_lidt(struct cpu *cpu, const struct insn *in) { load_table(cpu, in, true); }

/* SGDT/SIDT m: the limit word and the base, 4 bytes outside 64-bit mode
 * (the full 32-bit base for either operand size, as the current SDM's
 * Operation says; the 286's 24-bit form is gone) and 8 in 64-bit mode.
 * Not privileged, except under UMIP. The whole 6 or 10 bytes are probed
 * before the first store. */
static void store_table(struct cpu *cpu, const struct insn *in, bool idt)
{
    umip_check(cpu);
    uint64_t ea = insn_ea(cpu, in);
    unsigned bsize = cpu->mode == MODE_LONG64 ? 8 : 4;
    mem_probe_write(cpu, in->seg, ea, 2 + bsize);
    mem_write(cpu, in->seg, ea, 2, idt ? cpu->idtr_limit : cpu->gdtr_limit);
    mem_write(cpu, in->seg, ea + 2, bsize, idt ? cpu->idtr_base : cpu->gdtr_base);
}

void op_sgdt(struct cpu *cpu, const struct insn *in) { store_table(cpu, in, false); }
void op_sidt(struct cpu *cpu, const struct insn *in) { store_table(cpu, in, true); }

/* ---- LDTR and TR ------------------------------------------------------- */

/* SLDT/STR r/m: a register destination gets the selector zero-extended to
 * the operand size (a 16-bit operand size writes only the low word); a
 * memory destination is always a word (SDM SLDT, STR). */
static void store_selector(struct cpu *cpu, const struct insn *in, uint16_t sel)
{
    not_in_real_mode(cpu);
    umip_check(cpu);
    if (in->mod == 3)
        reg_write(cpu, in->rm, in->opsize, sel);
    else
        mem_write(cpu, in->seg, insn_ea(cpu, in), 2, sel);
}

void op_sldt(struct cpu *cpu, const struct insn *in) { store_selector(cpu, in, cpu->ldtr.selector); }
void op_str(struct cpu *cpu, const struct insn *in) { store_selector(cpu, in, cpu->tr.selector); }

/* The system descriptor (LDT or TSS) for LLDT/LTR: in the GDT only (TI = 1
 * is #GP(selector)), inside its limit (#GP(selector)); in IA-32e mode 16
 * bytes with the upper half's type 0 (#GP(selector)). Returns the low half
 * and the 64-bit base (upper half's low dword above the legacy base). */
static uint64_t system_desc(struct cpu *cpu, uint16_t sel, uint64_t *lin, uint64_t *base)
{
    if (sel & SEL_TI)
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    uint64_t d = desc_fetch(cpu, sel, EXC_GP, lin);
    *base = desc_base(d);
    if (cpu->efer & EFER_LMA)
        *base |= (desc_fetch_upper(cpu, sel) & 0xffffffffu) << 32;
    return d;
}

/* LLDT r/m16: CPL 0 (#GP(0)). A null selector (bits 15:2 zero) leaves the
 * LDTR unusable: every later LDT reference faults (we clear its cache).
 * Otherwise not an LDT descriptor is #GP(selector), not present
 * #NP(selector), and in IA-32e mode a non-canonical base #GP(selector). */
void op_lldt(struct cpu *cpu, const struct insn *in)
{
    not_in_real_mode(cpu);
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
    if (sel_is_null(sel)) {
        cpu_load_segment_cache(cpu, SYS_LDTR, sel, 0, 0, 0);
        return;
    }
    uint64_t lin, base;
    uint64_t d = system_desc(cpu, sel, &lin, &base);
    if (desc_is_user(d) || desc_type(d) != DT_LDT)
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, sel_error_code(sel));
    if ((cpu->efer & EFER_LMA) && !is_canonical(base))
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    cpu_load_segment_cache(cpu, SYS_LDTR, sel, base, desc_limit(d), desc_attr(d));
}

/* LTR r/m16: CPL 0 (#GP(0)); null is #GP(0); not an available TSS (32-bit
 * or, outside IA-32e mode, 16-bit; in IA-32e mode type 9 is the 64-bit
 * TSS) is #GP(selector) -- so a busy TSS faults; not present #NP(selector);
 * non-canonical base (IA-32e) #GP(selector). The descriptor is then marked
 * busy in the GDT (type bit 1, a locked write, probed first) and TR caches
 * it with the busy type. */
void op_ltr(struct cpu *cpu, const struct insn *in)
{
    not_in_real_mode(cpu);
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
    if (sel_is_null(sel))
        raise_gp0(cpu);
    bool lma = cpu->efer & EFER_LMA;
    uint64_t lin, base;
    uint64_t d = system_desc(cpu, sel, &lin, &base);
    unsigned type = desc_type(d);
    if (desc_is_user(d) || !(type == DT_TSS32 || (type == DT_TSS16 && !lma)))
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, sel_error_code(sel));
    if (lma && !is_canonical(base))
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    uint64_t byte5 = lma ? lin + 5 : (lin + 5) & 0xffffffffu;
    sys_probe_write(cpu, byte5, 1);
    sys_write(cpu, byte5, 1, ((d >> 40) & 0xff) | 0x2);
    cpu_load_segment_cache(cpu, SYS_TR, sel, base, desc_limit(d), (uint16_t)(desc_attr(d) | 0x2));
}

/* ---- LAR, LSL, VERR, VERW ---------------------------------------------- */

/* The descriptor a LAR/LSL/VERR/VERW selector names, or false when there
 * is none: a null selector or one outside its table clears ZF and never
 * faults (SDM LAR: "IF Offset(SRC) > descriptor table limit THEN ZF := 0"). */
static bool peek_desc(struct cpu *cpu, uint16_t sel, uint64_t *d)
{
    uint64_t lin;
    if (sel_is_null(sel) || !desc_locate(cpu, sel, &lin))
        return false;
    *d = desc_read(cpu, lin);
    return true;
}

/* In IA-32e mode a system descriptor is 16 bytes: LAR/LSL accept it only
 * when all of it lies inside the table and its upper type field is 0 (as
 * the loads check it; the SDM does not say, we follow the descriptor rules
 * of 8.2.3/5.8.3.1). */
static bool upper_half_ok(struct cpu *cpu, uint16_t sel)
{
    uint64_t lin;
    if (!desc_locate_size(cpu, sel, 16, &lin))
        return false;
    return ((desc_read(cpu, lin + 8) >> 40) & 0x1f) == 0;   /* IA-32e: no 4 GiB wrap */
}

/* The privilege test of LAR/LSL/VERR/VERW: conforming code is always
 * visible; anything else needs DPL >= CPL and DPL >= RPL. */
static bool visible(const struct cpu *cpu, uint16_t sel, uint64_t d)
{
    bool conforming_code = desc_is_user(d) && (desc_type(d) & 0xc) == 0xc;
    unsigned dpl = desc_dpl(d);
    return conforming_code || (dpl >= cpu->cpl && dpl >= (sel & SEL_RPL_MASK));
}

/* Which system types LAR (lar = true) or LSL accepts (the tables of valid
 * descriptor types on the SDM's LAR and LSL pages): legacy mode LAR takes TSSes, LDTs,
 * call and task gates; LSL only TSSes and LDTs. IA-32e mode accepts only
 * the LDT, the 64-bit TSS (available, busy) and, for LAR, the 64-bit call
 * gate. */
static bool system_type_ok(const struct cpu *cpu, unsigned type, bool lar)
{
    if (cpu->efer & EFER_LMA)
        return type == DT_LDT || type == DT_TSS32 || type == DT_TSS32_BUSY ||
               (lar && type == DT_CALL32);
    switch (type) {
    case DT_TSS16: case DT_LDT: case DT_TSS16_BUSY: case DT_TSS32: case DT_TSS32_BUSY:
        return true;
    case DT_CALL16: case DT_TASK: case DT_CALL32:
        return lar;
    default:
        return false;
    }
}

/* Shared by LAR and LSL: the descriptor if it passes the type and
 * privilege tests. */
static bool lar_lsl_desc(struct cpu *cpu, uint16_t sel, bool lar, uint64_t *d)
{
    if (!peek_desc(cpu, sel, d))
        return false;
    if (!desc_is_user(*d)) {
        if (!system_type_ok(cpu, desc_type(*d), lar))
            return false;
        if ((cpu->efer & EFER_LMA) && !upper_half_ok(cpu, sel))
            return false;
    }
    return visible(cpu, sel, *d);
}

/* LAR r, r/m16 (0F 02): ZF = 1 and the access rights -- the descriptor's
 * second dword masked with 00FFFF00H (type, S, DPL, P, limit 19:16, AVL,
 * L, D/B, G) for a 32/64-bit operand (zero-extended), FF00H for a 16-bit
 * one -- or ZF = 0 and the register unchanged. The SDM calls bits 19:16
 * undefined ("00FxFF00H"); Intel silicon returns the descriptor's limit
 * bits 19:16 there, which we do. The present bit is not checked. */
void op_lar(struct cpu *cpu, const struct insn *in)
{
    not_in_real_mode(cpu);
    uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
    uint64_t d;
    bool ok = lar_lsl_desc(cpu, sel, true, &d);
    if (ok)
        reg_write(cpu, in->reg, in->opsize, (d >> 32) & (in->opsize == 2 ? 0xff00u : 0x00ffff00u));
    flags_update(cpu, F_ZF, ok ? F_ZF : 0);
}

/* LSL r, r/m16 (0F 03): ZF = 1 and the byte-granular segment limit (G
 * applied; truncated to 16 bits for a 16-bit operand, zero-extended for
 * 32/64), or ZF = 0 and the register unchanged. */
void op_lsl(struct cpu *cpu, const struct insn *in)
{
    not_in_real_mode(cpu);
    uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
    uint64_t d;
    bool ok = lar_lsl_desc(cpu, sel, false, &d);
    if (ok)
        reg_write(cpu, in->reg, in->opsize, desc_limit(d));
    flags_update(cpu, F_ZF, ok ? F_ZF : 0);
}

/* VERR/VERW r/m16 (0F 00 /4, /5): ZF = 1 when the segment is readable
 * (data, or readable code) / writable (writable data) at the current CPL
 * and the selector's RPL; system descriptors, null selectors and ones
 * outside the table give ZF = 0. The present bit is not checked. */
static void verify(struct cpu *cpu, const struct insn *in, bool write)
{
    not_in_real_mode(cpu);
    uint16_t sel = (uint16_t)rm_read(cpu, in, 2);
    uint64_t d;
    bool ok = peek_desc(cpu, sel, &d) && desc_is_user(d) && visible(cpu, sel, d);
    if (ok) {
        unsigned type = desc_type(d);
        bool code = type & 0x8;
        ok = write ? (!code && (type & 0x2)) : (!code || (type & 0x2));
    }
    flags_update(cpu, F_ZF, ok ? F_ZF : 0);
}

void op_verr(struct cpu *cpu, const struct insn *in) { verify(cpu, in, false); }
void op_verw(struct cpu *cpu, const struct insn *in) { verify(cpu, in, true); }
