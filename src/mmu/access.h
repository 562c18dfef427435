/*
 * Guest memory accesses from the CPU: segmentation (offset -> linear, with
 * the limit and rights checks of SDM Vol. 3A, 5.3-5.4, or the canonical check
 * of 64-bit mode), then linear -> host through the software TLB.
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

uint64_t lin_read_slow(struct cpu *cpu, uint64_t lin, unsigned size);
void lin_write_slow(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value);

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

/* Read `size` (1, 2, 4, 8) bytes at linear address `lin`. */
static inline uint64_t lin_read(struct cpu *cpu, uint64_t lin, unsigned size)
{
    uint64_t page = lin >> 12;
    const struct tlb_entry *e = &cpu->tlb.read[page & (TLB_ENTRIES - 1)];
    if (likely(e->tag == page + 1 && (lin & 0xfff) <= 0x1000 - size))
        return load_le(e->host + (lin & 0xfff), size);
    return lin_read_slow(cpu, lin, size);
}

/* Write `size` (1, 2, 4, 8) bytes at linear address `lin`. */
static inline void lin_write(struct cpu *cpu, uint64_t lin, unsigned size, uint64_t value)
{
    uint64_t page = lin >> 12;
    const struct tlb_entry *e = &cpu->tlb.write[page & (TLB_ENTRIES - 1)];
    if (likely(e->tag == page + 1 && (lin & 0xfff) <= 0x1000 - size)) {
        store_le(e->host + (lin & 0xfff), size, value);
        return;
    }
    lin_write_slow(cpu, lin, size, value);
}

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

/* Translate a linear address for `kind` to physical. Raises #PF when paging
 * refuses it (paging arrives with the system milestone: until then linear
 * addresses are physical, see docs/architecture.md). */
uint64_t mmu_translate(struct cpu *cpu, uint64_t lin, enum access_kind kind);

/* Read instruction bytes for the decoder: up to `max` bytes at `lin` that lie
 * in one page. Returns the count copied and stores the physical address of
 * `lin` in *phys; *is_ram tells whether the page is RAM (if not, the bytes
 * read as all-ones, like an undecoded bus). */
unsigned fetch_bytes(struct cpu *cpu, uint64_t lin, uint8_t *buf, unsigned max,
                     uint64_t *phys, bool *is_ram);

#endif
