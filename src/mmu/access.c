/*
 * Slow paths of guest memory access: segment checks outside 64-bit mode,
 * TLB refills, page-crossing and unmapped accesses, and writes that hit
 * decoded code (self-modifying code).
 */
#include "mmu/access.h"

#include "cpu/blockcache.h"

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

uint64_t mmu_translate(struct cpu *cpu, uint64_t lin, enum access_kind kind)
{
    (void)cpu;
    (void)kind;
    return lin;
}

/* Refill the TLB entry for `lin`'s page if the page is wholly RAM; returns
 * the host pointer for `lin`, or NULL when the page is not RAM. */
static uint8_t *tlb_fill(struct cpu *cpu, uint64_t lin, enum access_kind kind)
{
    uint64_t pa = mmu_translate(cpu, lin, kind);
    struct ram_region *r = physmem_region(cpu->mem, pa);
    if (!r)
        return NULL;
    uint64_t page_pa = pa & ~(uint64_t)PAGE_MASK;
    uint8_t *host_page = r->host + (page_pa - r->base);
    if (kind == ACC_WRITE && region_is_code_page(r, pa)) {
        /* Self-modifying code: drop the decoded blocks of this page before the
         * write lands, and leave the current block after this instruction. */
        blockcache_invalidate_page(cpu->blocks, page_pa);
        r->code_pages[(page_pa - r->base) >> PAGE_SHIFT] = 0;
        cpu->stop_block = true;
    }
    uint64_t page = lin >> 12;
    struct tlb_entry *e = kind == ACC_WRITE ? &cpu->tlb.write[page & (TLB_ENTRIES - 1)]
                                            : &cpu->tlb.read[page & (TLB_ENTRIES - 1)];
    e->tag = page + 1;
    e->host = host_page;
    cpu->tlb.misses++;
    return host_page + (lin & PAGE_MASK);
}

uint64_t lin_read_slow(struct cpu *cpu, uint64_t lin, unsigned size)
{
    if (cpu->mode != MODE_LONG64)
        lin &= 0xffffffffu;
    if ((lin & PAGE_MASK) + size > PAGE_SIZE || (cpu->mode != MODE_LONG64 && lin + size > 0x100000000ull)) {
        /* Crosses a page (or wraps at 4 GiB): translate both pages before
         * reading either, so a fault leaves nothing half done. */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t a = lin + i;
            if (cpu->mode != MODE_LONG64)
                a &= 0xffffffffu;
            v |= lin_read(cpu, a, 1) << (8 * i);
        }
        return v;
    }
    uint8_t *p = tlb_fill(cpu, lin, ACC_READ);
    if (!p)
        return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;   /* open bus reads all-ones */
    return load_le(p, size);
}

void lin_write_slow(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value)
{
    if (cpu->mode != MODE_LONG64)
        lin &= 0xffffffffu;
    if ((lin & PAGE_MASK) + size > PAGE_SIZE || (cpu->mode != MODE_LONG64 && lin + size > 0x100000000ull)) {
        uint64_t second = lin + size - 1;
        if (cpu->mode != MODE_LONG64)
            second &= 0xffffffffu;
        /* Both pages must accept the write before any byte is stored. */
        mmu_translate(cpu, lin, ACC_WRITE);
        mmu_translate(cpu, second, ACC_WRITE);
        for (unsigned i = 0; i < size; i++) {
            uint64_t a = lin + i;
            if (cpu->mode != MODE_LONG64)
                a &= 0xffffffffu;
            lin_write(cpu, a, 1, value >> (8 * i));
        }
        return;
    }
    uint8_t *p = tlb_fill(cpu, lin, ACC_WRITE);
    if (p)
        store_le(p, size, value);
    /* Writes to addresses without RAM are dropped, as on a bus with nothing
     * decoding them; the device bus will claim such ranges. */
}

void mem_probe_write(struct cpu *cpu, int sreg, uint64_t off, unsigned size)
{
    uint64_t lin = seg_linear(cpu, sreg, off, size, ACC_WRITE);
    mmu_translate(cpu, lin, ACC_WRITE);
    if (((lin & PAGE_MASK) + size) > PAGE_SIZE)
        mmu_translate(cpu, lin + size - 1, ACC_WRITE);
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
