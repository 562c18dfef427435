/*
 * Descriptor-table lookups, data/stack and code segment-register loads and
 * gate decoding, shared by MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS, far
 * JMP/CALL/RET (cpu/far.c), the descriptor-table instructions
 * (cpu/desctable.c) and interrupt delivery (segment.h describes the
 * check/commit split).
 */
#include "mmu/segment.h"

#include "cpu/fault.h"
#include "mmu/access.h"

/* Descriptor-table addresses are 64-bit in IA-32e mode (GDTR/LDTR bases are
 * 64 bits there) and wrap at 4 GiB otherwise. */
static uint64_t table_addr(const struct cpu *cpu, uint64_t lin)
{
    return (cpu->efer & EFER_LMA) ? lin : (lin & 0xffffffffu);
}

bool desc_locate(const struct cpu *cpu, uint16_t sel, uint64_t *lin)
{
    return desc_locate_size(cpu, sel, 8, lin);
}

bool desc_locate_size(const struct cpu *cpu, uint16_t sel, unsigned size, uint64_t *lin)
{
    uint64_t base, limit;
    if (sel & SEL_TI) {
        /* The LDT must be usable: LDTR caches a present LDT descriptor
         * (system type 2). A null LDTR (LLDT with a null selector) leaves it
         * unusable, and any reference through it is #GP(selector) (SDM
         * Vol. 3A, 3.5.1 and LLDT). */
        const struct segment *ldt = &cpu->ldtr;
        if (!(ldt->attr & SA_P) || (ldt->attr & (SA_S | SA_TYPE_MASK)) != 0x2)
            return false;
        base = ldt->base;
        limit = ldt->limit;
    } else {
        base = cpu->gdtr_base;
        limit = cpu->gdtr_limit;
    }
    /* All eight (sixteen) bytes must lie within the limit (SDM Vol. 3A,
     * 3.5.1: the limit is the last valid byte, so a table holds
     * (limit + 1) / 8 whole descriptors). */
    uint64_t off = sel & 0xfff8u;
    if (off + size - 1 > limit)
        return false;
    uint64_t a = table_addr(cpu, base + off);
    /* IA-32e mode: "If the memory access to the descriptor table is
     * non-canonical" is #GP(selector) (SDM MOV, 64-Bit Mode Exceptions). */
    if ((cpu->efer & EFER_LMA) && (!is_canonical(a) || !is_canonical(a + size - 1)))
        return false;
    *lin = a;
    return true;
}

/* Descriptor-table reads and accessed-bit writes are implicit supervisor
 * accesses (SDM Vol. 3A, 5.6): supervisor even at CPL 3 (sys_read). */
uint64_t desc_read(struct cpu *cpu, uint64_t lin)
{
    return sys_read(cpu, lin, 8);
}

void seg_check_data(struct cpu *cpu, int sreg, uint16_t sel, unsigned cpl, bool long64,
                    struct seg_load *out)
{
    out->selector = sel;
    out->desc_lin = 0;
    out->set_accessed = false;

    /* Real-address mode (and virtual-8086 mode, which this CPU does not
     * have): only the selector and base change; the cached limit and
     * attributes stay what they were (SDM Vol. 3A, "Real-Address Mode
     * Operation"; Vol. 2, MOV Operation). */
    if (cpu->mode == MODE_REAL) {
        const struct segment *s = &cpu->seg[sreg];
        out->base = (uint64_t)sel << 4;
        out->limit = s->limit;
        out->attr = s->attr;
        return;
    }

    unsigned rpl = sel & SEL_RPL_MASK;
    uint32_t err = sel_error_code(sel);

    if (sel_is_null(sel)) {
        if (sreg == S_SS) {
            /* Legacy and compatibility mode: a null SS is #GP(0). 64-bit
             * mode allows it below CPL 3 when RPL = CPL; at CPL 3 it is
             * #GP(0), and with RPL != CPL #GP(selector), whose error code
             * is 0 too for a null selector (SDM MOV, 64-Bit Mode
             * Exceptions). */
            if (!long64 || cpl == 3)
                cpu_raise(cpu, EXC_GP, 0);
            if (rpl != cpl)
                cpu_raise(cpu, EXC_GP, err);
            /* SS is left unusable but its DPL stays the CPL: "the value of
             * the DPL field for SS is always equal to the logical
             * processor's current privilege level" (SDM Vol. 3C, guest
             * register state), which is what Intel silicon keeps. */
            out->attr = (uint16_t)(cpl << SA_DPL_SHIFT);
        } else {
            /* DS/ES/FS/GS: the null selector loads an unusable segment;
             * any later access through it is #GP(0) (outside 64-bit mode).
             * The SDM leaves the other cache fields unspecified: Intel
             * silicon clears the base (Linux relies on it for FS/GS; AMD
             * keeps the old base), and we clear the limit too. */
            out->attr = 0;
        }
        out->base = 0;
        out->limit = 0;
        return;
    }

