/*
 * Data breakpoints (SDM Vol. 3A, 17.2.4-17.2.5 and 17.3.1.2): DR0-DR3 with
 * DR7 R/Wn = 01 (writes) or 11 (reads or writes) and LENn = 1, 2, 4 or 8
 * bytes. A matching access makes a trap-class #DB after the instruction
 * completes, with DR6.Bn set. Instruction breakpoints live in exec.c.
 *
 * Pages holding an armed breakpoint never get an inline TLB entry
 * (mmu/access.c), so every access to them takes the slow path, which calls
 * debug_check_data(); the careful single-step path of the run loop (taken
 * whenever DR7 enables anything) turns recorded hits into the #DB.
 */
#ifndef RINGSCOPE_DEBUG_H
#define RINGSCOPE_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* DR7 bits: Ln/Gn enable pairs in 7:0, R/Wn at 16+4n, LENn at 18+4n. */
static inline unsigned dr7_rw(uint64_t dr7, unsigned n) { return (unsigned)(dr7 >> (16 + 4 * n)) & 3; }
static inline bool dr7_enabled(uint64_t dr7, unsigned n) { return (dr7 >> (2 * n)) & 3; }

/* Is any data breakpoint armed? (One test on DR7's enable and R/W bits.) */
static inline bool debug_data_armed(const struct cpu *cpu)
{
    uint64_t dr7 = cpu->debug.dr[7];
    if (!(dr7 & 0xff))
        return false;
    for (unsigned n = 0; n < 4; n++)
        if (dr7_enabled(dr7, n) && (dr7_rw(dr7, n) & 1))
            return true;
    return false;
}

/* Does the 4 KiB linear page holding `lin` overlap an armed data breakpoint? */
bool debug_page_watched(const struct cpu *cpu, uint64_t lin);

/* Record the data breakpoints an access of `size` bytes at `lin` matches
 * (into cpu->debug.data_hits). */
void debug_check_data(struct cpu *cpu, uint64_t lin, unsigned size, bool write);

#endif
