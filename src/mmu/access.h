/*
 * Guest memory accesses from the CPU: segmentation (offset -> linear, with
 * the limit and rights checks of SDM Vol. 3A, 5.3-5.4, or the canonical check
 * of 64-bit mode), then linear -> host through the software TLB, whose
 * misses walk the page tables (mmu/paging.c, docs/paging.md).
 *
 * Paging needs to know who accesses: an explicit access at the current CPL
 * (mem_*, lin_*: user at CPL 3, supervisor otherwise), an implicit
 * supervisor access to a system structure (sys_*), or an explicit class
 * given by the caller (acc_*, AF_* flags).
 *
 * The fast paths are inline; misses, page-crossing accesses, unmapped
 * addresses and writes to pages holding decoded code go out of line.
 * Every function here may raise an exception (it does not return then).
 */
#ifndef RINGSCOPE_ACCESS_H
#define RINGSCOPE_ACCESS_H

#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/fault.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum access_kind { ACC_READ, ACC_WRITE, ACC_EXEC };

static inline bool is_canonical(uint64_t lin)
{
    return (uint64_t)((int64_t)(lin << 16) >> 16) == lin;
}

/* Legacy-mode segment check; returns the linear address. */
uint64_t seg_linear_legacy(struct cpu *cpu, int sreg, uint64_t off, unsigned size,
                           enum access_kind kind);

/* Segment `sreg` + offset `off` for an access of `size` bytes -> linear. */
static inline uint64_t seg_linear(struct cpu *cpu, int sreg, uint64_t off, unsigned size,
                                  enum access_kind kind)
{
    if (likely(cpu->mode == MODE_LONG64)) {
        /* 64-bit mode: only FS and GS have bases, no limits (3.2.4), and
         * every byte must be canonical: #SS(0) for stack references. */
        uint64_t lin = off + (sreg >= S_FS ? cpu->seg[sreg].base : 0);
        if (unlikely(!is_canonical(lin) || !is_canonical(lin + size - 1)))
            cpu_raise(cpu, sreg == S_SS ? EXC_SS : EXC_GP, 0);
        return lin;
    }
    return seg_linear_legacy(cpu, sreg, off, size, kind);
}

/* Who makes an access, for the paging checks (SDM Vol. 3A, 5.6): */
#define AF_USER     1   /* a user-mode access (CPL 3) */
#define AF_IMPLICIT 2   /* an implicit supervisor-mode access: GDT/LDT, IDT, TSS */
/* 0 = an explicit supervisor-mode access (CPL < 3). */

static inline unsigned access_class(const struct cpu *cpu)
{
    return cpu->cpl == 3 ? AF_USER : 0;
}

uint64_t acc_read_slow(struct cpu *cpu, uint64_t lin, unsigned size, unsigned af);
void acc_write_slow(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value, unsigned af);

