/*
 * Running the machine under the window: run/pause, single steps, stepping
 * to the next transition or context switch, running to a cycle, and
 * breakpoints on transition kinds (from the event callback, exact) and on
 * addresses.
 *
 * Address breakpoints are the core's (rs_set_breakpoint): the machine
 * runs at full speed and stops before the instruction; the window keeps the
 * list so a new machine (after a guest reset) gets them too.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/debug/window.h"
#include "frontend/symbols.h"

#define SLICE_MIN 1000u
#define SLICE_MAX 4000000u
#define SLICE_HOST_SECONDS 0.004        /* a slice this long keeps the window responsive */
#define SAMPLE_STEPS 2000u              /* slices this long leave an RSP sample */

void ctl_init(struct control *c)
{
    memset(c, 0, sizeof(*c));
    c->mode = MODE_PAUSED;
    c->hit_event = -1;
    c->slice_steps = 100000;
    snprintf(c->why, sizeof(c->why), "paused at power-on");
}

uint64_t ctl_cycle(const struct debug_window *w)
{
    uint64_t insns, cycles;
    run_totals(w->st, &insns, &cycles);
    return cycles;
}

static uint64_t ctl_insns(const struct debug_window *w)
{
    uint64_t insns, cycles;
    run_totals(w->st, &insns, &cycles);
    return insns;
}

static uint64_t linear_rip(rs_machine *m)
{
    uint64_t rip = 0;
    rs_segment cs = { 0 };
    rs_mode mode = RS_MODE_REAL;
    rs_get_reg(m, RS_RIP, &rip);
    rs_get_segment(m, RS_CS, &cs);
    rs_get_mode(m, &mode);
    return mode == RS_MODE_LONG64 ? rip : cs.base + rip;
}

void ctl_on_event(struct debug_window *w, rs_machine *m, const rs_event *ev, long index)
{
    struct control *c = &w->ctl;
    if (c->mode != MODE_RUNNING)
        return;
    const char *name = rs_event_kind_name(ev->kind);
    bool stop = false;
    if (c->goal == GOAL_TRANSITION && (c->goal_kind < 0 || c->goal_kind == (int)ev->kind)) {
        snprintf(c->why, sizeof(c->why), "stepped to the next %s", c->goal_kind < 0 ?
                 "transition" : name);
        stop = true;
    } else if (c->goal == GOAL_SWITCH && ev->kind == RS_EV_CR3_WRITE) {
        snprintf(c->why, sizeof(c->why), "stepped to the next context switch (CR3 write)");
        stop = true;
    } else if (c->break_kinds & (1u << ev->kind)) {
        snprintf(c->why, sizeof(c->why), "breakpoint on %s", name);
        stop = true;
    }
    if (stop) {
        c->hit = true;
        c->hit_event = index;
        rs_request_stop(m);
    }
}

static void snapshot(struct debug_window *w)
{
    w->regs_prev = w->regs;
    regs_read(&w->regs, w->st->m);
    rec_sample(&w->rec, w->st->m);
}

void ctl_pause(struct debug_window *w, const char *why)
{
    struct control *c = &w->ctl;
    if (c->mode == MODE_RUNNING)
        c->mode = MODE_PAUSED;
    if (why)
        snprintf(c->why, sizeof(c->why), "%s", why);
    c->goal = GOAL_NONE;
    w->st->stop_cycle = 0;
    snapshot(w);
    w->dirty = true;
}

void ctl_run(struct debug_window *w, enum goal_kind goal, uint64_t arg, int kind)
{
    struct control *c = &w->ctl;
    if (c->mode == MODE_ENDED)
        return;
    c->mode = MODE_RUNNING;
    c->goal = goal;
    c->goal_steps = goal == GOAL_STEPS ? arg : 0;
    c->goal_cycle = goal == GOAL_CYCLE ? arg : 0;
    c->goal_kind = kind;
    c->hit = false;
    c->hit_event = -1;
    w->st->stop_cycle = goal == GOAL_CYCLE ? arg : 0;     /* run_slice stops there */
    snprintf(c->why, sizeof(c->why), "running");
    w->dirty = true;
    if (goal == GOAL_CYCLE && ctl_cycle(w) >= arg)
        ctl_pause(w, "already at that cycle");
    if (goal == GOAL_STEPS && arg == 0)
        ctl_pause(w, "stepped 0 instructions");
}

