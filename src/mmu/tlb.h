/*
 * The software TLB's layout (owned by the paging unit: mmu/paging.c,
 * mmu/access.[ch]). Kept in its own header so struct cpu can embed it.
 */
#ifndef RINGSCOPE_TLB_H
#define RINGSCOPE_TLB_H

#include <stdint.h>

/* Linear page -> host pointer to the page, per access kind. An entry is
 * filled only for pages fully backed by RAM; writes to pages that hold
 * decoded code never get a write entry, so they take the slow path where
 * the decoded-instruction cache is invalidated. */
#define TLB_ENTRIES 256
struct tlb_entry {
    uint64_t tag;           /* linear page number + 1 (0 = empty) */
    uint8_t *host;          /* host address of the page */
};
struct tlb {
    struct tlb_entry read[TLB_ENTRIES];
    struct tlb_entry write[TLB_ENTRIES];
    uint64_t hits, misses;
};

/* Paging-unit state beyond the TLB arrays (counters, PCID bookkeeping). */
struct paging_state {
    uint64_t walks;         /* page-table walks performed */
};

#endif
