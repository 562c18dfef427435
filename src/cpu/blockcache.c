/*
 * Decoded blocks: decode once, execute many. See blockcache.h.
 */
#include "cpu/blockcache.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/fault.h"
#include "mmu/access.h"

#define BC_HASH 4096            /* buckets, by physical page */
#define BC_JUMP 4096            /* direct-mapped linear-address cache */
#define BC_MAX_LIVE 65536       /* flush everything beyond this many blocks */

/* A jump-cache slot is valid only while its generation is current. */
struct jump_entry {
    struct block *b;
    uint64_t gen;
};

struct block_cache {
    struct block *hash[BC_HASH];
    struct jump_entry jump[BC_JUMP];
    uint64_t gen;               /* current jump-cache generation (starts at 1) */
    struct block *zombies;      /* invalidated, freed at the next safe point */
    struct block *cross;        /* cached blocks whose last byte is on another page */
    size_t live;
    uint64_t decoded, invalidated;
};

struct block_cache *blockcache_create(void)
{
    struct block_cache *bc = calloc(1, sizeof(struct block_cache));
    if (bc)
        bc->gen = 1;
    return bc;
}

void blockcache_flush_jump(struct block_cache *bc)
{
    bc->gen++;
}

void blockcache_reclaim(struct block_cache *bc)
{
    while (bc->zombies) {
        struct block *b = bc->zombies;
        bc->zombies = b->zombie_next;
        free(b);
    }
}

void blockcache_flush(struct block_cache *bc)
{
    bc->gen++;      /* every jump-cache slot is stale now */
    if (bc->live == 0)
        return;     /* no block anywhere: stale slots point at nothing freed */
    memset(bc->jump, 0, sizeof(bc->jump));
    for (unsigned i = 0; i < BC_HASH; i++) {
        for (struct block *b = bc->hash[i], *next; b; b = next) {
            next = b->hash_next;
            b->valid = false;
            b->zombie_next = bc->zombies;
            bc->zombies = b;
        }
        bc->hash[i] = NULL;
    }
    bc->cross = NULL;
    bc->live = 0;
}

void blockcache_destroy(struct block_cache *bc)
{
    if (!bc)
        return;
    blockcache_flush(bc);
    blockcache_reclaim(bc);
    free(bc);
}

static unsigned hash_page(uint64_t page)
{
    return (unsigned)((page ^ (page >> 12)) & (BC_HASH - 1));
}

static unsigned jump_slot(uint64_t lin)
{
    return (unsigned)((lin ^ (lin >> 12)) & (BC_JUMP - 1));
}

static void cross_unlink(struct block_cache *bc, struct block *b)
{
    if (b->cross_prev)
        b->cross_prev->cross_next = b->cross_next;
    else
        bc->cross = b->cross_next;
    if (b->cross_next)
        b->cross_next->cross_prev = b->cross_prev;
}

static void invalidate_bucket(struct block_cache *bc, unsigned h, uint64_t page)
{
    struct block **link = &bc->hash[h];
    while (*link) {
        struct block *b = *link;
        if ((b->phys >> PAGE_SHIFT) == page || b->phys_last_page == page) {
            *link = b->hash_next;
            if (b->phys_last_page != b->phys >> PAGE_SHIFT)
                cross_unlink(bc, b);
            b->valid = false;
            if (bc->jump[jump_slot(b->lin)].b == b)
                bc->jump[jump_slot(b->lin)].b = NULL;
            b->zombie_next = bc->zombies;
            bc->zombies = b;
            bc->live--;
            bc->invalidated++;
        } else {
            link = &b->hash_next;
        }
    }
}

void blockcache_invalidate_page(struct block_cache *bc, uint64_t page_pa)
{
    uint64_t page = page_pa >> PAGE_SHIFT;
    invalidate_bucket(bc, hash_page(page), page);
    /* Blocks that end on this page but start on another, which under paging
     * need not be the physical page before it: they are on the cross list,
     * and invalidating their first page's bucket unlinks them from it. */
    for (;;) {
        struct block *b = bc->cross;
        while (b && b->phys_last_page != page)
            b = b->cross_next;
        if (!b)
            break;
        invalidate_bucket(bc, hash_page(b->phys >> PAGE_SHIFT), page);
    }
}

