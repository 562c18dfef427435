/*
 * Where everything goes: the status bar, the timeline and the stack view
 * across the top (their time axes aligned), and the event, registers,
 * disassembly and console panels below. Also the status bar and the help
 * overlay, which belong to no panel.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"

#define STATUS_H 20
#define TITLE_H 17
#define LABEL_COLS 21               /* band names and stack labels left of the plots */
#define BANDS_AREA (5 * 16)         /* room for five bands of 16 pixels */
#define LANE_H 7
#define EVENT_COLS 46
#define REGS_COLS 48

void layout_compute(struct layout *l, int width, int height)
{
    memset(l, 0, sizeof(*l));
    l->status = (struct rect){ 0, 0, width, STATUS_H };
    int tl_h = TITLE_H + FONT_H + BANDS_AREA + 4 + LANE_COUNT * LANE_H + FONT_H + FONT_H + 4;
    l->timeline = (struct rect){ 0, STATUS_H, width, tl_h };
    int bottom_h = height / 2;
    if (bottom_h < 26 * FONT_H + TITLE_H)
        bottom_h = 26 * FONT_H + TITLE_H;       /* the registers need 24 rows */
    int stack_y = STATUS_H + tl_h;
    int stack_h = height - stack_y - bottom_h;
    if (stack_h < 80) {
        stack_h = 80;
        bottom_h = height - stack_y - stack_h;
    }
    l->stack = (struct rect){ 0, stack_y, width, stack_h };
    int by = stack_y + stack_h;
    int ew = EVENT_COLS * FONT_W + 8, rw = REGS_COLS * FONT_W + 8;
    l->event = (struct rect){ 0, by, ew, bottom_h };
    l->regs = (struct rect){ ew, by, rw, bottom_h };
    int rx = ew + rw, rwid = width - rx;
    int dis_h = bottom_h * 2 / 5;
    l->disasm = (struct rect){ rx, by, rwid, dis_h };
    l->console = (struct rect){ rx, by + dis_h, rwid, bottom_h - dis_h };

    l->label_w = LABEL_COLS * FONT_W;
    l->plot_x = l->label_w + 8;
    l->plot_w = width - l->plot_x - 8;
    if (l->plot_w < 16)
        l->plot_w = 16;
    l->legend_y = l->timeline.y + TITLE_H;
    l->bands_top = l->legend_y + FONT_H;
    l->bands_bottom = l->bands_top + BANDS_AREA;
    int ly = l->bands_bottom + 4;
    l->lane_h = LANE_H;
    for (int i = 0; i < LANE_COUNT; i++)
        l->lane_y[i] = ly + i * LANE_H;
    l->axis_y = ly + LANE_COUNT * LANE_H + FONT_H + 1;
    l->stack_plot_y = l->stack.y + TITLE_H + 2;
    l->stack_plot_h = l->stack.h - TITLE_H - 6;
    for (int i = 0; i < BAND_COUNT; i++)
        l->band_y[i] = -1;
    l->band_h = 16;
}

/* Only the bands the run has visited get a row, in band order (user on
 * top); they share the band area. */
void layout_bands(struct debug_window *w)
{
    struct layout *l = &w->lay;
    int n = 0;
    for (int b = 0; b < BAND_COUNT; b++)
        n += w->rec.nspan[b] > 0;
    l->band_h = n ? BANDS_AREA / n : 16;
    if (l->band_h > 16)
        l->band_h = 16;
    int y = l->bands_top;
    for (int b = 0; b < BAND_COUNT; b++) {
        l->band_y[b] = -1;
        if (w->rec.nspan[b]) {
            l->band_y[b] = y;
            y += l->band_h;
        }
    }
}

void draw_panel_frame(struct canvas *c, struct rect r, const char *title)
{
    canvas_fill(c, r.x, r.y, r.w, r.h, COL_PANEL);
    canvas_frame(c, r, COL_BORDER);
    canvas_text(c, r.x + 4, r.y + 1, COL_TITLE, title);
}

static void thousands(uint64_t v, char *buf, size_t len)
{
    char raw[32];
    snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
    size_t n = strlen(raw), o = 0;
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = 0;
}

void draw_status(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    const struct rect *r = &w->lay.status;
    c->panel = "status";
    canvas_fill(c, r->x, r->y, r->w, r->h, COL_BG);
    static const char *const mode_words[] = { "PAUSED", "RUNNING", "ENDED" };
    static const uint32_t mode_cols[] = { 0xffd24a, COL_NOW, COL_CHANGED };
    uint64_t insns, cycles, hz = 0;
    run_totals(w->st, &insns, &cycles);
    rs_get_clock(w->st->m, &hz, NULL);
    rs_mode mode = RS_MODE_REAL;
    rs_get_mode(w->st->m, &mode);
    char cyc[32], ins[32];
    thousands(cycles, cyc, sizeof(cyc));
    thousands(insns, ins, sizeof(ins));
    int x = canvas_text(c, 4, r->y + 2, mode_cols[w->ctl.mode], mode_words[w->ctl.mode]);
    unsigned cpl = w->regs.valid && mode != RS_MODE_REAL ? (w->regs.seg[RS_SS].attr >> 5) & 3 : 0;
    x = canvas_textf(c, x + FONT_W, r->y + 2, COL_TEXT,
                     "cycle %s (%.4f s)  %s insns  %s CPL %u  %.0f MIPS  %zu events", cyc,
                     hz ? (double)cycles / (double)hz : 0.0, ins, rs_mode_name(mode), cpl,
                     w->ctl.mode == MODE_RUNNING ? w->ctl.mips : 0.0, w->rec.n);
    if (w->rec.lost)
        x = canvas_textf(c, x + FONT_W, r->y + 2, COL_CHANGED, "(%llu not kept)",
                         (unsigned long long)w->rec.lost);
    x = canvas_textf(c, x + 2 * FONT_W, r->y + 2, COL_DIM, "%s", w->ctl.why);
    if (w->prompt != PROMPT_NONE) {
        static const char *const ask[] = { "", "run to cycle: ", "break at (address or symbol): ",
                                           "break on kind (e.g. syscall, exception): " };
        canvas_fill(c, 0, r->y, r->w, r->h, COL_HIGHLIGHT);
        canvas_textf(c, 4, r->y + 2, 0xffffff, "%s%s_", ask[w->prompt], w->prompt_buf);
        return;
    }
    canvas_text(c, r->w - 14 * FONT_W, r->y + 2, COL_DIM, "F1 / ? : help");
}

void draw_help(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    c->panel = "help";
    int bw = 80 * FONT_W, bh = (int)(key_help_count + 6) * FONT_H;
    int bx = (c->w - bw) / 2, by = (c->h - bh) / 2;
    canvas_fill(c, bx, by, bw, bh, COL_OVERLAY);
    canvas_frame(c, (struct rect){ bx, by, bw, bh }, COL_TITLE);
    canvas_text(c, bx + 16, by + 8, COL_TITLE, "ringscope debug window: keyboard and mouse");
    int y = by + 8 + 2 * FONT_H;
    for (unsigned i = 0; i < key_help_count; i++, y += FONT_H) {
        canvas_text(c, bx + 16, y, 0xffd24a, key_help[i].keys);
        canvas_text(c, bx + 16 + 20 * FONT_W, y, COL_TEXT, key_help[i].what);
    }
    canvas_text(c, bx + 16, y + FONT_H, COL_DIM,
                "Mouse: wheel zooms the time axis, drag scrolls it, click selects an event.");
}
