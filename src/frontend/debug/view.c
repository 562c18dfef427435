/*
 * The visible range of virtual time, shared by the timeline and the stack
 * view (their time axes line up), and the selected event. By default the
 * whole run stays in view; zooming or scrolling fixes the range, `follow`
 * keeps its width and slides it with the machine.
 */

#include "frontend/debug/window.h"

#define MIN_WIDTH 64.0          /* cycles across the plot at the deepest zoom */

/* The first whole cycle at or after c (0 for negative c). The front end
 * does not link libm, and cycles are never negative. */
uint64_t cycle_ceil(double c)
{
    if (c <= 0)
        return 0;
    uint64_t u = (uint64_t)c;
    return (double)u < c ? u + 1 : u;
}

void view_init(struct view *v)
{
    v->start = 0;
    v->width = 1e6;
    v->follow = false;
    v->all = true;
    v->selected = -1;
}

void view_update(struct debug_window *w)
{
    struct view *v = &w->view;
    double now = (double)ctl_cycle(w);
    if (v->all) {
        v->start = 0;
        v->width = now > MIN_WIDTH ? now * 1.002 + 1 : MIN_WIDTH;
    } else if (v->follow) {
        v->start = now - v->width * 0.98;
        if (v->start < 0)
            v->start = 0;
    }
}

double view_x_of(const struct debug_window *w, double cycle)
{
    const struct view *v = &w->view;
    return w->lay.plot_x + (cycle - v->start) / v->width * w->lay.plot_w;
}

double view_cycle_at(const struct debug_window *w, int x)
{
    const struct view *v = &w->view;
    return v->start + (double)(x - w->lay.plot_x) * v->width / w->lay.plot_w;
}

void view_zoom(struct debug_window *w, double factor, double anchor)
{
    struct view *v = &w->view;
    double now = (double)ctl_cycle(w);
    if (v->follow)
        anchor = now;
    double width = v->width * factor;
    if (width < MIN_WIDTH)
        width = MIN_WIDTH;
    double most = now * 1.002 + MIN_WIDTH;
    if (width > most)
        width = most;
    v->start = anchor - (anchor - v->start) * (width / v->width);
    v->width = width;
    if (v->start < 0)
        v->start = 0;
    v->all = false;
    w->dirty = true;
}

void view_scroll(struct debug_window *w, double fraction)
{
    struct view *v = &w->view;
    v->start += fraction * v->width;
    if (v->start < 0)
        v->start = 0;
    v->all = v->follow = false;
    w->dirty = true;
}

void view_show_all(struct debug_window *w)
{
    w->view.all = true;
    w->view.follow = false;
    w->dirty = true;
}

void view_center(struct debug_window *w, double cycle)
{
    struct view *v = &w->view;
    v->start = cycle - v->width / 2;
    if (v->start < 0)
        v->start = 0;
    v->all = v->follow = false;
    w->dirty = true;
}

void view_select(struct debug_window *w, long index, bool reveal)
{
    struct view *v = &w->view;
    if (index < 0 || (size_t)index >= w->rec.n)
        return;
    v->selected = index;
    w->dirty = true;
    if (!reveal || v->all)
        return;
    view_update(w);
    double c = (double)w->rec.ev[index].ev.cycle;
    if (c < v->start || c >= v->start + v->width)
        view_center(w, c);
}

/* The event nearest to a click: within 4 pixels, in the clicked marker lane
 * if the click was on one. */
long view_nearest_event(const struct debug_window *w, int x, int y)
{
    const struct recorder *r = &w->rec;
    const struct layout *l = &w->lay;
    int lane = -1;
    for (int i = 0; i < LANE_COUNT; i++)
        if (y >= l->lane_y[i] && y < l->lane_y[i] + l->lane_h)
            lane = i;
    double c0 = view_cycle_at(w, x - 4), c1 = view_cycle_at(w, x + 5), mid = view_cycle_at(w, x);
    size_t i = rec_first_event_at(r, cycle_ceil(c0));
    long best = -1;
    double best_d = 0;
    for (; i < r->n && (double)r->ev[i].ev.cycle < c1; i++) {
        if (lane >= 0 && lane_of(r->ev[i].ev.kind) != (enum lane)lane)
            continue;
        double d = (double)r->ev[i].ev.cycle - mid;
        if (d < 0)
            d = -d;
        if (best < 0 || d < best_d) {
            best = (long)i;
            best_d = d;
        }
    }
    return best;
}

/* Column i covers [view_column_cycle(i), view_column_cycle(i + 1)): every
 * cycle falls in exactly one column, so a marker is drawn once. */
uint64_t view_column_cycle(const struct debug_window *w, int i)
{
    return cycle_ceil(w->view.start + (double)i * w->view.width / w->lay.plot_w);
}
