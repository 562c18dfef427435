/*
 * The software TLB's layout (owned by the paging unit: mmu/paging.c,
 * mmu/access.[ch]). Kept in its own header so struct cpu can embed it.
 * docs/paging.md describes the design.
 */
#ifndef RINGSCOPE_TLB_H
#define RINGSCOPE_TLB_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Direct-mapped, 256 sets, one array per access kind and privilege class:
 *
 *   class 0  supervisor accesses (CPL 0-2, and implicit supervisor accesses
 *            at any CPL); never holds a user page while CR4.SMAP = 1
 *   class 1  user accesses (CPL 3)
 *   class 2  explicit supervisor data accesses to user pages with
 *            CR4.SMAP = 1 and RFLAGS.AC = 1; consulted by the slow path
 *            only, and only while AC = 1
 *
 * An entry caches one 4 KiB piece of a translation (large pages are split)
 * that the walk allowed for its kind and class, so a hit needs no further
 * permission check. Both tags are `linear page + tlb.tag_base`, where
 * tag_base = 1 + (address-space context << 53) (mmu/paging.c maps PCIDs to
 * contexts); 0 never matches. `tag` is what the inline fast path compares
 * and is set only when `host` is valid (the page is RAM); `vtag` marks the
 * cached translation itself, for the slow path and for invalidation.
 */
#define TLB_ENTRIES 256
#define TLB_CLASSES 3
#define TLB_CTX_SHIFT 53
#define TLB_PAGE_TAG_MASK ((1ull << TLB_CTX_SHIFT) - 1)

/* Low bits of tlb_entry.phys (the physical page is 4 KiB aligned). */
#define TLBF_GLOBAL 0x001   /* G = 1 in the leaf with CR4.PGE = 1 */
#define TLBF_USER   0x002   /* a user-mode address (U/S = 1 at every level) */
#define TLBF_SHIFT(s) ((uint64_t)(s) << 4)   /* log2 of the page size, 12..30 */
#define TLBF_SHIFT_OF(p) ((unsigned)((p) >> 4) & 0x1f)
#define TLBF_MASK   0xfff

struct tlb_entry {
    uint64_t tag;           /* fast-path tag, 0 = not usable inline */
    uint8_t *host;          /* host address of the 4 KiB page (RAM only) */
    uint64_t vtag;          /* translation tag, 0 = empty */
    uint64_t phys;          /* physical 4 KiB page | TLBF_* */
};

struct tlb {
    uint64_t tag_base;      /* 1 + (current context << TLB_CTX_SHIFT) */
    struct tlb_entry read[TLB_CLASSES][TLB_ENTRIES];
    struct tlb_entry write[TLB_CLASSES][TLB_ENTRIES];
    struct tlb_entry exec[2][TLB_ENTRIES];
    uint64_t hits;          /* translations found in the TLB (fast and slow path) */
    uint64_t misses;        /* translations not found in the TLB */
    bool has_large;         /* some entry comes from a page larger than 4 KiB */
};

/* Paging-unit state beyond the TLB arrays. */
#define TLB_MAX_CTX 2047    /* contexts 1..2047 fit in the tag's top 11 bits */
struct paging_state {
    uint64_t walks;             /* page-table walks performed */
    uint64_t flushes;           /* full TLB flushes (globals included) */
    uint64_t ctx_flushes;       /* non-global flushes of one PCID (context renumbered) */
    uint64_t avoidable_flushes; /* flushes beyond what the SDM requires (context recycling) */
    uint64_t pdpte[4];          /* PAE paging: the PDPTE registers */
    bool pdpte_loaded;          /* false: load them from CR3 at the next walk */
    bool pdpte_staged;          /* mmu_prepare_paging_change() loaded staged[] */
    uint64_t staged[4];
    uint64_t staged_cr0, staged_cr4;  /* ... for this CR0/CR4 */
    uint64_t misses_at_flush;   /* tlb.misses at the last full flush (nothing filled since?) */
    uint64_t seen_cr0, seen_cr4;/* CR0/CR4 at the last flush (what changed?) */
    uint16_t next_ctx;          /* next unused context number */
    uint16_t pcid_ctx[4096];    /* PCID -> context, 0 = none yet */
    uint16_t pcid_used[8];      /* the PCIDs given a context since pcid_ctx was cleared */
    uint8_t pcid_nused;         /* how many; 9: more (clear all of pcid_ctx) */
};

#endif
