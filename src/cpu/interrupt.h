/*
 * Interrupt and exception delivery (SDM Vol. 3A, chapter 6; Vol. 2, INT n/
 * INTO/INT3/INT1 Operation) and the hooks other instruction families call.
 * docs/interrupts.md describes the rules and every choice made.
 */
#ifndef RINGSCOPE_INTERRUPT_H
#define RINGSCOPE_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Where an event comes from: decides the gate-DPL check (software only),
 * the EXT bit of error codes raised during delivery (all but software),
 * whether an error code is pushed (exceptions only) and the event kind. */
enum intr_source {
    INTR_EXCEPTION,     /* a fault, trap or abort the CPU raised */
    INTR_SOFTWARE,      /* INT n, INT3, INTO: gate DPL >= CPL required, EXT = 0 */
    INTR_ICEBP,         /* INT1 (F1): no DPL check, EXT = 1 */
    INTR_EXTERNAL,      /* rs_interrupt */
    INTR_NMI,           /* rs_nmi */
};

/* Deliver `vector` through the IVT (real mode) or the IDT. The return
 * address is cpu->rip; a fault during delivery unwinds through cpu_raise()
 * (restoring RIP to cpu->insn_rip), combined per the double-fault table.
 * `has_error`/`error_code` are used for INTR_EXCEPTION outside real mode. */
void interrupt_deliver(struct cpu *cpu, unsigned vector, enum intr_source src,
                       bool has_error, uint32_t error_code);

/* Interrupt shadow after MOV SS / POP SS: maskable interrupts, NMI and
 * single-step traps are inhibited at the boundary after the instruction
 * that calls this (SDM Vol. 3A, 6.8.3). The segment-load code calls it. */
void interrupt_set_shadow(struct cpu *cpu);

/* Is vector a fault (the pushed RFLAGS gets RF = 1)? */
bool exception_is_fault(unsigned vector);

#endif
