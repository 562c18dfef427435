/*
 * The paging unit's interface to the rest of the CPU (implemented in
 * mmu/paging.c). Page walks happen behind mmu_translate() (mmu/access.h);
 * these are the hooks that control-register writes and TLB-management
 * instructions call. docs/paging.md describes the design.
 */
#ifndef RINGSCOPE_PAGING_H
#define RINGSCOPE_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "mmu/access.h"

/* Control-register bits the paging unit reads (prefixed: cpu/system.h
 * names the same bits for the control-register instructions). */
#define PG_CR0_WP    (1ull << 16)
#define PG_CR0_NW    (1ull << 29)
#define PG_CR0_CD    (1ull << 30)
#define PG_CR4_PSE   (1ull << 4)
#define PG_CR4_PGE   (1ull << 7)
#define PG_CR4_PCIDE (1ull << 17)
#define PG_CR4_SMEP  (1ull << 20)
#define PG_CR4_SMAP  (1ull << 21)
#define PG_EFER_NXE  (1ull << 11)
#define PG_CR3_NOFLUSH (1ull << 63)

/* MAXPHYADDR (CPUID 80000008h EAX[7:0]): physical-address bits. */
#define PG_MAXPHYADDR 39

/* Paging-structure entry bits (SDM Vol. 3A, 5.3-5.5). */
#define PTE_P   0x001u
#define PTE_RW  0x002u
#define PTE_US  0x004u
#define PTE_A   0x020u
#define PTE_D   0x040u
#define PTE_PS  0x080u
#define PTE_G   0x100u
#define PG_ADDR_MASK (((1ull << PG_MAXPHYADDR) - 1) & ~0xfffull)

/* Drop every TLB entry, global ones included (and the decoded-block jump
 * cache, which is keyed by linear address). */
void tlb_flush_all(struct cpu *cpu);

/* Drop every non-global entry of every PCID (a CR3 write without the PCID
 * no-flush bit, with CR4.PCIDE = 0; INVPCID type 3). */
void tlb_flush_nonglobal(struct cpu *cpu);

/* INVLPG: drop the entries for the page holding `lin` (the whole page if it
 * is a large one) of the current PCID, and global entries for it. */
void tlb_invlpg(struct cpu *cpu, uint64_t lin);

/* INVPCID type 0: the non-global entries of `pcid` for the page of `lin`. */
void tlb_invlpg_pcid(struct cpu *cpu, uint16_t pcid, uint64_t lin);

/* INVPCID type 1: every non-global entry of `pcid`. */
void tlb_flush_pcid(struct cpu *cpu, uint16_t pcid);

/* MOV to CR3 after its checks: store the new value and flush as the SDM
 * says for the current CR4.PCIDE (bit 63 = no flush; it is not stored).
 * With PAE paging active it first loads the four PDPTEs and raises #GP(0),
 * changing nothing, if a present one has a reserved bit set (SDM Vol. 3A,
 * 5.4.1): call it as the committing step. */
void mmu_write_cr3(struct cpu *cpu, uint64_t value);

/* Call BEFORE committing a MOV to CR0 or CR4 with the values it will write:
 * if PAE paging will be in use afterwards and the write changes CR0.CD, NW
 * or PG or CR4.PAE, PGE, PSE or SMEP, the PDPTEs are loaded from CR3 now
 * (raising #GP(0), nothing changed, for a reserved bit) and installed by the
 * mmu_paging_changed() that follows the commit. */
void mmu_prepare_paging_change(struct cpu *cpu, uint64_t new_cr0, uint64_t new_cr4);

/* CR0.PG/WP/CD/NW, CR4.PSE/PAE/PGE/PCIDE/SMEP/SMAP or EFER.NXE/LMA changed
 * (call after committing): flush everything; (re)load the PDPTEs when PAE
 * paging is now in use and one of the bits that load them changed. */
void mmu_paging_changed(struct cpu *cpu);

/* Which paging mode is in use (SDM Vol. 3A, 5.1.1). */
enum paging_mode { PAGING_NONE, PAGING_32, PAGING_PAE, PAGING_4LEVEL };
static inline enum paging_mode paging_mode(const struct cpu *cpu)
{
    if (!(cpu->cr0 & CR0_PG))
        return PAGING_NONE;
    if (!(cpu->cr4 & CR4_PAE))
        return PAGING_32;
    return (cpu->efer & EFER_LMA) ? PAGING_4LEVEL : PAGING_PAE;
}

/* The current PCID (000H when CR4.PCIDE = 0). */
static inline uint16_t current_pcid(const struct cpu *cpu)
{
    return (cpu->cr4 & PG_CR4_PCIDE) ? (uint16_t)(cpu->cr3 & 0xfff) : 0;
}

/* The result of a successful walk, for the TLB. */
struct walk_result {
    uint64_t pa;            /* physical address of the linear address */
    unsigned shift;         /* log2 of the page size: 12, 21, 22 or 30 */
    bool global;            /* G = 1 in the leaf and CR4.PGE = 1 */
    bool user;              /* U/S = 1 in every entry: a user-mode address */
};

/* Walk the paging structures for `lin`, check the access (`kind`, `af` as
 * in access.h), set accessed/dirty flags and fill *res; on failure set CR2
 * and raise #PF with its error code. Only with CR0.PG = 1. */
void paging_walk(struct cpu *cpu, uint64_t lin, enum access_kind kind, unsigned af,
                 struct walk_result *res);

/* (Re)assign the current context after CR3/CR4 changed (tag_base). */
void tlb_set_context(struct cpu *cpu);

/* For harnesses (rs_set_mode into an IA-32e mode): 4-level tables that
 * identity-map the whole physical address space (512 GiB) with 1 GiB pages,
 * user and writable, accessed and dirty already set, in a private 8 KiB of
 * RAM at PAGING_FLAT_TABLES (mapped if needed); CR3 points at them. False
 * when that range cannot be mapped (e.g. the embedder's RAM is there). */
#define PAGING_FLAT_TABLES 0x7fffffe000ull
bool paging_flat_identity(struct cpu *cpu);

/* The debugger's translation (peek.c): where `lin` maps now, read without
 * side effects (no A/D bits, TLB fill or fault) and without access checks.
 * False if it is not mapped. */
bool paging_peek(struct cpu *cpu, uint64_t lin, uint64_t *pa);

/* Counters, for tests and the timing model. */
struct mmu_stats {
    uint64_t tlb_hits;          /* translations found in the TLB */
    uint64_t tlb_misses;        /* translations not found in the TLB */
    uint64_t walks;             /* page-table walks */
    uint64_t full_flushes;      /* everything, globals included */
    uint64_t pcid_flushes;      /* non-global entries of one PCID */
    uint64_t avoidable_flushes; /* flushes the SDM does not require */
};
void mmu_stats(const struct cpu *cpu, struct mmu_stats *out);

#endif
