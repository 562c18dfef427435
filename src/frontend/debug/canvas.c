/*
 * Drawing into the frame buffer: rectangles, lines and bitmap text, all
 * clipped to one rectangle. Software drawing keeps the window identical
 * under every SDL video driver (the offscreen one in tests included) and
 * makes a screenshot exactly what was drawn.
 */
#include "frontend/debug/canvas.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/debug/font.h"

int canvas_resize(struct canvas *c, int w, int h)
{
    if (w < 1 || h < 1)
        return -1;
    uint32_t *px = realloc(c->px, (size_t)w * (size_t)h * sizeof(*px));
    if (!px)
        return -1;
    c->px = px;
    c->w = w;
    c->h = h;
    canvas_unclip(c);
    return 0;
}

void canvas_free(struct canvas *c)
{
    free(c->px);
    free(c->items);
    free(c->pool);
    memset(c, 0, sizeof(*c));
}

void canvas_begin(struct canvas *c)
{
    c->nitems = 0;
    c->npool = 0;
    c->panel = "window";
    canvas_unclip(c);
}

void canvas_clip(struct canvas *c, struct rect r)
{
    int x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
    int x1 = r.x + r.w > c->w ? c->w : r.x + r.w;
    int y1 = r.y + r.h > c->h ? c->h : r.y + r.h;
    c->clip = (struct rect){ x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0 };
}

void canvas_unclip(struct canvas *c)
{
    c->clip = (struct rect){ 0, 0, c->w, c->h };
}

void canvas_fill(struct canvas *c, int x, int y, int w, int h, uint32_t rgb)
{
    int x0 = x, y0 = y, x1 = x + w, y1 = y + h;
    const struct rect *k = &c->clip;
    if (x0 < k->x)
        x0 = k->x;
    if (y0 < k->y)
        y0 = k->y;
    if (x1 > k->x + k->w)
        x1 = k->x + k->w;
    if (y1 > k->y + k->h)
        y1 = k->y + k->h;
    uint32_t v = 0xff000000u | rgb;
    for (int yy = y0; yy < y1; yy++) {
        uint32_t *row = c->px + (size_t)yy * (size_t)c->w;
        for (int xx = x0; xx < x1; xx++)
            row[xx] = v;
    }
}

void canvas_hline(struct canvas *c, int x0, int x1, int y, uint32_t rgb)
{
    if (x1 < x0) {
        int t = x0;
        x0 = x1;
        x1 = t;
    }
    canvas_fill(c, x0, y, x1 - x0 + 1, 1, rgb);
}

void canvas_vline(struct canvas *c, int x, int y0, int y1, uint32_t rgb)
{
    if (y1 < y0) {
        int t = y0;
        y0 = y1;
        y1 = t;
    }
    canvas_fill(c, x, y0, 1, y1 - y0 + 1, rgb);
}

void canvas_frame(struct canvas *c, struct rect r, uint32_t rgb)
{
    canvas_hline(c, r.x, r.x + r.w - 1, r.y, rgb);
    canvas_hline(c, r.x, r.x + r.w - 1, r.y + r.h - 1, rgb);
    canvas_vline(c, r.x, r.y, r.y + r.h - 1, rgb);
    canvas_vline(c, r.x + r.w - 1, r.y, r.y + r.h - 1, rgb);
}

/* Keep the string for dump-text; drawing goes on if this runs out of memory. */
static void remember(struct canvas *c, int x, int y, uint32_t rgb, const char *s)
{
    size_t len = strlen(s) + 1;
    if (c->nitems == c->capitems) {
        size_t cap = c->capitems ? 2 * c->capitems : 256;
        struct text_item *it = realloc(c->items, cap * sizeof(*it));
        if (!it)
            return;
        c->items = it;
        c->capitems = cap;
    }
    if (c->npool + len > c->cappool) {
        size_t cap = c->cappool ? 2 * c->cappool : 16384;
        while (cap < c->npool + len)
            cap *= 2;
        char *p = realloc(c->pool, cap);
        if (!p)
            return;
        c->pool = p;
        c->cappool = cap;
    }
    memcpy(c->pool + c->npool, s, len);
    c->items[c->nitems++] = (struct text_item){ c->panel, x, y, rgb, c->npool };
    c->npool += len;
}

int canvas_text(struct canvas *c, int x, int y, uint32_t rgb, const char *s)
{
    const struct rect *k = &c->clip;
    uint32_t v = 0xff000000u | rgb;
    if (s[0] && y + FONT_H > k->y && y < k->y + k->h && x < k->x + k->w)
        remember(c, x, y, rgb, s);
    for (; *s; s++, x += FONT_W) {
        if (x >= k->x + k->w)
            break;
        if (x + FONT_W <= k->x)
            continue;
        unsigned ch = (unsigned char)*s;
        if (ch < FONT_FIRST || ch >= FONT_FIRST + FONT_GLYPHS)
            ch = '?';
        const uint8_t *g = font_glyphs[ch - FONT_FIRST];
        for (int r = 0; r < FONT_H; r++) {
            int yy = y + r;
            if (yy < k->y || yy >= k->y + k->h || !g[r])
                continue;
            uint32_t *row = c->px + (size_t)yy * (size_t)c->w;
            for (int b = 0; b < FONT_W; b++) {
                int xx = x + b;
                if ((g[r] & (0x80 >> b)) && xx >= k->x && xx < k->x + k->w)
                    row[xx] = v;
            }
        }
    }
    /* Past the end of the string, even where it was clipped. */
    while (*s++)
        x += FONT_W;
    return x;
}

int canvas_textf(struct canvas *c, int x, int y, uint32_t rgb, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return canvas_text(c, x, y, rgb, buf);
}

void canvas_dump_text(const struct canvas *c, FILE *f)
{
    for (size_t i = 0; i < c->nitems; i++) {
        const struct text_item *t = &c->items[i];
        fprintf(f, "%s\t%d\t%d\t%06x\t%s\n", t->panel, t->x, t->y, (unsigned)t->color,
                c->pool + t->text);
    }
}
