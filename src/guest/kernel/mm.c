/*
 * Memory: the physical page allocator (from the multiboot memory map), page
 * tables (one PML4 per process, its upper half the kernel's, shared and
 * supervisor-only), and the user-memory accessors that validate every user
 * pointer by walking the process's page tables.
 * (Linux: mm/memblock.c + the buddy allocator, pgd_alloc, copy_{from,to}_user;
 *  xv6: kalloc.c, vm.c setupkvm/mappages/walkpgdir/copyout.)
 */
#include "kernel.h"

extern u8 _end[], boot_pml4[];
u64 kernel_pml4;
u64 vdso_page;                 /* the shared vDSO page: never freed with a process */

#define MAX_REGIONS 16
static struct { u64 next, end; } regions[MAX_REGIONS];
static int nregions, cur_region;
static u64 free_list;          /* freed pages, linked through their first word */
static u64 npages_free;

void mm_init(u32 mbinfo)
{
    kernel_pml4 = V2P(boot_pml4);
    /* Drop the boot identity map: from here on the low half is user space. */
    ((u64 *)boot_pml4)[0] = 0;
    write_cr3(kernel_pml4);

    u32 *mb = P2V(mbinfo);
    u64 lo = (V2P(_end) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (!(mb[0] & (1u << 6)))
        panic("no memory map from the boot loader");
    u64 p = mb[12], end = p + mb[11];
    while (p < end && nregions < MAX_REGIONS) {
        u8 *e = P2V(p);
        u32 size = *(u32 *)e;
        u64 base = *(u64 *)(e + 4), len = *(u64 *)(e + 12);
        u32 type = *(u32 *)(e + 20);
        p += size + 4;
        if (type != 1)
            continue;
        u64 b = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), t = (base + len) & ~(PAGE_SIZE - 1);
        if (b < lo)
            b = lo;
        if (t > (u64)DIRECT_MAP_GB << 30)
            t = (u64)DIRECT_MAP_GB << 30;
        if (b >= t)
            continue;
        regions[nregions].next = b;
        regions[nregions].end = t;
        nregions++;
        npages_free += (t - b) / PAGE_SIZE;
    }
}

u64 alloc_page(void)
{
    u64 pa = 0;
    if (free_list) {
        pa = free_list;
        free_list = *(u64 *)P2V(pa);
    } else {
        while (cur_region < nregions && regions[cur_region].next >= regions[cur_region].end)
            cur_region++;
        if (cur_region == nregions)
            return 0;
        pa = regions[cur_region].next;
        regions[cur_region].next += PAGE_SIZE;
    }
    npages_free--;
    memset(P2V(pa), 0, PAGE_SIZE);
    return pa;
}

void free_page(u64 pa)
{
    *(u64 *)P2V(pa) = free_list;
    free_list = pa;
    npages_free++;
}

u64 free_pages_count(void)
{
    return npages_free;
}

/* A new address space: an empty user half, the kernel half shared. */
u64 pgtable_create(void)
{
    u64 pml4 = alloc_page();
    if (!pml4)
        return 0;
    u64 *n = P2V(pml4), *k = P2V(kernel_pml4);
    for (int i = 256; i < 512; i++)
        n[i] = k[i];
    return pml4;
}

/* Map one 4 KiB page; intermediate tables are created P|W|U (the leaf decides). */
int map_page(u64 pml4, u64 va, u64 pa, u64 flags)
{
    u64 *t = P2V(pml4);
    for (int shift = 39; shift > 12; shift -= 9) {
        u64 *e = &t[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            u64 n = alloc_page();
            if (!n)
                return -ENOMEM;
            *e = n | PTE_P | PTE_W | PTE_U;
        }
        t = P2V(*e & PTE_ADDR);
    }
    t[(va >> 12) & 511] = (pa & PTE_ADDR) | flags | PTE_P;
    return 0;
}

/* The physical address of user address va, when a user-mode access of that
 * kind would succeed (present, user, writable if write): else 0. */
