/*
 * The 8259A programmable interrupt controller pair (pic.c) and the wiring
 * between the interrupt controllers and the CPU (irq.c). docs/platform-
 * interrupts.md describes what a guest sees.
 *
 * pc.h declares the constructor, destructor and reset; this header adds
 * what the other interrupt controllers and the wiring need.
 */
#ifndef RINGSCOPE_PIC_H
#define RINGSCOPE_PIC_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct pic;

/* An ISA line (0-15) changed level: edge-triggered inputs latch a request
 * on the rising edge and drop it if the line falls before INTA (8259A
 * datasheet, "Edge and Level Triggered Modes"); level-triggered inputs
 * (ELCR) request while the line is high. */
void pic_set_irq(struct pic *p, unsigned irq, bool level);

/* A pulse on an edge-triggered line: the request stays latched until INTA
 * (a device that holds its line until acknowledged). No effect on a
 * level-triggered line. */
void pic_pulse_irq(struct pic *p, unsigned irq);

/* A line's level as a device comes out of reset: no edge is seen, so a
 * line that is already high requests nothing (datasheet: after ICW1 "an
 * IR input must make a low-to-high transition to generate an interrupt"). */
void pic_init_line(struct pic *p, unsigned irq, bool level);

/* The master's INT output. */
bool pic_intr(const struct pic *p);

/* The INTA cycle: the vector of the highest-priority request, with the
 * ISR bits set (unless auto-EOI); base + 7 of the chip whose request
 * vanished (spurious IRQ 7 / 15). */
int pic_ack(struct pic *p);

/* ---- irq.c: the wiring --------------------------------------------------- */

/* Recompute the CPU's INTR line from the controllers (the local APIC when
 * it is globally enabled, else the PIC) and install the INTA callback.
 * Every controller calls it after a change. */
void irq_update(struct machine *m);

/* A device's line level after its reset, without an edge (the PIT's OUT
 * at power-on). */
void irq_init_line(struct machine *m, unsigned irq, bool level);

/* Raise an NMI at the CPU (LINT1 in NMI mode, an I/O APIC NMI entry, an
 * NMI IPI to self). */
void irq_nmi(struct machine *m);

#endif
