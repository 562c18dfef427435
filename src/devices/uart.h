/*
 * 16550A UART (COM1 0x3F8 IRQ 4, COM2 0x2F8 IRQ 3). The constructor,
 * destructor and uart_receive are declared in devices/pc.h; this header adds
 * what tests and the board may inspect. docs/platform-devices.md describes
 * what a guest sees.
 */
#ifndef RINGSCOPE_UART_H
#define RINGSCOPE_UART_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/pc.h"

/* The level of the interrupt output as the ISA line sees it (after the OUT2
 * gate when that is enabled). */
bool uart_irq_line(const struct uart *u);

/* Host bytes waiting to enter the receive FIFO. */
size_t uart_rx_queued(const struct uart *u);

/* Whether MCR.OUT2 gates the interrupt output onto the ISA line, as the
 * external buffer on a PC's serial card does. Off by default, as in QEMU:
 * xv6's uart.c (and kernels modelled on it) write MCR = 0 and still expect
 * IRQ 4 (docs/platform-devices.md). */
void uart_set_out2_gate(struct uart *u, bool gate);

/* Master reset (the 16550's MR pin): registers to their reset values, FIFOs
 * emptied. The host receive queue is kept: it is the far end of the line. */
void uart_reset(struct uart *u);

#endif