u64 walk_user(u64 pml4, u64 va, int write)
{
    if (va >= 0x800000000000ull)
        return 0;
    u64 *t = P2V(pml4);
    for (int shift = 39; shift >= 12; shift -= 9) {
        u64 e = t[(va >> shift) & 511];
        if (!(e & PTE_P) || !(e & PTE_U) || (write && !(e & PTE_W)))
            return 0;
        if (shift == 12)
            return (e & PTE_ADDR) | (va & 0xFFF);
        t = P2V(e & PTE_ADDR);
    }
    return 0;
}

static void free_level(u64 table, int level)
{
    u64 *t = P2V(table);
    for (int i = 0; i < (level == 4 ? 256 : 512); i++) {
        if (!(t[i] & PTE_P))
            continue;
        u64 pa = t[i] & PTE_ADDR;
        if (level > 1)
            free_level(pa, level - 1);
        else if (pa != vdso_page)
            free_page(pa);
    }
    free_page(table);
}

void pgtable_free(u64 pml4)
{
    free_level(pml4, 4);
}

/* ---- user memory: every access validated page by page ---- */
/* Demand paging of the user stack (Linux's expand_stack + do_anonymous_page):
 * a not-present page in the USER_STACK_MAX below the stack top gets a zero page. */
int demand_page(u64 addr)
{
    u64 top = current->is32 ? USER32_STACK_TOP : USER64_STACK_TOP;
    if (addr >= top || addr < top - USER_STACK_MAX)
        return 0;
    if (walk_user(current->pml4, addr, 0))
        return 0;                                   /* present: not ours to fix */
    u64 pa = alloc_page();
    if (!pa)
        return 0;
    if (map_page(current->pml4, addr & ~0xFFFull, pa, PTE_U | PTE_W)) {
        free_page(pa);
        return 0;
    }
    entry_stats.demand_faults++;
    return 1;
}

/* The physical address behind a user access, paging in stack pages as a
 * fault would: 0 when the access would be a fatal fault. */
u64 user_page(u64 va, int write)
{
    u64 pa = walk_user(current->pml4, va, write);
    if (!pa && demand_page(va))
        pa = walk_user(current->pml4, va, write);
    return pa;
}
static u64 user_limit(void)
{
    return current->is32 ? 0x100000000ull : 0x800000000000ull;
}

int copy_from_user(void *dst, u64 src, u64 n)
{
    u8 *d = dst;
    if (src + n < src || src + n > user_limit())
        return -EFAULT;
    while (n) {
        u64 pa = user_page(src, 0);
        if (!pa)
            return -EFAULT;
        u64 chunk = PAGE_SIZE - (src & 0xFFF);
        if (chunk > n)
            chunk = n;
        memcpy(d, P2V(pa), chunk);
        d += chunk, src += chunk, n -= chunk;
    }
    return 0;
}

int copy_to_user(u64 dst, const void *src, u64 n)
{
    const u8 *s = src;
    if (dst + n < dst || dst + n > user_limit())
        return -EFAULT;
    while (n) {
        u64 pa = user_page(dst, 1);
        if (!pa)
            return -EFAULT;
        u64 chunk = PAGE_SIZE - (dst & 0xFFF);
        if (chunk > n)
            chunk = n;
        memcpy(P2V(pa), s, chunk);
        s += chunk, dst += chunk, n -= chunk;
    }
    return 0;
}

/* Copy a NUL-terminated string of at most n - 1 characters: its length,
 * -EFAULT for a bad pointer, -EINVAL when it does not fit. */
int strncpy_from_user(char *dst, u64 src, u64 n)
{
    for (u64 i = 0; i < n; i++) {
        if (src + i >= user_limit())
            return -EFAULT;
        u64 pa = user_page(src + i, 0);
        if (!pa)
            return -EFAULT;
        dst[i] = *(char *)P2V(pa);
        if (!dst[i])
            return (int)i;
    }
    return -EINVAL;
}
