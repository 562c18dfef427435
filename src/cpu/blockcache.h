/*
 * The decoded-instruction cache. Instructions are decoded once into blocks
 * (straight-line runs ending at a control transfer or a page end) keyed by
 * the physical address of their first byte and the decode mode (which
 * includes the privilege class: user or supervisor code fetches are
 * checked differently by paging). A page that holds decoded code is marked
 * in physmem; a write to it invalidates the page's blocks (self-modifying
 * code).
 *
 * In front sits a direct-mapped jump cache keyed by linear address: a hit
 * skips the translation, so it is valid only as long as the TLB is. Every
 * TLB invalidation calls blockcache_flush_jump() (a generation bump).
 */
#ifndef RINGSCOPE_BLOCKCACHE_H
#define RINGSCOPE_BLOCKCACHE_H

#include <stdint.h>

#include "cpu/decode.h"

#define BLOCK_MAX_INSNS 64

struct block {
    uint64_t phys;              /* physical address of the first byte */
    uint64_t lin;               /* linear address it was decoded at */
    uint64_t phys_last_page;    /* physical page of its last byte */
    uint32_t bytes;             /* total length */
    uint8_t mode_key;           /* decode mode (code size, real mode) */
    bool valid;
    uint16_t count;             /* instructions */
    uint32_t cycles;            /* their costs summed (timing.h) */
    struct block *hash_next;
    struct block *zombie_next;
    struct block *cross_prev, *cross_next;  /* list of blocks ending on another page */
    struct insn insn[];
};

struct block_cache;

struct block_cache *blockcache_create(void);
void blockcache_destroy(struct block_cache *bc);

/* The block for the CPU's current CS:RIP, decoding it if needed. Raises the
 * decode exception (#UD, #GP for over-long instructions, CS limit) when the
 * first instruction cannot be decoded. */
struct block *blockcache_lookup(struct cpu *cpu);

/* Invalidate every block with bytes in the physical page at `page_pa`. */
void blockcache_invalidate_page(struct block_cache *bc, uint64_t page_pa);

/* Drop every block (e.g. on a full TLB flush where linear mappings change). */
void blockcache_flush(struct block_cache *bc);

/* Forget every linear-address -> block association of the jump cache (the
 * blocks stay, found again by physical address). O(1). */
void blockcache_flush_jump(struct block_cache *bc);

/* Free invalidated blocks; call only when no block is executing. */
void blockcache_reclaim(struct block_cache *bc);

/* Counters: blocks decoded and blocks invalidated by writes. */
void blockcache_stats(const struct block_cache *bc, uint64_t *decoded, uint64_t *invalidated);

#endif