int ctl_add_break(struct debug_window *w, uint64_t addr)
{
    struct control *c = &w->ctl;
    for (unsigned i = 0; i < c->nbreaks; i++)
        if (c->breaks[i] == addr)
            return 0;
    if (c->nbreaks == MAX_BREAKS || rs_set_breakpoint(w->st->m, addr) != RS_OK)
        return -1;
    c->breaks[c->nbreaks++] = addr;
    return 0;
}

void ctl_clear_breaks(struct debug_window *w)
{
    struct control *c = &w->ctl;
    for (unsigned i = 0; i < c->nbreaks; i++)
        rs_clear_breakpoint(w->st->m, c->breaks[i]);
    c->nbreaks = 0;
    c->break_kinds = 0;
}

void ctl_machine(struct debug_window *w, rs_machine *m)
{
    for (unsigned i = 0; i < w->ctl.nbreaks; i++)
        rs_set_breakpoint(m, w->ctl.breaks[i]);
}

void ctl_toggle_break_kind(struct debug_window *w, int kind)
{
    if (kind >= 0 && kind < RS_EV_KIND_COUNT)
        w->ctl.break_kinds ^= 1u << kind;
}

static bool at_break(struct debug_window *w)
{
    uint64_t rip = linear_rip(w->st->m);
    for (unsigned i = 0; i < w->ctl.nbreaks; i++)
        if (w->ctl.breaks[i] == rip) {
            char name[80];
            symtab_format(w->syms, rip, name, sizeof(name));
            snprintf(w->ctl.why, sizeof(w->ctl.why), "breakpoint at %s", name);
            return true;
        }
    return false;
}

/* How many steps the next slice may take. */
static uint64_t slice_for(const struct debug_window *w)
{
    const struct control *c = &w->ctl;
    uint64_t steps = c->slice_steps;
    if (c->goal == GOAL_STEPS && c->goal_steps < steps)
        steps = c->goal_steps;
    return steps ? steps : 1;
}

void ctl_advance(struct debug_window *w, double deadline)
{
    struct control *c = &w->ctl;
    struct run_state *st = w->st;
    while (c->mode == MODE_RUNNING) {
        uint64_t steps = slice_for(w);
        uint64_t i0 = ctl_insns(w);
        double t0 = dw_now();
        c->hit = false;
        int rc = run_slice(st, steps);
        double t1 = dw_now();
        uint64_t done = ctl_insns(w) - i0;
        if (rc != RUN_CONTINUE) {
            c->mode = MODE_ENDED;
            c->exit_status = rc;
            c->goal = GOAL_NONE;
            snprintf(c->why, sizeof(c->why), "the guest ended the run: exit status %d", rc);
            snapshot(w);
            w->dirty = true;
            return;
        }
        if (steps >= SAMPLE_STEPS)
            rec_sample(&w->rec, st->m);
        if (steps >= SLICE_MIN && t1 > t0) {
            double rate = (double)done / (t1 - t0);
            c->mips = rate / 1e6;
            double want = rate * SLICE_HOST_SECONDS;
            c->slice_steps = want < SLICE_MIN ? SLICE_MIN : want > SLICE_MAX ? SLICE_MAX :
                             (uint64_t)want;
        }
        if (st->last_stop == RS_STOP_BREAKPOINT && at_break(w)) {
            ctl_pause(w, NULL);
            return;
        }
        if (c->hit) {
            ctl_pause(w, NULL);
            if (c->hit_event >= 0)
                view_select(w, c->hit_event, true);
            return;
        }
        if (c->goal == GOAL_STEPS) {
            c->goal_steps -= done < c->goal_steps ? done : c->goal_steps;
            if (!c->goal_steps) {
                ctl_pause(w, "stepped");
                return;
            }
        }
        if (c->goal == GOAL_CYCLE && ctl_cycle(w) >= c->goal_cycle) {
            char why[64];
            snprintf(why, sizeof(why), "ran to cycle %llu", (unsigned long long)c->goal_cycle);
            ctl_pause(w, why);
            return;
        }
        if (dw_now() >= deadline)
            return;
    }
}
