/*
 * The timeline: one band per privilege level and mode, filled with spans
 * coloured by address space (CR3), and one lane of markers per kind of
 * transition. Each pixel column covers a range of cycles and shows
 * everything that happened in it: a span in every band the CPU visited, a
 * marker in every lane with at least one event. Columns are looked up by
 * binary search, so the cost of a frame does not grow with the run.
 */
#include <stdio.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"

#define LABELS_MAX 300          /* more names than this in view: too dense to read */

const uint32_t task_colors[TASK_COLORS] = {
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
    0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
};

static uint32_t band_tint(enum band b)
{
    if (b == BAND_REAL || b == BAND_R0_PROT || b == BAND_R3_PROT)
        return COL_BAND_BOOT;
    return band_is_user(b) ? COL_BAND_R3 : COL_BAND_R0;
}

/* "12.5M": a cycle count short enough for a label, exact to `unit`'s
 * precision (the axis passes its tick step, so neighbouring ticks differ). */
static void short_cycles(double c, double unit, char *buf, size_t len)
{
    if (unit >= 1e9)
        snprintf(buf, len, "%.0fG", c / 1e9);
    else if (unit >= 1e6 || (unit >= 1e5 && c >= 1e8))
        snprintf(buf, len, "%.*fM", unit >= 1e6 ? 0 : 1, c / 1e6);
    else if (unit >= 1e3)
        snprintf(buf, len, "%.0fk", c / 1e3);
    else
        snprintf(buf, len, "%.0f", c);
}

static void draw_axis(struct debug_window *w, int y)
{
    struct canvas *c = &w->cv;
    const struct layout *l = &w->lay;
    double raw = w->view.width / (l->plot_w / 110.0 > 1 ? l->plot_w / 110.0 : 1);
    /* The smallest 1, 2 or 5 times a power of ten at or above raw, so
     * labels stay about 110 pixels apart. */
    double step = 1;
    while (step * 10 <= raw)
        step *= 10;
    if (step < raw)
        step *= step * 2 >= raw ? 2 : step * 5 >= raw ? 5 : 10;
    canvas_hline(c, l->plot_x, l->plot_x + l->plot_w - 1, y, COL_AXIS);
    for (double t = (double)cycle_ceil(w->view.start / step) * step; t < w->view.start + w->view.width;
         t += step) {
        int x = (int)view_x_of(w, t);
        char buf[24];
        short_cycles(t, step, buf, sizeof(buf));
        canvas_vline(c, x, y, y + 3, COL_AXIS);
        canvas_text(c, x + 2, y + 1, COL_DIM, buf);
    }
}

/* Short names of the events in the names row: "#PF", "irq 32", "int 80". */
static void draw_names(struct debug_window *w, int y)
{
    struct recorder *r = &w->rec;
    const struct layout *l = &w->lay;
    static const enum lane named[] = { LANE_EXCEPTION, LANE_IRQ, LANE_INT };
    uint64_t c0 = view_column_cycle(w, 0), c1 = view_column_cycle(w, l->plot_w);
    size_t total = 0;
    for (unsigned k = 0; k < 3; k++)
        total += rec_lane_count(r, named[k], c0, c1);
    if (total > LABELS_MAX)
        return;
    int next_free = 0;
    for (size_t i = rec_first_event_at(r, c0); i < r->n && r->ev[i].ev.cycle < c1; i++) {
        const rs_event *e = &r->ev[i].ev;
        enum lane ln = lane_of(e->kind);
        if (ln != LANE_EXCEPTION && ln != LANE_IRQ && ln != LANE_INT)
            continue;
        char name[24];
        const char *exc = exception_name((unsigned)e->vector);
        if (e->kind == RS_EV_EXCEPTION && exc)
            snprintf(name, sizeof(name), "%s", exc);
        else if (e->kind == RS_EV_TRIPLE_FAULT)
            snprintf(name, sizeof(name), "triple");
        else if (e->kind == RS_EV_NMI)
            snprintf(name, sizeof(name), "NMI");
        else
            snprintf(name, sizeof(name), "%s %x", e->kind == RS_EV_IRQ ? "irq" : "int",
                     (unsigned)e->vector);
        int x = (int)view_x_of(w, (double)e->cycle);
        if (x < next_free)
            continue;
        next_free = canvas_text(&w->cv, x, y, lane_info[ln].color, name) + FONT_W;
    }
}

