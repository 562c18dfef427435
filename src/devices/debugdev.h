/*
 * The debug devices QEMU offers, at QEMU's ports: the debug console (0xE9),
 * isa-debug-exit (0xF4-0xF7), the POST code port (0x80), and the reset
 * control register (0xCF9). Constructor and destructor in devices/pc.h.
 */
#ifndef RINGSCOPE_DEBUGDEV_H
#define RINGSCOPE_DEBUGDEV_H

#include <stdint.h>

#include "devices/pc.h"

/* The last value written to port 0x80 (0 before any write). */
uint8_t debugdev_post_code(const struct debugdev *d);

#endif
