/*
 * Slow paths of guest memory access: segment checks outside 64-bit mode,
 * TLB lookups and refills through the page walk (mmu/paging.c),
 * page-crossing and unmapped accesses, and writes that hit decoded code
 * (self-modifying code). docs/paging.md describes the TLB.
 */
#include "mmu/access.h"

#include "cpu/blockcache.h"
#include "cpu/debug.h"
#include "mmu/paging.h"

uint64_t seg_linear_legacy(struct cpu *cpu, int sreg, uint64_t off, unsigned size,
                           enum access_kind kind)
{
    const struct segment *s = &cpu->seg[sreg];
    int vector = sreg == S_SS ? EXC_SS : EXC_GP;

    /* SDM Vol. 3A, 5.4.1 and 5.3: usable segment, type permits the access,
     * every byte inside the limit (above it, for expand-down). */
    if (unlikely(!(s->rights & SEG_R_USABLE)))
        cpu_raise(cpu, vector, 0);
    if (unlikely(kind == ACC_WRITE ? !(s->rights & SEG_R_WRITE) : !(s->rights & SEG_R_READ)))
        cpu_raise(cpu, vector, 0);
    uint64_t last = off + size - 1;
    if (likely(!(s->rights & SEG_R_EXPDOWN))) {
        if (unlikely(last > s->limit || last < off))
            cpu_raise(cpu, vector, 0);
    } else {
        uint64_t upper = (s->rights & SEG_R_BIG) ? 0xffffffffu : 0xffffu;
        if (unlikely(off <= s->limit || last > upper))
            cpu_raise(cpu, vector, 0);
    }
    return (s->base + off) & 0xffffffffu;
}

/* ---------------------------------------------------------------- TLB */

static struct tlb_entry *tlb_set(struct cpu *cpu, enum access_kind kind, unsigned cls)
{
    return kind == ACC_READ ? cpu->tlb.read[cls] : kind == ACC_WRITE ? cpu->tlb.write[cls]
                                                                     : cpu->tlb.exec[cls];
}

/* Does entry `e` hold the translation for `want` (= page + tag_base)? A
 * global entry serves every PCID: found under another context, it is
 * retagged to the current one. */
static bool entry_matches(struct tlb_entry *e, uint64_t want)
{
    if (e->vtag == want)
        return true;
    if ((e->phys & TLBF_GLOBAL) && e->vtag &&
        ((e->vtag ^ want) & TLB_PAGE_TAG_MASK) == 0) {
        e->vtag = want;
        e->tag = 0;
        return true;
    }
    return false;
}

/* Self-modifying code: a write is about to reach a page holding decoded
 * blocks. Drop them before it lands and leave the current block after this
 * instruction (the writing block may be among them). */
static void code_page_write(struct cpu *cpu, uint64_t page_pa)
{
    struct ram_region *r = physmem_region(cpu->mem, page_pa);
    if (r && region_is_code_page(r, page_pa)) {
        blockcache_invalidate_page(cpu->blocks, page_pa);
        r->code_pages[(page_pa - r->base) >> PAGE_SHIFT] = 0;
        cpu->stop_block = true;
    }
}

/* The TLB entry translating `lin` for an access of `kind` by `af`: found,
 * or filled after a page walk (which raises #PF when paging refuses it). */
static struct tlb_entry *translate_entry(struct cpu *cpu, uint64_t lin, enum access_kind kind,
                                         unsigned af)
{
    uint64_t page = lin >> 12, want = page + cpu->tlb.tag_base;
    unsigned idx = (unsigned)(page & (TLB_ENTRIES - 1)), cls = af & AF_USER;
    struct tlb_entry *e = &tlb_set(cpu, kind, cls)[idx];
    if (entry_matches(e, want))
        goto hit;
    bool smap_ac = cls == 0 && kind != ACC_EXEC && !(af & AF_IMPLICIT) &&
                   (cpu->cr4 & PG_CR4_SMAP) && (cpu->rflags & F_AC);
    if (smap_ac && entry_matches(&tlb_set(cpu, kind, 2)[idx], want)) {
        e = &tlb_set(cpu, kind, 2)[idx];
        goto hit;
    }

    cpu->tlb.misses++;
    struct walk_result w = { .pa = lin, .shift = 12 };
    if (cpu->cr0 & CR0_PG) {
        timing_tlb_miss(cpu, lin, kind == ACC_EXEC);
        paging_walk(cpu, lin, kind, af, &w);
        timing_tlb_fill(cpu, lin, w.shift, w.global, kind == ACC_EXEC);
    }
    /* A supervisor data translation of a user page under SMAP holds only
     * while AC = 1: it goes to class 2, which only the slow path consults,
     * and only with AC = 1. */
    if (cls == 0 && kind != ACC_EXEC && w.user && (cpu->cr4 & PG_CR4_SMAP))
        e = &tlb_set(cpu, kind, 2)[idx];
    uint64_t pa_page = w.pa & ~(uint64_t)PAGE_MASK;
    e->vtag = want;
    e->tag = 0;
    e->phys = pa_page | (w.global ? TLBF_GLOBAL : 0) | (w.user ? TLBF_USER : 0) | TLBF_SHIFT(w.shift);
    e->host = NULL;
    if (w.shift > 12)
        cpu->tlb.has_large = true;
    if (kind != ACC_EXEC) {
        struct ram_region *r = physmem_region(cpu->mem, pa_page);
        if (r && pa_page + PAGE_SIZE - r->base <= r->size)
            e->host = r->host + (pa_page - r->base);
    }
    goto arm;
hit:
    cpu->tlb.hits++;
arm:
    /* A page holding an armed data breakpoint stays off the inline path, so
     * every access to it reaches debug_check_data() (cpu/debug.h). */
    if (e->host && !e->tag && !(debug_data_armed(cpu) && debug_page_watched(cpu, lin))) {
        if (kind == ACC_WRITE)
            code_page_write(cpu, e->phys & ~(uint64_t)TLBF_MASK);
        e->tag = want;  /* usable inline from now on */
    }
    return e;
}

