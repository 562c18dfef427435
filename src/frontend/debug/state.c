/*
 * `print-state`: one JSON line on standard output describing what the
 * window shows: the machine's position, the visible range and how many
 * events of each lane fall in it, where each band, lane and panel is on
 * screen and in which colours, the selected event and the stacks. Tests
 * compare it with the pixels of a screenshot and with other sources.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"

static json_t *hex(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)v);
    return json_string(buf);
}

static json_t *color(uint32_t rgb)
{
    char buf[12];
    snprintf(buf, sizeof(buf), "#%06x", (unsigned)rgb);
    return json_string(buf);
}

static json_t *rect(struct rect r)
{
    return json_pack("[iiii]", r.x, r.y, r.w, r.h);
}

static json_t *selected(const struct debug_window *w)
{
    long i = w->view.selected;
    if (i < 0 || (size_t)i >= w->rec.n)
        return json_null();
    const rs_event *e = &w->rec.ev[i].ev;
    char src[64];
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer(i));
    json_object_set_new(o, "kind", json_string(rs_event_kind_name(e->kind)));
    json_object_set_new(o, "cycle", json_integer((json_int_t)e->cycle));
    json_object_set_new(o, "vector", json_integer(e->vector));
    json_object_set_new(o, "cpl_before", json_integer(e->cpl_before));
    json_object_set_new(o, "cpl_after", json_integer(e->cpl_after));
    json_object_set_new(o, "rip_before", hex(e->rip_before));
    json_object_set_new(o, "rip_after", hex(e->rip_after));
    json_object_set_new(o, "rsp_before", hex(e->rsp_before));
    json_object_set_new(o, "rsp_after", hex(e->rsp_after));
    json_object_set_new(o, "stack_source",
                        json_string(stack_source_name(e->stack_source, e->stack_index, src,
                                                      sizeof(src))));
    json_object_set_new(o, "frame_addr", hex(w->rec.ev[i].frame_addr));
    return o;
}

void print_state(struct debug_window *w, FILE *f)
{
    static const char *const modes[] = { "paused", "running", "ended" };
    layout_bands(w);
    const struct layout *l = &w->lay;
    const struct recorder *r = &w->rec;
    uint64_t insns, cycles, rip = 0;
    run_totals(w->st, &insns, &cycles);
    rs_get_reg(w->st->m, RS_RIP, &rip);
    rs_mode mode = RS_MODE_REAL;
    rs_get_mode(w->st->m, &mode);
    json_t *o = json_object();
    json_object_set_new(o, "run", json_string(modes[w->ctl.mode]));
    json_object_set_new(o, "why", json_string(w->ctl.why));
    if (w->ctl.mode == MODE_ENDED)
        json_object_set_new(o, "exit_status", json_integer(w->ctl.exit_status));
    json_object_set_new(o, "cycle", json_integer((json_int_t)cycles));
    json_object_set_new(o, "insns", json_integer((json_int_t)insns));
    json_object_set_new(o, "mode", json_string(rs_mode_name(mode)));
    json_object_set_new(o, "rip", hex(rip));
    json_object_set_new(o, "events", json_integer((json_int_t)r->n));
    json_object_set_new(o, "window", json_pack("[ii]", w->cv.w, w->cv.h));
    uint64_t c0 = view_column_cycle(w, 0), c1 = view_column_cycle(w, l->plot_w);
    json_object_set_new(o, "view", json_pack("{s:I,s:I,s:i,s:i,s:b,s:b}", "first_cycle",
                                             (json_int_t)c0, "end_cycle", (json_int_t)c1,
                                             "plot_x", l->plot_x, "plot_w", l->plot_w,
                                             "all", w->view.all, "follow", w->view.follow));
    json_t *in_view = json_object(), *lanes = json_object(), *bands = json_object();
    for (int i = 0; i < LANE_COUNT; i++) {
        json_object_set_new(in_view, lane_info[i].name,
                            json_integer((json_int_t)rec_lane_count(r, (enum lane)i, c0, c1)));
        json_object_set_new(lanes, lane_info[i].name,
                            json_pack("{s:i,s:i,s:o}", "y", l->lane_y[i], "h", l->lane_h,
                                      "color", color(lane_info[i].color)));
    }
    for (int b = 0; b < BAND_COUNT; b++)
        if (l->band_y[b] >= 0)
            json_object_set_new(bands, band_names[b],
                                json_pack("{s:i,s:i,s:b}", "y", l->band_y[b], "h", l->band_h,
                                          "user", band_is_user((enum band)b)));
    json_object_set_new(o, "in_view", in_view);
    json_object_set_new(o, "lanes", lanes);
    json_object_set_new(o, "bands", bands);
    json_object_set_new(o, "colors", json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
                                               "band_r3", color(COL_BAND_R3),
                                               "band_r0", color(COL_BAND_R0),
                                               "band_boot", color(COL_BAND_BOOT),
                                               "panel", color(COL_PANEL),
                                               "text", color(COL_TEXT),
                                               "cursor", color(COL_CURSOR),
                                               "stack_jump", color(COL_STACK_JUMP)));
    json_object_set_new(o, "panels",
                        json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "status", rect(l->status),
                                  "timeline", rect(l->timeline), "stack", rect(l->stack),
                                  "event", rect(l->event), "registers", rect(l->regs),
                                  "disassembly", rect(l->disasm), "console", rect(l->console)));
    json_object_set_new(o, "selected", selected(w));
    json_t *stacks = json_array();
    for (unsigned i = 0; i < r->nstacks; i++)
        json_array_append_new(stacks, json_pack("{s:s,s:o,s:o,s:b}", "label", r->stacks[i].label,
                                                "lo", hex(r->stacks[i].lo), "hi",
                                                hex(r->stacks[i].hi), "kernel",
                                                r->stacks[i].kernel));
    json_object_set_new(o, "stacks", stacks);
    json_t *breaks = json_array(), *kinds = json_array();
    for (unsigned i = 0; i < w->ctl.nbreaks; i++)
        json_array_append_new(breaks, hex(w->ctl.breaks[i]));
    for (int k = 0; k < RS_EV_KIND_COUNT; k++)
        if (w->ctl.break_kinds & (1u << k))
            json_array_append_new(kinds, json_string(rs_event_kind_name((rs_event_kind)k)));
    json_object_set_new(o, "breaks", breaks);
    json_object_set_new(o, "break_kinds", kinds);
    json_object_set_new(o, "tasks", json_integer(r->ntasks));
    json_object_set_new(o, "help", json_boolean(w->help));
    json_object_set_new(o, "frames", json_integer((json_int_t)w->frames));
    json_object_set_new(o, "frame_ms", json_real(w->frame_cost * 1e3));
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text)
        fprintf(f, "debug-state %s\n", text);
    free(text);
    json_decref(o);
}
