/*
 * VGA in 80x25 colour text mode: the text buffer is RAM at 0xB8000 (pc.c
 * maps it); this device holds the registers (CRTC, misc output, input
 * status, attribute controller, sequencer, graphics controller, DAC) and
 * renders the screen as text. Constructor, destructor and vga_text_dump in
 * devices/pc.h.
 */
#ifndef RINGSCOPE_VGA_H
#define RINGSCOPE_VGA_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pc.h"

#define VGA_COLS 80
#define VGA_ROWS 25

/* The text cursor as the CRTC registers place it. */
struct vga_cursor {
    unsigned location;          /* CR0E:CR0F, characters from the start of video memory */
    unsigned row, col;          /* relative to the displayed screen; row >= 25: off screen */
    unsigned start, end;        /* scan lines, CR0A[4:0] and CR0B[4:0] */
    bool visible;               /* CR0A bit 5 (cursor disable) clear */
};

void vga_get_cursor(const struct vga *v, struct vga_cursor *out);

/* The displayed character and attribute at (row, col), as stored in RAM
 * (0 if the buffer is not mapped). */
uint16_t vga_cell(const struct vga *v, unsigned row, unsigned col);

#endif