    uint64_t lin;
    if (!desc_locate(cpu, sel, &lin))
        cpu_raise(cpu, EXC_GP, err);
    uint64_t d = desc_read(cpu, lin);
    uint16_t attr = desc_attr(d);
    unsigned dpl = (attr >> SA_DPL_SHIFT) & 3;
    unsigned type = attr & SA_TYPE_MASK;
    bool user = attr & SA_S;            /* code or data, not a system descriptor */
    bool code = type & 0x8;

    if (sreg == S_SS) {
        /* RPL != CPL, not a writable data segment, or DPL != CPL:
         * #GP(selector); then not present: #SS(selector). */
        if (rpl != cpl || !user || code || !(type & 0x2) || dpl != cpl)
            cpu_raise(cpu, EXC_GP, err);
        if (!(attr & SA_P))
            cpu_raise(cpu, EXC_SS, err);
    } else {
        /* Not data or readable code: #GP(selector). Data and nonconforming
         * code need DPL >= both RPL and CPL (SDM Vol. 3A, 5.7; the MOV
         * Operation's "(RPL > DPL) or (CPL > DPL)"); conforming code skips
         * the privilege check. Then not present: #NP(selector). */
        if (!user || (code && !(type & 0x2)))
            cpu_raise(cpu, EXC_GP, err);
        bool conforming = code && (type & 0x4);
        if (!conforming && (rpl > dpl || cpl > dpl))
            cpu_raise(cpu, EXC_GP, err);
        if (!(attr & SA_P))
            cpu_raise(cpu, EXC_NP, err);
    }

    seg_prepare(cpu, sel, lin, d, out);
}

void seg_prepare(struct cpu *cpu, uint16_t sel, uint64_t lin, uint64_t d, struct seg_load *out)
{
    uint16_t attr = desc_attr(d);
    out->selector = sel;
    out->set_accessed = false;
    /* The processor sets the accessed bit when it loads a descriptor whose
     * bit is clear (SDM Vol. 3A, 3.4.5.1): a write to the table. Probe it
     * here so the commit cannot fault. */
    if (!(d & DESC_ACCESSED)) {
        sys_probe_write(cpu, table_addr(cpu, lin + 5), 1);
        out->set_accessed = true;
        attr |= 0x1;
    }
    out->desc_lin = lin;
    out->base = desc_base(d);           /* 32 bits, zero-extended (FS/GS too) */
    out->limit = desc_limit(d);
    out->attr = attr;
}

void seg_commit(struct cpu *cpu, int sreg, const struct seg_load *ld)
{
    if (ld->set_accessed) {
        uint64_t a = table_addr(cpu, ld->desc_lin + 5);
        sys_write(cpu, a, 1, sys_read(cpu, a, 1) | 0x1);
    }
    cpu_load_segment_cache(cpu, sreg, ld->selector, ld->base, ld->limit, ld->attr);
    if (sreg == S_SS || sreg == S_CS)
        cpu_update_mode(cpu);           /* SS.B: stack-address size; CS.L/D: mode */
}

void seg_load_data(struct cpu *cpu, int sreg, uint16_t sel)
{
    struct seg_load ld;
    seg_check_data(cpu, sreg, sel, cpu->cpl, cpu->mode == MODE_LONG64, &ld);
    seg_commit(cpu, sreg, &ld);
}

uint64_t desc_fetch(struct cpu *cpu, uint16_t sel, int vector, uint64_t *lin)
{
    if (!desc_locate(cpu, sel, lin))
        cpu_raise(cpu, vector, sel_error_code(sel));
    return desc_read(cpu, *lin);
}

