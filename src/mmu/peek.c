/*
 * Debugger translation: the physical address of a linear address as the
 * current paging structures map it, read without side effects (no accessed
 * or dirty flags set, no TLB fill, no fault). The formats are those of SDM
 * Vol. 3A, 5.3 (32-bit), 5.4 (PAE) and 5.5 (4-level); access rights are not
 * checked, since a debugger reads whatever is mapped.
 */
#include "mmu/paging.h"

#include "cpu/cpu.h"
#include "mmu/access.h"

static bool read_entry(struct cpu *cpu, uint64_t pa, unsigned size, uint64_t *out)
{
    const uint8_t *p = physmem_ptr(cpu->mem, pa, size);
    if (!p)
        return false;
    *out = load_le(p, size);
    return true;
}

/* The 64-bit-entry levels below `table`: 4 (PML4) or 2 (PAE page directory).
 * Levels 3 and 2 may map 1 GiB and 2 MiB pages (PS = 1). */
static bool walk64(struct cpu *cpu, uint64_t table, uint64_t lin, int level, uint64_t *pa)
{
    for (; level >= 1; level--) {
        unsigned shift = 12 + 9 * (unsigned)(level - 1);
        uint64_t e;
        if (!read_entry(cpu, table + ((lin >> shift & 0x1ff) << 3), 8, &e) || !(e & PTE_P))
            return false;
        if (level == 1 || (level <= 3 && (e & PTE_PS))) {
            uint64_t page = (1ull << shift) - 1;
            *pa = (e & PG_ADDR_MASK & ~page) + (lin & page);
            return true;
        }
        table = e & PG_ADDR_MASK;
    }
    return false;
}

bool paging_peek(struct cpu *cpu, uint64_t lin, uint64_t *pa)
{
    uint64_t e;
    switch (paging_mode(cpu)) {
    case PAGING_NONE:
        *pa = cpu->mode == MODE_LONG64 ? lin : lin & 0xffffffffu;
        return true;
    case PAGING_32: {
        lin &= 0xffffffffu;
        if (!read_entry(cpu, (cpu->cr3 & 0xfffff000u) + ((lin >> 22) << 2), 4, &e) ||
            !(e & PTE_P))
            return false;
        if ((e & PTE_PS) && (cpu->cr4 & PG_CR4_PSE)) {
            /* PSE-36: PDE bits 19:13 are physical-address bits 38:32, as
             * paging.c reads them (MAXPHYADDR 39). */
            *pa = (e & 0xffc00000u) + ((e >> 13 & 0x7f) << 32) + (lin & 0x3fffff);
            return true;
        }
        if (!read_entry(cpu, (e & 0xfffff000u) + ((lin >> 12 & 0x3ff) << 2), 4, &e) ||
            !(e & PTE_P))
            return false;
        *pa = (e & 0xfffff000u) + (lin & 0xfff);
        return true;
    }
    case PAGING_PAE:
        lin &= 0xffffffffu;
        e = cpu->paging.pdpte_loaded ? cpu->paging.pdpte[lin >> 30] : 0;
        if (!cpu->paging.pdpte_loaded &&
            !read_entry(cpu, (cpu->cr3 & 0xffffffe0u) + ((lin >> 30) << 3), 8, &e))
            return false;
        if (!(e & PTE_P))
            return false;
        return walk64(cpu, e & PG_ADDR_MASK, lin, 2, pa);
    case PAGING_4LEVEL:
        return walk64(cpu, cpu->cr3 & PG_ADDR_MASK, lin, 4, pa);
    }
    return false;
}
