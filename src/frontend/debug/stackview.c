/*
 * The stack view: RSP over the same time axis as the timeline. Each stack
 * the run used (recorder.h: a cluster of RSP values, kernel stacks told
 * apart per address space) gets a row, labelled user or kernel with its
 * symbol; within a row, higher addresses are higher. The line takes the
 * colour of the address space; where it jumps from one stack to another
 * (entry to the kernel, the return, a context switch) it is drawn in
 * COL_STACK_JUMP, and when few enough events are in view each jump is
 * labelled with where the new RSP came from.
 */
#include <stdio.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"

#define SCAN_MAX 400000         /* samples looked at per frame at most (zoomed far out) */
#define NOTES_MAX 40            /* stack-source notes when at most this many switches show */

struct rows {
    int y[MAX_STACKS], h;       /* y -1: not in view */
};

/* Highest stacks first (kernel stacks on top); at most MAX_STACKS, so an
 * insertion sort. */
static void sort_by_address(const struct recorder *r, unsigned *order, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        unsigned v = order[i], j = i;
        for (; j > 0 && r->stacks[order[j - 1]].hi < r->stacks[v].hi; j--)
            order[j] = order[j - 1];
        order[j] = v;
    }
}

static int y_of(const struct recorder *r, const struct rows *rows, const struct sample *s)
{
    const struct stack_region *st = &r->stacks[s->stack];
    int top = rows->y[s->stack];
    uint64_t span = st->hi - st->lo;
    if (!span)
        return top + rows->h / 2;
    return top + 1 + (int)((double)(st->hi - s->rsp) * (rows->h - 3) / (double)span);
}

static const char *short_source(const rs_event *e, char *buf, size_t len)
{
    switch (e->stack_source) {
    case RS_STACK_TSS_RSP: snprintf(buf, len, "RSP%u", e->stack_index); break;
    case RS_STACK_TSS_IST: snprintf(buf, len, "IST%u", e->stack_index); break;
    case RS_STACK_SYSENTER: snprintf(buf, len, "SYSENTER_ESP"); break;
    case RS_STACK_SYSEXIT: snprintf(buf, len, "RCX"); break;
    case RS_STACK_FRAME: snprintf(buf, len, "frame"); break;
    case RS_STACK_KEPT: snprintf(buf, len, "kept"); break;
    default: return NULL;
    }
    return buf;
}

void draw_stackview(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    const struct layout *l = &w->lay;
    const struct recorder *r = &w->rec;
    c->panel = "stack";
    draw_panel_frame(c, l->stack, "stack: RSP over time");
    canvas_text(c, l->plot_x, l->stack.y + 1, COL_DIM,
                "rows: the stacks in view (K kernel, U user); yellow: a jump to another stack,"
                " labelled with where the new RSP came from");
    double v0 = w->view.start, v1 = w->view.start + w->view.width;
    size_t i0 = rec_first_sample_at(r, v0 <= 0 ? 0 : (uint64_t)v0);
    if (i0)
        i0--;                       /* the line enters the view from the last sample before it */
    size_t i1 = rec_first_sample_at(r, cycle_ceil(v1));
    size_t stride = (i1 - i0) / SCAN_MAX + 1;
    bool used[MAX_STACKS] = { false };
    for (size_t i = i0; i < i1; i += stride)
        used[r->s[i].stack] = true;
    if (i1 > i0)
        used[r->s[i1 - 1].stack] = true;
    unsigned order[MAX_STACKS], n = 0;
    for (unsigned i = 0; i < r->nstacks; i++)
        if (used[i])
            order[n++] = i;
    if (!n) {
        canvas_text(c, l->plot_x, l->stack_plot_y, COL_DIM, "(no stack samples in view)");
        return;
    }
    sort_by_address(r, order, n);
    struct rows rows;
    for (unsigned i = 0; i < MAX_STACKS; i++)
        rows.y[i] = -1;
    rows.h = l->stack_plot_h / (int)n;
    if (rows.h > 48)
        rows.h = 48;
    if (rows.h < 4)
        rows.h = 4;
    for (unsigned k = 0; k < n; k++) {
        const struct stack_region *st = &r->stacks[order[k]];
        int y = l->stack_plot_y + (int)k * rows.h;
        if (y + rows.h > l->stack_plot_y + l->stack_plot_h)
            break;                  /* no room: the lowest addresses are left out */
        rows.y[order[k]] = y;
        canvas_fill(c, l->plot_x, y, l->plot_w, rows.h - 1, st->kernel ? 0x221a1e : 0x1a1f2a);
        if (rows.h >= 10) {
            char label[64];
            snprintf(label, sizeof(label), "%c %s", st->kernel ? 'K' : 'U',
                     st->label + (st->label[0] == 'k' ? 7 : st->label[0] == 'u' ? 5 : 0));
            label[21] = 0;
            canvas_text(c, l->stack.x + 4, y + (rows.h - FONT_H) / 2,
                        st->kernel ? task_colors[st->task % TASK_COLORS] : 0x9db8e8, label);
        }
    }
    struct rect plot = { l->plot_x, l->stack_plot_y, l->plot_w, l->stack_plot_h };
    canvas_clip(c, plot);
    if (w->view.selected >= 0 && (size_t)w->view.selected < r->n) {
        double x = view_x_of(w, (double)r->ev[w->view.selected].ev.cycle);
        canvas_vline(c, (int)x, plot.y, plot.y + plot.h - 1, COL_CURSOR);
    }
    int px = 0, py = 0, pstack = -1;
    uint32_t pcol = 0;
    for (size_t i = i0; i < i1; i++) {
        const struct sample *s = &r->s[i];
        if (rows.y[s->stack] < 0) {
            pstack = -1;
            continue;
        }
        int x = (int)view_x_of(w, (double)s->cycle), y = y_of(r, &rows, s);
        if (x < plot.x)
            x = plot.x;
        uint32_t col = task_colors[s->task % TASK_COLORS];
        if (pstack >= 0) {
            canvas_hline(c, px, x, py, pcol);
            canvas_vline(c, x, py, y, pstack == s->stack ? col : COL_STACK_JUMP);
        }
        px = x;
        py = y;
        pstack = s->stack;
        pcol = col;
    }
    if (pstack >= 0)
        canvas_hline(c, px, (int)view_x_of(w, (double)ctl_cycle(w)), py, pcol);
    canvas_unclip(c);
    /* Where each new stack came from, when the switches in view are few. */
    size_t e0 = rec_first_event_at(r, v0 <= 0 ? 0 : (uint64_t)v0);
    size_t e1 = rec_first_event_at(r, cycle_ceil(v1));
    size_t switches = 0;
    for (size_t i = e0; i < e1 && switches <= NOTES_MAX; i++)
        switches += r->ev[i].ev.stack_source != RS_STACK_UNCHANGED;
    if (switches > NOTES_MAX)
        return;
    int next_free = 0;
    canvas_clip(c, plot);
    for (size_t i = e0; i < e1; i++) {
        const rs_event *e = &r->ev[i].ev;
        char buf[24];
        if (!short_source(e, buf, sizeof(buf)))
            continue;
        int x = (int)view_x_of(w, (double)e->cycle) + 2;
        if (x < next_free)
            continue;
        next_free = canvas_text(c, x, plot.y + plot.h - FONT_H, COL_STACK_JUMP, buf) + FONT_W;
    }
    canvas_unclip(c);
}