void draw_timeline(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    const struct layout *l = &w->lay;
    struct recorder *r = &w->rec;
    c->panel = "timeline";
    layout_bands(w);
    draw_panel_frame(c, l->timeline, "timeline");
    char a[24], b[24], wid[24];
    double unit = w->view.width / 100 > 1 ? w->view.width / 100 : 1;
    short_cycles(w->view.start, unit, a, sizeof(a));
    short_cycles(w->view.start + w->view.width, unit, b, sizeof(b));
    short_cycles(w->view.width, unit, wid, sizeof(wid));
    canvas_textf(c, l->timeline.x + 100, l->timeline.y + 1, COL_DIM,
                 "cycles %s .. %s (%s)%s%s   colour = address space (CR3)", a, b, wid,
                 w->view.all ? "  [all]" : "", w->view.follow ? "  [follow]" : "");
    uint64_t now = ctl_cycle(w);
    for (int b2 = 0; b2 < BAND_COUNT; b2++) {
        if (l->band_y[b2] < 0)
            continue;
        canvas_text(c, l->timeline.x + 4, l->band_y[b2] + (l->band_h - FONT_H) / 2,
                    band_is_user((enum band)b2) ? 0x9db8e8 : b2 == BAND_REAL ||
                    b2 == BAND_R0_PROT || b2 == BAND_R3_PROT ? COL_DIM : 0xe8a0a8,
                    band_names[b2]);
        canvas_fill(c, l->plot_x, l->band_y[b2], l->plot_w, l->band_h - 1,
                    band_tint((enum band)b2));
    }
    /* The legend: the kinds in their marker colours, in lane order. */
    int lx = l->plot_x;
    for (int ln = 0; ln < LANE_COUNT; ln++)
        lx = canvas_text(c, lx, l->legend_y, lane_info[ln].color, lane_info[ln].name) + FONT_W;
    for (int ln = 0; ln < LANE_COUNT; ln++) {
        bool brk = false;
        for (int k = 0; k < RS_EV_KIND_COUNT; k++)
            if ((w->ctl.break_kinds & (1u << k)) && lane_of((rs_event_kind)k) == (enum lane)ln)
                brk = true;
        /* A lane is too low for its name: a swatch of its colour (the legend
         * names them in order), red beside it when it has a breakpoint. */
        canvas_fill(c, l->plot_x, l->lane_y[ln] + l->lane_h / 2, l->plot_w, 1, COL_GRID);
        canvas_fill(c, l->plot_x - 14, l->lane_y[ln] + 1, 10, l->lane_h - 2, lane_info[ln].color);
        if (brk)
            canvas_fill(c, l->plot_x - 28, l->lane_y[ln] + 1, 10, l->lane_h - 2, COL_BREAK);
    }
    /* The selection and the present, under the markers. */
    int top = l->bands_top, bottom = l->lane_y[LANE_COUNT - 1] + l->lane_h - 1;
    if (w->view.selected >= 0 && (size_t)w->view.selected < r->n) {
        double x = view_x_of(w, (double)r->ev[w->view.selected].ev.cycle);
        if (x >= l->plot_x && x < l->plot_x + l->plot_w)
            canvas_vline(c, (int)x, top, bottom, COL_CURSOR);
    }
    for (int i = 0; i < l->plot_w; i++) {
        uint64_t c0 = view_column_cycle(w, i), c1 = view_column_cycle(w, i + 1);
        int x = l->plot_x + i;
        uint64_t s1 = c1 > c0 ? c1 : c0 + 1;
        for (int b2 = 0; b2 < BAND_COUNT; b2++) {
            if (l->band_y[b2] < 0)
                continue;
            const struct span *s = rec_span_in(r, (enum band)b2, c0, s1, now);
            if (s)
                canvas_fill(c, x, l->band_y[b2] + 1, 1, l->band_h - 3,
                            task_colors[s->task % TASK_COLORS]);
        }
        for (int ln = 0; ln < LANE_COUNT; ln++)
            if (rec_lane_count(r, (enum lane)ln, c0, c1))
                canvas_fill(c, x, l->lane_y[ln] + 1, 1, l->lane_h - 2, lane_info[ln].color);
    }
    double xn = view_x_of(w, (double)now);
    if (xn >= l->plot_x && xn < l->plot_x + l->plot_w)
        canvas_vline(c, (int)xn, top, l->bands_bottom - 1, COL_NOW);
    draw_names(w, l->lane_y[LANE_COUNT - 1] + l->lane_h + 1);
    draw_axis(w, l->axis_y);
}