void blockcache_stats(const struct block_cache *bc, uint64_t *decoded, uint64_t *invalidated)
{
    *decoded = bc->decoded;
    *invalidated = bc->invalidated;
}

/* Decode mode plus the privilege class of the fetch (CPL 3 or not): a block
 * found by physical address was translated for the current class only. */
static uint8_t mode_key(const struct cpu *cpu)
{
    return (uint8_t)(cpu->code_size | (cpu->mode == MODE_REAL ? 0x10 : 0) |
                     (cpu->cpl == 3 ? 0x20 : 0));
}

/* Mark the page as holding code; writes to it must now take the slow path,
 * so drop any write-TLB entries (they may map it). */
static void mark_code_page(struct cpu *cpu, uint64_t pa)
{
    struct ram_region *r = physmem_region(cpu->mem, pa);
    if (!r)
        return;
    uint8_t *flag = &r->code_pages[(pa - r->base) >> PAGE_SHIFT];
    if (!*flag) {
        /* Disarm the inline write path of every write entry: they keep
         * their translations, and the slow path re-arms them after
         * checking for code pages (mmu/access.c). */
        *flag = 1;
        for (unsigned c = 0; c < TLB_CLASSES; c++)
            for (unsigned i = 0; i < TLB_ENTRIES; i++)
                cpu->tlb.write[c][i].tag = 0;
    }
}

/* Decode a new block at CS:RIP. Exceptions are raised only for the first
 * instruction; a later one that cannot be decoded ends the block instead
 * and will raise when it is reached. */
static struct block *decode_block(struct cpu *cpu, uint64_t lin, bool *cacheable)
{
    struct insn insns[BLOCK_MAX_INSNS];
    struct decode_mode dm = { cpu->code_size, cpu->mode == MODE_REAL };
    uint64_t rip = cpu->rip, first_pa = 0, last_page = 0;
    uint32_t bytes = 0, total_cycles = 0;
    unsigned n = 0;
    bool legacy = cpu->mode != MODE_LONG64;
    *cacheable = true;

    while (n < BLOCK_MAX_INSNS) {
        uint8_t buf[16];
        uint64_t pa, pa2;
        bool ram, ram2 = true;
        uint64_t at = cpu_code_linear(cpu, rip);
        unsigned got = fetch_bytes(cpu, at, buf, 15, &pa, &ram);
        if (n == 0)
            first_pa = pa;
        else if ((pa >> PAGE_SHIFT) != (first_pa >> PAGE_SHIFT))
            break;
        if (!ram)
            *cacheable = false;
        struct insn *in = &insns[n];
        enum decode_status st = decode_insn(&dm, buf, got, in);
        if (st == DEC_NEED_BYTES) {
            if (n > 0)
                break;  /* the page-crossing instruction starts its own block */
            uint64_t next = cpu_code_linear(cpu, rip + got);
            got += fetch_bytes(cpu, next, buf + got, 15 - got, &pa2, &ram2);
            if (!ram2)
                *cacheable = false;
            last_page = pa2 >> PAGE_SHIFT;
            st = decode_insn(&dm, buf, got, in);
        } else {
            last_page = (pa + in->len - 1) >> PAGE_SHIFT;
        }
        if (st != DEC_OK) {
            if (n > 0)
                break;
            if (st == DEC_TOO_LONG)
                raise_gp0(cpu);     /* SDM Vol. 2A, 2.3.11: over 15 bytes is #GP(0) */
            raise_ud(cpu);
        }
        /* CS limit (SDM Vol. 3A, 5.3): every instruction byte inside it. */
        if (legacy && rip + in->len - 1 > cpu->seg[S_CS].limit) {
            if (n > 0)
                break;
            raise_gp0(cpu);
        }
        in->cycles = timing_insn_cycles(cpu, in);
        total_cycles += in->cycles;
        n++;
        bytes += in->len;
        rip += in->len;
        if (insn_ends_block(in) || last_page != (first_pa >> PAGE_SHIFT))
            break;
        if (legacy && rip > 0xffffffffu)
            break;
    }