static inline uint64_t load_le(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void store_le(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* The TLB fast path: one entry of class `cls` (0 supervisor, 1 user). A hit
 * is a translation the walk already allowed for this kind and class. */
static inline const struct tlb_entry *tlb_hit(const struct tlb_entry *set, const struct cpu *cpu,
                                              uint64_t lin, unsigned size)
{
    uint64_t page = lin >> 12;
    const struct tlb_entry *e = &set[page & (TLB_ENTRIES - 1)];
    if (likely(e->tag == page + cpu->tlb.tag_base && (lin & 0xfff) <= 0x1000 - size))
        return e;
    return NULL;
}

/* Read `size` (1, 2, 4, 8) bytes at linear address `lin`, as an explicit
 * access at the current CPL. In IA-32e mode `lin` must be canonical. */
static inline uint64_t lin_read(struct cpu *cpu, uint64_t lin, unsigned size)
{
    const struct tlb_entry *e = tlb_hit(cpu->tlb.read[cpu->cpl == 3], cpu, lin, size);
    if (e) {
        cpu->tlb.hits++;
        return load_le(e->host + (lin & 0xfff), size);
    }
    return acc_read_slow(cpu, lin, size, access_class(cpu));
}

/* Write `size` (1, 2, 4, 8) bytes at linear address `lin` (explicit access
 * at the current CPL). */
static inline void lin_write(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value)
{
    const struct tlb_entry *e = tlb_hit(cpu->tlb.write[cpu->cpl == 3], cpu, lin, size);
    if (e) {
        cpu->tlb.hits++;
        store_le(e->host + (lin & 0xfff), size, value);
        return;
    }
    acc_write_slow(cpu, lin, size, value, access_class(cpu));
}

/* Implicit supervisor-mode accesses (SDM Vol. 3A, 5.6): what the processor
 * does to system data structures by linear address whatever the CPL:
 * descriptor reads and accessed-bit writes in the GDT/LDT, IDT reads, TSS
 * reads and writes. They are supervisor accesses even at CPL 3 (the U/S bit
 * of a #PF error code is 0) and, with CR4.SMAP = 1, never reach a user page
 * whatever RFLAGS.AC says. */
static inline uint64_t sys_read(struct cpu *cpu, uint64_t lin, unsigned size)
{
    const struct tlb_entry *e = tlb_hit(cpu->tlb.read[0], cpu, lin, size);
    if (e) {
        cpu->tlb.hits++;
        return load_le(e->host + (lin & 0xfff), size);
    }
    return acc_read_slow(cpu, lin, size, AF_IMPLICIT);
}

static inline void sys_write(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value)
{
    const struct tlb_entry *e = tlb_hit(cpu->tlb.write[0], cpu, lin, size);
    if (e) {
        cpu->tlb.hits++;
        store_le(e->host + (lin & 0xfff), size, value);
        return;
    }
    acc_write_slow(cpu, lin, size, value, AF_IMPLICIT);
}

/* Check that an implicit supervisor write of `size` bytes at `lin` would
 * succeed, without writing (e.g. a descriptor's accessed bit, a TSS field). */
void sys_probe_write(struct cpu *cpu, uint64_t lin, unsigned size);

/* The same with the access class given explicitly (AF_USER, AF_IMPLICIT or
 * 0 for an explicit supervisor access), for code that must access memory
 * as a privilege other than the current CPL's. */
static inline uint64_t acc_read(struct cpu *cpu, uint64_t lin, unsigned size, unsigned af)
{
    const struct tlb_entry *e = tlb_hit(cpu->tlb.read[af & AF_USER], cpu, lin, size);
    if (e) {
        cpu->tlb.hits++;
        return load_le(e->host + (lin & 0xfff), size);
    }
    return acc_read_slow(cpu, lin, size, af);
}

static inline void acc_write(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value, unsigned af)
{
    const struct tlb_entry *e = tlb_hit(cpu->tlb.write[af & AF_USER], cpu, lin, size);
    if (e) {
        cpu->tlb.hits++;
        store_le(e->host + (lin & 0xfff), size, value);
        return;
    }
    acc_write_slow(cpu, lin, size, value, af);
}

void acc_probe_write(struct cpu *cpu, uint64_t lin, unsigned size, unsigned af);

/* Segmented accesses: what instruction handlers use. */
static inline uint64_t mem_read(struct cpu *cpu, int sreg, uint64_t off, unsigned size)
{
    return lin_read(cpu, seg_linear(cpu, sreg, off, size, ACC_READ), size);
}

static inline void mem_write(struct cpu *cpu, int sreg, uint64_t off, unsigned size,
                             uint64_t value)
{
    lin_write(cpu, seg_linear(cpu, sreg, off, size, ACC_WRITE), size, value);
}

/* Check that a write of `size` bytes would succeed, without writing. Used by
 * instructions that write more than one location and must not commit any of
 * them if a later one faults (e.g. PUSHA, ENTER, CMPXCHG16B). */
void mem_probe_write(struct cpu *cpu, int sreg, uint64_t off, unsigned size);

/* Translate a linear address for `kind` to physical, as an explicit access
 * at the current CPL (mmu_translate_as: with the access class given).
 * Raises #PF (CR2 = `lin`) when paging refuses it; consults and fills the
 * TLB. With CR0.PG = 0, linear addresses are physical. */
uint64_t mmu_translate(struct cpu *cpu, uint64_t lin, enum access_kind kind);
uint64_t mmu_translate_as(struct cpu *cpu, uint64_t lin, enum access_kind kind, unsigned af);

/* Read instruction bytes for the decoder: up to `max` bytes at `lin` that lie
 * in one page. Returns the count copied and stores the physical address of
 * `lin` in *phys; *is_ram tells whether the page is RAM (if not, the bytes
 * read as all-ones, like an undecoded bus). */
unsigned fetch_bytes(struct cpu *cpu, uint64_t lin, uint8_t *buf, unsigned max,
                     uint64_t *phys, bool *is_ram);

#endif
