/*
 * Segment descriptors and segment-register loads (SDM Vol. 3A, 3.4 and 5.5-5.7;
 * Vol. 2, the Operation sections of MOV, POP and LDS/LES/LFS/LGS/LSS).
 *
 * A load is split in two so that instructions which load several registers
 * (far transfers, task switches) can check everything before committing
 * anything:
 *
 *   seg_check_data()  selector and descriptor checks, descriptor read, probe
 *                     of the accessed-bit write; may fault, changes nothing;
 *   seg_commit()      sets the descriptor's accessed bit in memory and loads
 *                     the hidden cache; cannot fault after a successful check.
 *
 * seg_load_data() does both, for the instructions that load one register.
 */
#ifndef RINGSCOPE_SEGMENT_H
#define RINGSCOPE_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Selector fields (SDM Vol. 3A, 3.4.2, Figure 3-6). */
#define SEL_RPL_MASK 0x0003u
#define SEL_TI       0x0004u   /* 1: the LDT */

static inline bool sel_is_null(uint16_t sel)
{
    return (sel & ~SEL_RPL_MASK) == 0;      /* index 0 of the GDT, any RPL */
}

/* The error code of #GP/#NP/#SS/#TS(selector): the selector's index and TI,
 * with EXT = 0 and IDT = 0 (SDM Vol. 3A, 6.13, Figure 6-7). */
static inline uint32_t sel_error_code(uint16_t sel)
{
    return sel & 0xfffcu;
}

/* Descriptor fields (SDM Vol. 3A, 3.4.5, Figure 3-8). */
static inline uint32_t desc_base(uint64_t d)
{
    return (uint32_t)(((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000u));
}

/* The limit in bytes: with G = 1 the 20-bit field counts 4 KiB units and the
 * low 12 bits of the byte limit are ones. */
static inline uint32_t desc_limit(uint64_t d)
{
    uint32_t raw = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
    return (d & (1ull << 55)) ? (raw << 12) | 0xfff : raw;
}

/* struct segment's attr: descriptor byte 5 (type, S, DPL, P) in bits 0-7 and
 * byte 6's high nibble (AVL, L, D/B, G) in bits 12-15. */
static inline uint16_t desc_attr(uint64_t d)
{
    return (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12));
}

#define DESC_ACCESSED (1ull << 40)

/* The linear address of the 8-byte descriptor `sel` names, in the GDT or
 * (TI = 1) the LDT. Returns false, without faulting, when the descriptor
 * lies (even partly) beyond the table's limit, the LDT is unusable, or in
 * IA-32e mode its address is not canonical: the caller raises the exception
 * its instruction names for that (#GP(selector) for segment loads). */
bool desc_locate(const struct cpu *cpu, uint16_t sel, uint64_t *lin);

/* Read the 8-byte descriptor at linear address `lin` (may fault). */
uint64_t desc_read(struct cpu *cpu, uint64_t lin);

/* A checked segment-register load, ready to commit. */
struct seg_load {
    uint16_t selector;
    uint16_t attr;
    uint32_t limit;
    uint64_t base;
    uint64_t desc_lin;      /* where the descriptor's accessed bit goes */
    bool set_accessed;      /* the descriptor in memory has A = 0 */
};

/* Check loading data/stack segment register `sreg` (S_ES, S_SS, S_DS, S_FS,
 * S_GS) with `sel`, as MOV/POP/LxS do, at privilege level `cpl` (the CPL, or
 * the new CPL for a far return to an outer level). `long64` says whether the
 * load happens in 64-bit mode, where a null SS is allowed when cpl < 3 and
 * RPL = cpl. Raises #GP(0), #GP(selector), #NP(selector) or #SS(selector)
 * exactly as the SDM's Operation sections say; changes no state. */
void seg_check_data(struct cpu *cpu, int sreg, uint16_t sel, unsigned cpl, bool long64,
                    struct seg_load *out);

/* Commit a checked load: set the accessed bit in memory if it was clear, load
 * the hidden cache, and recompute the stack size after an SS load. */
void seg_commit(struct cpu *cpu, int sreg, const struct seg_load *ld);

/* Both, at the current CPL and mode: MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS. */
void seg_load_data(struct cpu *cpu, int sreg, uint16_t sel);

#endif
