/*
 * The local APIC of the one CPU, in xAPIC mode (lapic.c; SDM Vol. 3A,
 * chapter 11). pc.h declares the constructor, destructor and reset; this
 * header adds what the I/O APIC and the wiring (irq.c) need.
 */
#ifndef RINGSCOPE_LAPIC_H
#define RINGSCOPE_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct lapic;

/* The core crystal clock that drives the APIC timer (CPUID leaf 15h ECX):
 * 25 MHz, as on the Skylake-SP part the CPU model names. */
#define LAPIC_TIMER_HZ 25000000ull

/* Delivery modes (ICR, LVT, I/O APIC redirection entries). */
enum { APIC_DM_FIXED = 0, APIC_DM_LOWEST = 1, APIC_DM_SMI = 2, APIC_DM_NMI = 4,
       APIC_DM_INIT = 5, APIC_DM_SIPI = 6, APIC_DM_EXTINT = 7 };

/* IA32_APIC_BASE[11]: the APIC is globally enabled (else the PIC drives
 * INTR directly and the MMIO page is gone). */
bool lapic_enabled(const struct lapic *l);

/* A fixed interrupt in IRR with a priority class above PPR. */
bool lapic_pending(const struct lapic *l);

/* Anything in IRR, deliverable or held back by PPR. */
bool lapic_has_request(const struct lapic *l);

/* LINT0 is unmasked in ExtINT mode: the PIC's INTR passes through. */
bool lapic_lint0_extint(const struct lapic *l);

/* The INTA cycle for an APIC interrupt: the highest IRR vector above PPR
 * moves to ISR and is returned; -1 if there is none. */
int lapic_ack(struct lapic *l);

/* The spurious-interrupt vector (SVR[7:0]). */
uint8_t lapic_spurious_vector(const struct lapic *l);

/* Does an interrupt message for `dest` (physical APIC ID or logical MDA)
 * reach this APIC? */
bool lapic_match(const struct lapic *l, bool logical, uint8_t dest);

/* An interrupt message from the I/O APIC (fixed or lowest priority):
 * accepted into IRR (TMR set for level) unless the APIC is disabled.
 * Returns whether it was accepted. */
bool lapic_accept_message(struct lapic *l, uint8_t vector, bool level);

/* Keep the TPR-lowering watch armed while an interrupt waits only on the
 * task priority (irq.c calls it after each recomputation). */
void lapic_watch_tpr(struct lapic *l);

#endif