    struct block *b = malloc(sizeof(*b) + n * sizeof(struct insn));
    if (!b)
        abort();    /* host out of memory: nothing sensible to emulate */
    b->phys = first_pa;
    b->lin = lin;
    b->phys_last_page = last_page;
    b->bytes = bytes;
    b->mode_key = mode_key(cpu);
    b->valid = true;
    b->count = (uint16_t)n;
    b->cycles = total_cycles;
    b->hash_next = b->zombie_next = b->cross_prev = b->cross_next = NULL;
    memcpy(b->insn, insns, n * sizeof(struct insn));
    return b;
}

/* The miss path: find the block by physical address, or decode it. */
static __attribute__((noinline)) struct block *lookup_slow(struct cpu *cpu, uint64_t lin,
                                                           uint8_t key)
{
    struct block_cache *bc = cpu->blocks;
    bool legacy = cpu->mode != MODE_LONG64;
    struct jump_entry *js = &bc->jump[jump_slot(lin)];
    struct block *b;

    if (bc->zombies)
        blockcache_reclaim(bc);
    if (bc->live >= BC_MAX_LIVE)
        blockcache_flush(bc);

    uint64_t pa = mmu_translate(cpu, lin, ACC_EXEC);
    unsigned h = hash_page(pa >> PAGE_SHIFT);
    for (b = bc->hash[h]; b; b = b->hash_next) {
        if (b->phys == pa && b->mode_key == key &&
            (!legacy || cpu->rip + b->bytes - 1 <= cpu->seg[S_CS].limit)) {
            /* A block ending on another page is valid only if that page still
             * translates to the physical page it was decoded from (the fetch
             * of those bytes may fault: the instruction needs them). */
            if (b->phys_last_page != pa >> PAGE_SHIFT &&
                mmu_translate(cpu, cpu_code_linear(cpu, cpu->rip + b->bytes - 1), ACC_EXEC) >> PAGE_SHIFT
                    != b->phys_last_page)
                continue;
            if (b->lin == lin)
                *js = (struct jump_entry){ b, bc->gen };
            return b;
        }
    }

    bool cacheable;
    b = decode_block(cpu, lin, &cacheable);
    bc->decoded++;
    if (!cacheable) {
        /* Code outside RAM: run once, never cache. */
        b->valid = false;
        b->zombie_next = bc->zombies;
        bc->zombies = b;
        return b;
    }
    mark_code_page(cpu, b->phys);
    if (b->phys_last_page != b->phys >> PAGE_SHIFT)
        mark_code_page(cpu, b->phys_last_page << PAGE_SHIFT);
    b->hash_next = bc->hash[h];
    bc->hash[h] = b;
    if (b->phys_last_page != b->phys >> PAGE_SHIFT) {
        b->cross_prev = NULL;
        b->cross_next = bc->cross;
        if (bc->cross)
            bc->cross->cross_prev = b;
        bc->cross = b;
    }
    *js = (struct jump_entry){ b, bc->gen };
    bc->live++;
    return b;
}

struct block *blockcache_lookup(struct cpu *cpu)
{
    struct block_cache *bc = cpu->blocks;
    uint64_t lin = cpu_code_linear(cpu, cpu->rip);
    uint8_t key = mode_key(cpu);
    const struct jump_entry *js = &bc->jump[jump_slot(lin)];
    struct block *b = js->b;
    if (likely(b && js->gen == bc->gen && b->lin == lin && b->mode_key == key &&
               (cpu->mode == MODE_LONG64 || cpu->rip + b->bytes - 1 <= cpu->seg[S_CS].limit)))
        return b;
    return lookup_slow(cpu, lin, key);
}
