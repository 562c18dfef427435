/*
 * Colours of the debug window, as data (0xRRGGBB). The headless tests find
 * the timeline's bands and markers by these exact values; `print-state`
 * reports them, so a test reads them from the window instead of copying.
 */
#ifndef RINGSCOPE_DEBUG_THEME_H
#define RINGSCOPE_DEBUG_THEME_H

#include <stdint.h>

#define COL_BG          0x101418u   /* window background */
#define COL_PANEL       0x181d24u   /* panel background */
#define COL_BORDER      0x38404cu
#define COL_TITLE       0x8fb3d9u   /* panel titles */
#define COL_TEXT        0xd0d4dau
#define COL_DIM         0x7c8594u   /* secondary text */
#define COL_CHANGED     0xff6e6eu   /* a register that changed since the last stop */
#define COL_HIGHLIGHT   0x2c3e58u   /* the current line (disassembly), selection rows */
#define COL_CURSOR      0xffffffu   /* the selected event on the timeline and stack view */
#define COL_NOW         0x5ad17au   /* the machine's current cycle */
#define COL_BREAK       0xff3b3bu   /* breakpoints */
#define COL_AXIS        0x5a6270u
#define COL_GRID        0x232a33u

/* Timeline bands: ring 3 bands are tinted blue, ring 0 bands red, boot grey.
 * Spans are drawn inset by a pixel, so the tint stays visible at the edges. */
#define COL_BAND_R3     0x1c2a44u
#define COL_BAND_R0     0x3a1f24u
#define COL_BAND_BOOT   0x2a2a2au

/* Stack view: the line joining two stacks (a switch of stacks). */
#define COL_STACK_JUMP  0xffd24au

/* Help overlay */
#define COL_OVERLAY     0x0b0e12u

/* Task (CR3) colours: spans and stack lines of address space n use
 * task_colors[n % TASK_COLORS]. */
#define TASK_COLORS 10
extern const uint32_t task_colors[TASK_COLORS];

#endif
