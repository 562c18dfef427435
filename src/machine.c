/*
 * Board assembly: wire the CPU to memory and its decoded-block cache.
 */
#include "machine.h"

#include <stdlib.h>

#include "cpu/blockcache.h"

struct machine *machine_create(void)
{
    struct machine *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    physmem_init(&m->mem);
    m->cpu.mem = &m->mem;
    m->cpu.blocks = blockcache_create();
    if (!m->cpu.blocks) {
        free(m);
        return NULL;
    }
    cpu_reset(&m->cpu);
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    blockcache_destroy(m->cpu.blocks);
    physmem_free(&m->mem);
    free(m);
}
