/*
 * The window's bitmap font (font_data.c): 8x16 glyphs for printable ASCII.
 * Compiled in, so the window draws text without a font library or files.
 */
#ifndef RINGSCOPE_DEBUG_FONT_H
#define RINGSCOPE_DEBUG_FONT_H

#include <stdint.h>

#define FONT_W 8
#define FONT_H 16
#define FONT_FIRST 0x20
#define FONT_GLYPHS 95      /* 0x20 ' ' .. 0x7e '~' */

/* Row r of a glyph: bit 7 is the leftmost pixel. */
extern const uint8_t font_glyphs[FONT_GLYPHS][FONT_H];

#endif
