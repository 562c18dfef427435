/*
 * Guest-physical memory: a small sorted list of RAM regions backed by lazily
 * reserved host memory, plus a per-page "holds decoded code" mark that the
 * decoded-instruction cache sets and the write path consults.
 */
#ifndef RINGSCOPE_PHYSMEM_H
#define RINGSCOPE_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096u
#define PAGE_MASK  (PAGE_SIZE - 1)

struct ram_region {
    uint64_t base, size;        /* guest-physical, page aligned */
    uint8_t *host;              /* host mapping of the whole region */
    uint8_t *code_pages;        /* one byte per page: nonzero = decoded code lives here */
};

#define PHYSMEM_MAX_REGIONS 64
struct physmem {
    struct ram_region region[PHYSMEM_MAX_REGIONS];
    int count;
};

void physmem_init(struct physmem *pm);
void physmem_free(struct physmem *pm);

/* Map [base, base+size) as RAM. Returns 0, or -1 (bad args/overlap/too many),
 * or -2 (host out of memory). */
int physmem_map_ram(struct physmem *pm, uint64_t base, uint64_t size);

/* The region holding `pa`, or NULL if it is not RAM. */
struct ram_region *physmem_region(struct physmem *pm, uint64_t pa);

/* Host pointer for `pa` if [pa, pa+len) lies inside one RAM region, else NULL. */
uint8_t *physmem_ptr(struct physmem *pm, uint64_t pa, uint64_t len);

/* Is the page holding `pa` marked as holding decoded code? */
static inline bool region_is_code_page(const struct ram_region *r, uint64_t pa)
{
    return r->code_pages[(pa - r->base) >> PAGE_SHIFT] != 0;
}

#endif
