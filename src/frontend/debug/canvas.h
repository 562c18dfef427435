/*
 * The frame the window draws into: an ARGB8888 pixel buffer that is
 * uploaded to one SDL texture per frame and written out by `screenshot`.
 * Drawing clips to the current rectangle. Every string drawn is also kept
 * (panel, position, colour, text) for the `dump-text` script command, so
 * tests can check what a panel says and where.
 */
#ifndef RINGSCOPE_DEBUG_CANVAS_H
#define RINGSCOPE_DEBUG_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rect { int x, y, w, h; };

struct text_item {
    const char *panel;      /* static name of the panel being drawn */
    int x, y;
    uint32_t color;
    size_t text;            /* offset in canvas.pool */
};

struct canvas {
    uint32_t *px;
    int w, h;
    struct rect clip;
    const char *panel;      /* set by each panel before it draws */
    struct text_item *items;
    size_t nitems, capitems;
    char *pool;
    size_t npool, cappool;
};

/* (Re)size the frame; returns -1 when out of memory. */
int canvas_resize(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
/* Start a frame: forget the text drawn in the last one. */
void canvas_begin(struct canvas *c);

void canvas_clip(struct canvas *c, struct rect r);
void canvas_unclip(struct canvas *c);
void canvas_fill(struct canvas *c, int x, int y, int w, int h, uint32_t rgb);
void canvas_hline(struct canvas *c, int x0, int x1, int y, uint32_t rgb);
void canvas_vline(struct canvas *c, int x, int y0, int y1, uint32_t rgb);
void canvas_frame(struct canvas *c, struct rect r, uint32_t rgb);   /* a 1-pixel outline */
/* Text in the 8x16 font, one cell per byte (non-ASCII drawn as '?').
 * Returns the x after the last character. */
int canvas_text(struct canvas *c, int x, int y, uint32_t rgb, const char *s);
int canvas_textf(struct canvas *c, int x, int y, uint32_t rgb, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The text drawn in this frame, one line per string: panel, x, y, colour,
 * then the text. */
void canvas_dump_text(const struct canvas *c, FILE *f);

#endif
