/*
 * The I/O APIC (ioapic.c; Intel 82093AA datasheet, with the ICH/PCH
 * version 20h additions). pc.h declares the constructor, destructor and
 * reset; this header adds what the wiring (irq.c) and the local APIC need.
 */
#ifndef RINGSCOPE_IOAPIC_H
#define RINGSCOPE_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct ioapic;

#define IOAPIC_PINS 24

/* Pin `pin`'s input level changed (an ISA line, before polarity). */
void ioapic_set_pin(struct ioapic *io, unsigned pin, bool level);

/* A local APIC's EOI for a level-triggered `vector` (the EOI broadcast):
 * remote IRR clears in every entry with that vector, and a still-asserted
 * line is delivered again. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/* Entry 0 (the 8259's INTR) is unmasked in ExtINT mode for this CPU: the
 * PIC's requests reach the CPU through the I/O APIC. */
bool ioapic_extint(const struct ioapic *io);

#endif
