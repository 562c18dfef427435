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

/* ---- Far transfers, gates and system descriptors ----------------------- */

/* System-descriptor types (S = 0; SDM Vol. 3A, Table 3-2). In IA-32e mode
 * types 9/B are the 64-bit TSS, C the 64-bit call gate, E/F the 64-bit
 * interrupt/trap gates, and 1, 3, 4, 5, 6, 7 are invalid. */
enum {
    DT_TSS16 = 0x1, DT_LDT = 0x2, DT_TSS16_BUSY = 0x3, DT_CALL16 = 0x4, DT_TASK = 0x5,
    DT_INT16 = 0x6, DT_TRAP16 = 0x7, DT_TSS32 = 0x9, DT_TSS32_BUSY = 0xb,
    DT_CALL32 = 0xc, DT_INT32 = 0xe, DT_TRAP32 = 0xf,
};

/* Descriptor type field (bits 40-43), S (bit 44), DPL, P, L, D/B. */
static inline unsigned desc_type(uint64_t d) { return (unsigned)(d >> 40) & 0xf; }
static inline bool desc_is_user(uint64_t d) { return (d >> 44) & 1; }
static inline unsigned desc_dpl(uint64_t d) { return (unsigned)(d >> 45) & 3; }
static inline bool desc_present(uint64_t d) { return (d >> 47) & 1; }

/* Like desc_locate, for a descriptor of `size` bytes (8, or 16 for the
 * system descriptors of IA-32e mode: every byte must lie inside the limit). */
bool desc_locate_size(const struct cpu *cpu, uint16_t sel, unsigned size, uint64_t *lin);

/* Locate and read the 8-byte descriptor `sel` names; a descriptor outside
 * its table raises `vector`(selector) (#GP for most instructions, #TS for
 * the stack segment read from a TSS). *lin receives its address. */
uint64_t desc_fetch(struct cpu *cpu, uint16_t sel, int vector, uint64_t *lin);

/* The upper 8 bytes of a 16-byte IA-32e system descriptor (call gate, LDT,
 * TSS): all 16 bytes must lie inside the table (else #GP(selector)), and the
 * type field of the upper half (bits 12:8 of its second dword) must be 0
 * (else #GP(selector)) (SDM Vol. 3A, 5.8.3.1, Figure 5-9; 8.2.3). */
uint64_t desc_fetch_upper(struct cpu *cpu, uint16_t sel);

/* Fill a checked load from a located, read code/data descriptor: base,
 * byte-granular limit, attr with the accessed bit; probes the accessed-bit
 * write so that seg_commit() cannot fault. */
void seg_prepare(struct cpu *cpu, uint16_t sel, uint64_t lin, uint64_t d, struct seg_load *out);

/* The privilege rule a new CS is checked with. */
enum cs_rule {
    CS_DIRECT,      /* JMP/CALL to a code segment: conforming DPL <= CPL;
                       nonconforming RPL <= CPL and DPL = CPL */
    CS_GATE_CALL,   /* CALL through a call gate: DPL <= CPL */
    CS_GATE_JMP,    /* JMP through a call gate: conforming DPL <= CPL,
                       nonconforming DPL = CPL */
    CS_RETURN,      /* RETF: RPL >= CPL; conforming DPL <= RPL, nonconforming DPL = RPL */
};

/* Check the descriptor `d` (at `lin`) as a new CS under `rule` at privilege
 * `cpl` and prepare its load. Not a code segment, a privilege violation
 * or, in IA-32e mode, L = D = 1 (and, for gates, L = 0) is #GP(selector);
 * then not present is #NP(selector). The loaded selector keeps `sel`'s
 * RPL: callers set it to the new CPL. */
void seg_check_code_desc(struct cpu *cpu, uint16_t sel, uint64_t lin, uint64_t d,
                         enum cs_rule rule, unsigned cpl, struct seg_load *out);

/* The same for a selector not read yet: null is #GP(0); a descriptor
 * outside its table is #GP(selector). */
void seg_check_code(struct cpu *cpu, uint16_t sel, enum cs_rule rule, unsigned cpl,
                    struct seg_load *out);

/* The SS read from the TSS for a stack switch to privilege `cpl` (CALL
 * through a call gate; interrupt delivery in legacy mode): null, outside
 * its table, RPL != cpl, DPL != cpl or not writable data is #TS(selector);
 * not present is #SS(selector) (SDM CALL, "MORE-PRIVILEGE"). */
void seg_check_tss_stack(struct cpu *cpu, uint16_t sel, unsigned cpl, struct seg_load *out);

/* A gate descriptor's fields. */
struct gate {
    uint64_t offset;        /* entry point (16 bits for 16-bit gates) */
    uint16_t selector;      /* target code segment */
    uint8_t type;           /* DT_CALL16, DT_CALL32 (64-bit in IA-32e mode), ... */
    uint8_t dpl;
    uint8_t params;         /* parameter count (legacy call gates, 5 bits) */
    uint8_t size;           /* 2, 4 or 8: the gate size */
};

/* Decode a legacy gate (8 bytes) or, with `upper` from desc_fetch_upper, a
 * 64-bit gate. */
void gate_decode(uint64_t d, const uint64_t *upper, struct gate *g);

#endif
