/*
 * `ringscope run --stats` / `--stats-json FILE`: where the cycles went,
 * computed as a consumer of the transition event stream (docs/events.md):
 * every event closes an interval of virtual time that is charged to the CPL,
 * the mode and the address space (CR3) in force during it.
 */
#ifndef RINGSCOPE_STATS_H
#define RINGSCOPE_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "ringscope/ringscope.h"

#define STATS_MAX_SPACES 64

struct run_stats {
    /* the interval being accumulated */
    uint64_t last_cycle, base_cycle;    /* base: cycles of machines before a reboot */
    unsigned cpl;
    rs_mode mode;
    uint64_t cr3;
    /* totals */
    uint64_t cycles_cpl[4];
    uint64_t cycles_mode[RS_MODE_COUNT];
    struct { uint64_t cr3, cycles; } space[STATS_MAX_SPACES];
    unsigned nspaces;
    uint64_t other_spaces;              /* cycles of address spaces beyond the table */
    struct { uint64_t count, total, min, max; } kind[RS_EV_KIND_COUNT];
    uint64_t events;
    rs_tlb_stats tlb;                   /* summed over machines */
    const char *cpu_model;              /* the timing profile */
};

/* Start accounting on a (new) machine in its power-on state. */
void stats_attach(struct run_stats *s, rs_machine *m);

/* Close the last interval and take the machine's counters (before it goes). */
void stats_detach(struct run_stats *s, rs_machine *m);

/* The report: text to `f`, or JSON (jansson) to `f`. */
void stats_print(const struct run_stats *s, FILE *f, uint64_t insns, uint64_t cycles,
                 uint64_t cpu_hz, double host_seconds);
int stats_write_json(const struct run_stats *s, FILE *f, uint64_t insns, uint64_t cycles,
                     uint64_t cpu_hz, double host_seconds);

#endif
