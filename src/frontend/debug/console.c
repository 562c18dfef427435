/*
 * The console panel: what the guest wrote to COM1, COM2 and the debug
 * console (a copy through the run's console tap, so --serial still goes
 * where it was told), or, toggled with `v`, the VGA text screen.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"

static char *current(struct console *c)
{
    return c->lines[(c->first + c->count - 1) % CON_LINES];
}

static void new_line(struct console *c)
{
    if (c->count < CON_LINES)
        c->count++;
    else
        c->first = (c->first + 1) % CON_LINES;
    current(c)[0] = 0;
    c->col = 0;
}

void console_tap(void *ctx, unsigned port, const uint8_t *data, size_t len)
{
    struct debug_window *w = ctx;
    struct console *c = &w->con;
    if (port < 3)
        c->bytes[port] += len;
    if (!c->count)
        new_line(c);
    for (size_t i = 0; i < len; i++) {
        uint8_t b = data[i];
        if (c->esc) {
            /* ESC [ parameters final-byte: skipped, the panel has no cursor. */
            if (c->esc == 1)
                c->esc = b == '[' ? 2 : 0;
            else if (b >= 0x40 && b <= 0x7e)
                c->esc = 0;
            continue;
        }
        if (b == 0x1b) {
            c->esc = 1;
        } else if (b == '\n') {
            new_line(c);
        } else if (b == '\r') {
            continue;
        } else if (b == '\b') {
            if (c->col)
                current(c)[--c->col] = 0;
        } else if (c->col < CON_COLS) {
            char *l = current(c);
            l[c->col++] = b >= 0x20 && b < 0x7f ? (char)b : b == '\t' ? ' ' : '.';
            l[c->col] = 0;
        }
    }
    w->dirty = true;
}

void draw_console(struct debug_window *w)
{
    struct canvas *cv = &w->cv;
    const struct rect *r = &w->lay.console;
    struct console *c = &w->con;
    cv->panel = "console";
    draw_panel_frame(cv, *r, c->show_vga ? "VGA text screen" : "serial console");
    canvas_text(cv, r->x + 180, r->y + 1, COL_DIM, c->show_vga ? "(v: serial console)" :
                "(v: VGA screen)");
    canvas_clip(cv, (struct rect){ r->x + 1, r->y + 1, r->w - 2, r->h - 2 });
    int rows = (r->h - 20) / FONT_H;
    int y = r->y + 18;
    if (c->show_vga) {
        char screen[25 * 81 + 1];
        if (rs_vga_text(w->st->m, screen, sizeof(screen)) != RS_OK) {
            canvas_text(cv, r->x + 6, y, COL_DIM, "(this machine has no VGA text screen)");
            canvas_unclip(cv);
            return;
        }
        /* 25 rows may not fit: leave out blank rows at the top first. */
        char *line[25];
        int n = 0, first = 0;
        for (char *p = screen; n < 25 && *p; n++) {
            line[n] = p;
            char *nl = strchr(p, '\n');
            if (!nl)
                break;
            *nl = 0;
            p = nl + 1;
        }
        while (n - first > rows && strspn(line[first], " ") == strlen(line[first]))
            first++;
        for (int i = first; i < n && i - first < rows; i++, y += FONT_H)
            canvas_text(cv, r->x + 6, y, 0xc0c0c0, line[i]);
    } else {
        unsigned show = c->count < (unsigned)rows ? c->count : (unsigned)rows;
        for (unsigned i = c->count - show; i < c->count; i++, y += FONT_H)
            canvas_text(cv, r->x + 6, y, COL_TEXT, c->lines[(c->first + i) % CON_LINES]);
    }
    canvas_unclip(cv);
}
