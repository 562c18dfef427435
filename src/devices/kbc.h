/*
 * The 8042 keyboard controller (ports 0x60/0x64) and the PS/2 system
 * control port A (0x92): what kernels and firmware touch. No keystrokes are
 * ever produced; a keyboard answers commands, no mouse is attached.
 * Constructor and destructor in devices/pc.h.
 */
#ifndef RINGSCOPE_KBC_H
#define RINGSCOPE_KBC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pc.h"

/* The A20 gate state the guest last programmed through the 8042 output
 * port (bit 1) and port 0x92 (bit 1). Stored only: ringscope never masks
 * address line 20. */
bool kbc_a20_requested(const struct kbc *k);

/* The level of IRQ 1 (keyboard output buffer full, interrupt enabled). */
bool kbc_irq1_line(const struct kbc *k);

#endif
