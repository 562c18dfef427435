/*
 * Descriptor-table lookups and data/stack segment-register loads, shared by
 * MOV Sreg, POP Sreg and LDS/LES/LFS/LGS/LSS now and by far transfers and
 * task switches later (segment.h describes the check/commit split).
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
    /* All eight bytes must lie within the limit (SDM Vol. 3A, 3.5.1: the
     * limit is the last valid byte, so a table holds (limit + 1) / 8 whole
     * descriptors). */
    uint64_t off = sel & 0xfff8u;
    if (off + 7 > limit)
        return false;
    uint64_t a = table_addr(cpu, base + off);
    /* IA-32e mode: "If the memory access to the descriptor table is
     * non-canonical" is #GP(selector) (SDM MOV, 64-Bit Mode Exceptions). */
    if ((cpu->efer & EFER_LMA) && (!is_canonical(a) || !is_canonical(a + 7)))
        return false;
    *lin = a;
    return true;
}

uint64_t desc_read(struct cpu *cpu, uint64_t lin)
{
    return lin_read(cpu, lin, 8);
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

    /* The processor sets the accessed bit when it loads a descriptor whose
     * bit is clear (SDM Vol. 3A, 3.4.5.1): a write to the table. Probe it
     * here so the commit cannot fault. */
    if (!(d & DESC_ACCESSED)) {
        mmu_translate(cpu, table_addr(cpu, lin + 5), ACC_WRITE);
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
        lin_write(cpu, a, 1, lin_read(cpu, a, 1) | 0x1);
    }
    cpu_load_segment_cache(cpu, sreg, ld->selector, ld->base, ld->limit, ld->attr);
    if (sreg == S_SS)
        cpu_update_mode(cpu);           /* SS.B sets the stack-address size */
}

void seg_load_data(struct cpu *cpu, int sreg, uint16_t sel)
{
    struct seg_load ld;
    seg_check_data(cpu, sreg, sel, cpu->cpl, cpu->mode == MODE_LONG64, &ld);
    seg_commit(cpu, sreg, &ld);
}