uint64_t mmu_translate_as(struct cpu *cpu, uint64_t lin, enum access_kind kind, unsigned af)
{
    const struct tlb_entry *e = translate_entry(cpu, lin, kind, af);
    return (e->phys & ~(uint64_t)TLBF_MASK) | (lin & PAGE_MASK);
}

uint64_t mmu_translate(struct cpu *cpu, uint64_t lin, enum access_kind kind)
{
    return mmu_translate_as(cpu, lin, kind, access_class(cpu));
}

/* Linear addresses wrap at 4 GiB outside IA-32e mode, and for explicit
 * accesses outside 64-bit mode (compatibility-mode addresses are 32 bits;
 * system structures in IA-32e mode have 64-bit bases). */
static bool wraps_32(const struct cpu *cpu, uint64_t lin, unsigned af)
{
    return !(cpu->efer & EFER_LMA) ||
           (cpu->mode != MODE_LONG64 && !(af & AF_IMPLICIT) && lin <= 0xffffffffu);
}

/* Does the access cross a page (or the 4 GiB wrap)? Then *second is the
 * first byte of the second page. */
static bool crosses(const struct cpu *cpu, uint64_t lin, unsigned size, unsigned af,
                    uint64_t *second)
{
    if ((lin & PAGE_MASK) + size <= PAGE_SIZE)
        return false;
    *second = (lin | PAGE_MASK) + 1;
    if (wraps_32(cpu, lin, af))
        *second &= 0xffffffffu;
    return true;
}

static uint64_t byte_addr(const struct cpu *cpu, uint64_t lin, unsigned i, unsigned af)
{
    return wraps_32(cpu, lin, af) ? (lin + i) & 0xffffffffu : lin + i;
}

uint64_t acc_read_slow(struct cpu *cpu, uint64_t lin, unsigned size, unsigned af)
{
    uint64_t second;
    if (crosses(cpu, lin, size, af, &second)) {
        /* Both pages must translate before any byte is read. */
        translate_entry(cpu, lin, ACC_READ, af);
        translate_entry(cpu, second, ACC_READ, af);
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= acc_read(cpu, byte_addr(cpu, lin, i, af), 1, af) << (8 * i);
        return v;
    }
    const struct tlb_entry *e = translate_entry(cpu, lin, ACC_READ, af);
    if (debug_data_armed(cpu))
        debug_check_data(cpu, lin, size, false);
    if (!e->host) {
        /* Not RAM: a device's MMIO, or an empty bus that reads all-ones. */
        uint64_t pa = (e->phys & ~(uint64_t)TLBF_MASK) | (lin & PAGE_MASK);
        if (cpu->mmio.read)
            return cpu->mmio.read(cpu->mmio.ctx, pa, size);
        return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    }
    return load_le(e->host + (lin & PAGE_MASK), size);
}

void acc_write_slow(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value, unsigned af)
{
    uint64_t second;
    if (crosses(cpu, lin, size, af, &second)) {
        /* Both pages must accept the write before any byte is stored. */
        translate_entry(cpu, lin, ACC_WRITE, af);
        translate_entry(cpu, second, ACC_WRITE, af);
        for (unsigned i = 0; i < size; i++)
            acc_write(cpu, byte_addr(cpu, lin, i, af), 1, value >> (8 * i), af);
        return;
    }
    const struct tlb_entry *e = translate_entry(cpu, lin, ACC_WRITE, af);
    if (debug_data_armed(cpu))
        debug_check_data(cpu, lin, size, true);
    if (e->host)
        store_le(e->host + (lin & PAGE_MASK), size, value);
    else if (cpu->mmio.write)   /* a device's MMIO; without a bus the write is dropped */
        cpu->mmio.write(cpu->mmio.ctx, (e->phys & ~(uint64_t)TLBF_MASK) | (lin & PAGE_MASK), size, value);
}

void acc_probe_write(struct cpu *cpu, uint64_t lin, unsigned size, unsigned af)
{
    uint64_t second;
    translate_entry(cpu, lin, ACC_WRITE, af);
    if (crosses(cpu, lin, size, af, &second))
        translate_entry(cpu, second, ACC_WRITE, af);
}

void mem_probe_write(struct cpu *cpu, int sreg, uint64_t off, unsigned size)
{
    acc_probe_write(cpu, seg_linear(cpu, sreg, off, size, ACC_WRITE), size, access_class(cpu));
}

void sys_probe_write(struct cpu *cpu, uint64_t lin, unsigned size)
{
    acc_probe_write(cpu, lin, size, AF_IMPLICIT);
}

unsigned fetch_bytes(struct cpu *cpu, uint64_t lin, uint8_t *buf, unsigned max,
                     uint64_t *phys, bool *is_ram)
{
    uint64_t pa = mmu_translate(cpu, lin, ACC_EXEC);
    unsigned in_page = PAGE_SIZE - (unsigned)(lin & PAGE_MASK);
    unsigned n = max < in_page ? max : in_page;
    *phys = pa;
    const uint8_t *p = physmem_ptr(cpu->mem, pa, n);
    *is_ram = p != NULL;
    if (p)
        memcpy(buf, p, n);
    else
        memset(buf, 0xff, n);
    return n;
}
