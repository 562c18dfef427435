/*
 * The paging unit's interface to the rest of the CPU (implemented in
 * mmu/paging.c). Page walks happen behind mmu_translate() (mmu/access.h);
 * these are the hooks that control-register writes and TLB-management
 * instructions call.
 */
#ifndef RINGSCOPE_PAGING_H
#define RINGSCOPE_PAGING_H

#include <stdint.h>

#include "cpu/cpu.h"

/* Drop every TLB entry, global ones included (and the decoded-block jump
 * cache, which is keyed by linear address). */
void tlb_flush_all(struct cpu *cpu);

/* Drop every non-global entry (a CR3 write without the PCID no-flush bit). */
void tlb_flush_nonglobal(struct cpu *cpu);

/* INVLPG: drop the entries for the page holding `lin`. */
void tlb_invlpg(struct cpu *cpu, uint64_t lin);

/* MOV to CR3 after its checks: store the new value and flush as the SDM
 * says for the current CR4.PCIDE (bit 63 = no flush). */
void mmu_write_cr3(struct cpu *cpu, uint64_t value);

/* CR0.PG/WP, CR4.PSE/PAE/PGE/PCIDE/SMEP/SMAP or EFER.NXE/LMA changed:
 * flush everything. */
void mmu_paging_changed(struct cpu *cpu);

#endif
