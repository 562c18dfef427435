/*
 * The 8254 programmable interval timer (pit.c) at 1,193,182 Hz of virtual
 * time, and system control port B (61h) with the channel 2 gate and output.
 * pc.h declares the constructor, destructor and reset.
 */
#ifndef RINGSCOPE_PIT_H
#define RINGSCOPE_PIT_H

#include <stdbool.h>
#include <stdint.h>

struct pit;

/* The PIT's input clock: 105/88 MHz (the NTSC colour burst / 3). */
#define PIT_HZ 1193182ull

/* Channel `ch`'s OUT pin now (for tests and port 61h). */
bool pit_out(struct pit *p, unsigned ch);

#endif