uint64_t desc_fetch_upper(struct cpu *cpu, uint16_t sel)
{
    uint64_t lin;
    if (!desc_locate_size(cpu, sel, 16, &lin))
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    uint64_t hi = desc_read(cpu, table_addr(cpu, lin + 8));
    /* Bits 12:8 of the fourth dword (the upper half's "type") must be 0,
     * so that the upper half can never be taken for a legacy descriptor. */
    if ((hi >> 40) & 0x1f)
        cpu_raise(cpu, EXC_GP, sel_error_code(sel));
    return hi;
}

void seg_check_code_desc(struct cpu *cpu, uint16_t sel, uint64_t lin, uint64_t d,
                         enum cs_rule rule, unsigned cpl, struct seg_load *out)
{
    uint32_t err = sel_error_code(sel);
    unsigned type = desc_type(d), dpl = desc_dpl(d), rpl = sel & SEL_RPL_MASK;
    bool lma = cpu->efer & EFER_LMA;
    bool l = (d >> 53) & 1, db = (d >> 54) & 1;

    /* Every check but "present" raises #GP(selector) and precedes it, so
     * their relative order cannot be observed. */
    if (!desc_is_user(d) || !(type & 0x8))
        cpu_raise(cpu, EXC_GP, err);                    /* not a code segment */
    bool conforming = type & 0x4;
    bool bad;
    switch (rule) {
    case CS_DIRECT:
        bad = conforming ? dpl > cpl : (rpl > cpl || dpl != cpl);
        break;
    case CS_GATE_CALL:
        bad = dpl > cpl;
        break;
    case CS_GATE_JMP:
        bad = conforming ? dpl > cpl : dpl != cpl;
        break;
    default: /* CS_RETURN: cpl is the current CPL; the new one is RPL */
        bad = rpl < cpl || (conforming ? dpl > rpl : dpl != rpl);
        break;
    }
    if (bad)
        cpu_raise(cpu, EXC_GP, err);
    /* IA-32e mode: L = 1 with D = 1 is reserved (SDM JMP/CALL/RET: "IF L-bit
     * = 1 and D-bit = 1 and IA32_EFER.LMA = 1 THEN #GP(selector)"); a call
     * gate's target must be 64-bit code ("not a 64-bit code segment"). */
    if (lma && ((l && db) || ((rule == CS_GATE_CALL || rule == CS_GATE_JMP) && !l)))
        cpu_raise(cpu, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, err);
    seg_prepare(cpu, sel, lin, d, out);
}

void seg_check_code(struct cpu *cpu, uint16_t sel, enum cs_rule rule, unsigned cpl,
                    struct seg_load *out)
{
    if (sel_is_null(sel))
        raise_gp0(cpu);
    uint64_t lin;
    uint64_t d = desc_fetch(cpu, sel, EXC_GP, &lin);
    seg_check_code_desc(cpu, sel, lin, d, rule, cpl, out);
}

void seg_check_tss_stack(struct cpu *cpu, uint16_t sel, unsigned cpl, struct seg_load *out)
{
    uint32_t err = sel_error_code(sel);
    if (sel_is_null(sel))
        cpu_raise(cpu, EXC_TS, err);
    uint64_t lin;
    uint64_t d = desc_fetch(cpu, sel, EXC_TS, &lin);
    unsigned type = desc_type(d);
    if ((sel & SEL_RPL_MASK) != cpl || desc_dpl(d) != cpl || !desc_is_user(d) ||
        (type & 0x8) || !(type & 0x2))
        cpu_raise(cpu, EXC_TS, err);
    if (!desc_present(d))
        cpu_raise(cpu, EXC_SS, err);
    seg_prepare(cpu, sel, lin, d, out);
}

void gate_decode(uint64_t d, const uint64_t *upper, struct gate *g)
{
    g->type = (uint8_t)desc_type(d);
    g->dpl = (uint8_t)desc_dpl(d);
    g->selector = (uint16_t)(d >> 16);
    g->params = (uint8_t)((d >> 32) & 0x1f);
    g->offset = (d & 0xffff) | ((d >> 32) & 0xffff0000u);
    if (upper) {
        g->offset |= (*upper & 0xffffffffu) << 32;
        g->size = 8;
        g->params = 0;                  /* 64-bit call gates copy no parameters */
    } else if (g->type == DT_CALL16 || g->type == DT_INT16 || g->type == DT_TRAP16) {
        g->offset &= 0xffff;            /* 16-bit gates: bytes 6-7 are not part of the offset */
        g->size = 2;
    } else {
        g->size = 4;
    }
}
