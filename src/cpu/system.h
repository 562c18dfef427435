/*
 * Shared definitions of the system-instruction files (system.c, msr.c,
 * syscall.c, io.c): control-register and EFER bits, the MSR numbers the
 * fast-system-call instructions read, and the checked MSR access that
 * RDMSR/WRMSR perform (msr.c).
 */
#ifndef RINGSCOPE_SYSTEM_H
#define RINGSCOPE_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* CR0 (SDM Vol. 3A, 2.5, Figure 2-7). */
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
/* CR0 bits whose change affects translations and the TLB (mmu_paging_changed). */
#define CR0_PAGING_BITS (CR0_PG | CR0_WP | CR0_CD | CR0_NW)
/* The bits a P6-family processor implements; the others read as 0 and
 * writes to them are ignored (bits 31:0) or #GP (bits 63:32). */
#define CR0_IMPLEMENTED (CR0_PG | CR0_CD | CR0_NW | CR0_AM | CR0_WP | CR0_NE | CR0_ET | \
                         CR0_TS | CR0_EM | CR0_MP | CR0_PE)

/* CR4 (SDM Vol. 3A, 2.5, Figure 2-7). */
#define CR4_VME        (1ull << 0)
#define CR4_PVI        (1ull << 1)
#define CR4_DE         (1ull << 3)
#define CR4_PSE        (1ull << 4)
#define CR4_MCE        (1ull << 6)
#define CR4_PGE        (1ull << 7)
#define CR4_PCE        (1ull << 8)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP       (1ull << 11)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_PCIDE      (1ull << 17)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)
/* The CR4 bits this CPU model supports, matching what CPUID reports
 * (docs/system.md): everything else is reserved and #GP(0) when set. */
#define CR4_SUPPORTED (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_OSFXSR | \
                       CR4_OSXMMEXCPT | CR4_UMIP | CR4_FSGSBASE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)
/* Bits whose change invalidates translations (SDM Vol. 3A, 4.10.4.1). */
#define CR4_PAGING_BITS (CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)

#define EFER_NXE (1ull << 11)

/* MAXPHYADDR (CPUID 80000008h EAX[7:0]). */
#define PHYS_ADDR_BITS 39
#define PHYS_ADDR_MASK ((1ull << PHYS_ADDR_BITS) - 1)

/* MSR numbers (SDM Vol. 4, Table 2-2). */
#define MSR_SYSENTER_CS  0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_EFER         0xc0000080u

/* Outcome of a checked MSR access (RDMSR/WRMSR). */
enum msr_result { MSR_OK, MSR_GP };

/* RDMSR's view: MSR_GP for an MSR the model lacks (or a write-only one). */
enum msr_result msr_rdmsr(struct cpu *cpu, uint32_t index, uint64_t *value);

/* WRMSR's view: checks the value against the MSR's rules (read-only,
 * reserved bits, canonical addresses, memory types, EFER.LME with paging
 * on, the FEATURE_CONTROL lock) and stores it only if all pass. Returns
 * MSR_GP, having changed nothing, when WRMSR must raise #GP(0). Side
 * effects on the mode and the TLB are the caller's (system.c). */
enum msr_result msr_wrmsr(struct cpu *cpu, uint32_t index, uint64_t value);

/* The general-detect condition of MOV DRn (system.c) and the CR0 write
 * shared by MOV CR0 and LMSW. */
void cr0_write(struct cpu *cpu, uint64_t value);

#endif
