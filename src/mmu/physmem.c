/*
 * Guest-physical RAM regions. Host memory comes from anonymous mmap with
 * MAP_NORESERVE, so a guest can be given a large address space whose pages
 * cost host memory only once touched.
 */
#include "mmu/physmem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void physmem_init(struct physmem *pm)
{
    memset(pm, 0, sizeof(*pm));
}

void physmem_free(struct physmem *pm)
{
    for (int i = 0; i < pm->count; i++) {
        munmap(pm->region[i].host, pm->region[i].size);
        free(pm->region[i].code_pages);
    }
    pm->count = 0;
}

int physmem_map_ram(struct physmem *pm, uint64_t base, uint64_t size)
{
    if (size == 0 || (base | size) & PAGE_MASK || base + size < base)
        return -1;
    if (pm->count == PHYSMEM_MAX_REGIONS)
        return -1;
    int at = 0;
    for (; at < pm->count; at++) {
        const struct ram_region *r = &pm->region[at];
        if (base < r->base + r->size && r->base < base + size)
            return -1;
        if (base < r->base)
            break;
    }
    if (size > SIZE_MAX / 2)
        return -2;
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return -2;
    uint8_t *code = calloc(size >> PAGE_SHIFT, 1);
    if (!code) {
        munmap(host, size);
        return -2;
    }
    /* Keep the list sorted by base so lookups can stop early. */
    memmove(&pm->region[at + 1], &pm->region[at],
            (size_t)(pm->count - at) * sizeof(pm->region[0]));
    pm->region[at] = (struct ram_region){ base, size, host, code };
    pm->count++;
    return 0;
}

struct ram_region *physmem_region(struct physmem *pm, uint64_t pa)
{
    for (int i = 0; i < pm->count; i++) {
        struct ram_region *r = &pm->region[i];
        if (pa < r->base)
            return NULL;
        if (pa - r->base < r->size)
            return r;
    }
    return NULL;
}

uint8_t *physmem_ptr(struct physmem *pm, uint64_t pa, uint64_t len)
{
    struct ram_region *r = physmem_region(pm, pa);
    if (!r || len > r->size - (pa - r->base))
        return NULL;
    return r->host + (pa - r->base);
}
