/*
 * The timing model (docs/timing-model.md): what instructions, memory
 * accesses and transitions cost in core cycles, by CPU profile.
 *
 * Virtual time (cpu->cycles) advances by:
 *   - each retired instruction's cost, computed once when its block is
 *     decoded (insn.cycles: class + memory operands + LOCK);
 *   - extras charged where they happen: a taken branch (branch_near), the
 *     iterations of a REP string instruction, each transition (SYSCALL,
 *     delivery, IRET, far transfers through gates, MOV to CR3), and the
 *     TLB model on a miss of the software TLB (timing_tlb.c).
 * A profile is data (src/cpu/profiles/, one file per CPU): every number
 * names its source.
 */
#ifndef RINGSCOPE_TIMING_H
#define RINGSCOPE_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum timing_cost {
#define COST(id, what) T_##id,
#include "cpu/timing_costs.def"
#undef COST
    T_COUNT
};

/* One number and where it comes from (a key of the profile's sources). */
struct timing_value {
    uint16_t cycles;
    const char *source;
};

struct timing_source {
    const char *key;
    const char *reference;      /* author, title, section or table, URL */
};

/* A set-associative TLB level: entries and ways (entries / ways sets). */
struct tlb_geometry {
    uint16_t entries, ways;
};

struct timing_profile {
    const char *name;           /* --cpu-model NAME */
    const char *description;
    struct tlb_geometry itlb, dtlb, stlb;   /* all zero: no TLB model */
    const char *tlb_source;
    struct timing_value cost[T_COUNT];
    const struct timing_source *sources;    /* terminated by a NULL key */
};

/* The profiles, default first (profiles/ *.c). NULL past the last. */
const struct timing_profile *timing_profile_at(unsigned index);
const struct timing_profile *timing_profile_find(const char *name);

/* The name and description of a cost id (timing_costs.def). */
const char *timing_cost_name(enum timing_cost id);
const char *timing_cost_what(enum timing_cost id);

/* The modelled TLB levels' capacity limits. */
#define TIMING_L1_MAX 256
#define TIMING_STLB_MAX 4096

/* One modelled TLB level: tags per set, with LRU ages. A tag is the page
 * number at the entry's page size, the page-size shift and the PCID (a
 * global entry matches any PCID). */
struct timing_tlb_entry {
    uint64_t page;              /* linear >> shift; 0 with valid = false */
    uint32_t age;               /* larger: used more recently */
    uint16_t pcid;
    uint8_t shift;
    bool valid, global;
};
struct timing_tlb_level {
    struct timing_tlb_entry *e; /* sets * ways, in timing_state's storage */
    unsigned sets, ways;
    uint32_t clock;
};

/* The model's state in struct cpu. */
struct timing_state {
    const struct timing_profile *profile;
    uint16_t cost[T_COUNT];     /* the profile's numbers, for one load per charge */
    bool tlb_model;             /* the profile has TLB geometry */
    bool charge_walk;           /* the access being translated missed every modelled level */
    struct timing_tlb_level itlb, dtlb, stlb;
    struct timing_tlb_entry itlb_e[TIMING_L1_MAX], dtlb_e[TIMING_L1_MAX],
                            stlb_e[TIMING_STLB_MAX];
    /* Counters for --stats and tests. */
    uint64_t l1_misses, stlb_hits, stlb_misses, walk_entries;
};

struct cpu;
struct insn;
typedef void insn_fn(struct cpu *cpu, const struct insn *in);

/* Select a profile: copy its costs, size the modelled TLBs, and drop the
 * decoded blocks (their instructions carry the old costs). */
void timing_set_profile(struct cpu *cpu, const struct timing_profile *p);

/* The decoder's class of a handler (an index into timing_classes.def). */
uint8_t timing_classify(insn_fn *fn);

/* A decoded instruction's cost under the current profile. */
uint16_t timing_insn_cycles(const struct cpu *cpu, const struct insn *in);

/* A REP string instruction ran `elements` iterations of `size` bytes:
 * MOVS/STOS (fast) by bytes per cycle, the others per element. `total` is
 * the bytes the whole instruction moves (rCX * size as it started): from
 * TIMING_STREAM_BYTES on, fast strings stream at memory bandwidth. */
#define TIMING_STREAM_BYTES 4096
void timing_charge_string(struct cpu *cpu, bool fast, uint64_t elements, unsigned size,
                          uint64_t total);

/* ---- timing_tlb.c: the modelled TLBs -------------------------------------- */

/* (Re)size the levels for the current profile and empty them. */
void timing_tlb_configure(struct cpu *cpu);

/* The software TLB missed `lin` (paging on): look it up in the modelled
 * levels and charge STLB_HIT, or arm the per-entry walk charge
 * (charge_walk) for the walk that follows. */
void timing_tlb_miss(struct cpu *cpu, uint64_t lin, bool exec);

/* The walk for `lin` succeeded with a page of 2^shift bytes: fill the
 * modelled levels. */
void timing_tlb_fill(struct cpu *cpu, uint64_t lin, unsigned shift, bool global, bool exec);

/* Invalidation, mirroring the paging unit's (SDM Vol. 3A, 5.10.4):
 * everything; every non-global entry; the non-global entries of one PCID;
 * one page for one PCID (global entries of that page too). */
void timing_tlb_flush_all(struct cpu *cpu);
void timing_tlb_flush_nonglobal(struct cpu *cpu);
void timing_tlb_flush_pcid(struct cpu *cpu, uint16_t pcid);
void timing_tlb_invlpg(struct cpu *cpu, uint16_t pcid, uint64_t lin);

#endif
