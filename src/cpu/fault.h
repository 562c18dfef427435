/*
 * The one fault path. Every exception an instruction raises goes through
 * cpu_raise(): it restores RIP to the faulting instruction (or leaves it after
 * the instruction, for traps), records the exception, applies the
 * double-fault rules and unwinds to the run loop's instruction boundary.
 * Handlers check everything that can fault before committing state.
 */
#ifndef RINGSCOPE_FAULT_H
#define RINGSCOPE_FAULT_H

#include <stdint.h>
#include <stdnoreturn.h>

#include "cpu/cpu.h"

/* Exception vectors, named with their number (SDM Vol. 3A, Table 6-1). */
enum {
    EXC_DE = 0,   /* divide error */
    EXC_DB = 1,   /* debug */
    EXC_NMI = 2,
    EXC_BP = 3,   /* breakpoint (INT3), trap */
    EXC_OF = 4,   /* overflow (INTO), trap */
    EXC_BR = 5,   /* BOUND range exceeded */
    EXC_UD = 6,   /* invalid opcode */
    EXC_NM = 7,   /* device not available */
    EXC_DF = 8,   /* double fault */
    EXC_TS = 10,  /* invalid TSS */
    EXC_NP = 11,  /* segment not present */
    EXC_SS = 12,  /* stack-segment fault */
    EXC_GP = 13,  /* general protection */
    EXC_PF = 14,  /* page fault */
    EXC_MF = 16,  /* x87 floating-point error */
    EXC_AC = 17,  /* alignment check */
    EXC_MC = 18,
    EXC_XM = 19,  /* SIMD floating-point */
};

/* Raise a fault: RIP is rewound to the faulting instruction. `error_code`
 * is pushed for the vectors that architecturally have one. */
noreturn void cpu_raise(struct cpu *cpu, int vector, uint32_t error_code);

/* Raise a trap-class exception (INT3, INTO): RIP stays after the instruction. */
noreturn void cpu_raise_trap(struct cpu *cpu, int vector);

/* Shorthands that read like the SDM's Operation sections. */
#define raise_ud(cpu)       cpu_raise((cpu), EXC_UD, 0)
#define raise_gp0(cpu)      cpu_raise((cpu), EXC_GP, 0)
#define raise_ss0(cpu)      cpu_raise((cpu), EXC_SS, 0)
#define raise_de(cpu)       cpu_raise((cpu), EXC_DE, 0)

/* Does `vector` push an error code (SDM Vol. 3A, 6.13)? */
static inline int exception_has_error_code(int vector)
{
    return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

#endif
