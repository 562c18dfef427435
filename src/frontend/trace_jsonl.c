/*
 * --trace-format jsonl (the default): a header object, then one object per
 * event with every rs_event field (docs/trace-format.md). Addresses, CR3 and
 * RFLAGS are "0x..." strings, since JSON readers that hold numbers as
 * doubles would round 64-bit addresses; counts and small fields are numbers;
 * kinds, modes, stack sources and exception vectors also carry their names.
 */
#include <string.h>

#include "frontend/trace_writer.h"

static json_t *kind_list(const struct trace_writer *t)
{
    if (t->kinds == TRACE_ALL_KINDS)
        return json_string("all");
    json_t *a = json_array();
    for (unsigned k = 0; k < RS_EV_KIND_COUNT; k++)
        if (t->kinds & (1u << k))
            json_array_append_new(a, json_string(rs_event_kind_name((rs_event_kind)k)));
    return a;
}

json_t *trace_header_fields(struct trace_writer *t, const char *ring_reason)
{
    json_t *h = json_object();
    json_object_set_new(h, "format", json_string("ringscope-trace"));
    json_object_set_new(h, "version", json_integer(TRACE_FORMAT_VERSION));
    json_object_set_new(h, "cpu_hz", json_integer((json_int_t)t->hz));
    json_object_set_new(h, "image", t->st->o.image ? trace_text(t->st->o.image) : json_null());
    json_object_set_new(h, "events", kind_list(t));
    json_object_set_new(h, "from_cycle", json_integer((json_int_t)t->from_cycle));
    if (t->cap)
        json_object_set_new(h, "ring", json_pack("{s:I,s:I,s:I,s:s}", "capacity", (json_int_t)t->cap,
                                                 "kept", (json_int_t)t->len,
                                                 "dropped", (json_int_t)t->dropped,
                                                 "reason", ring_reason ? ring_reason : ""));
    return h;
}

void trace_jsonl_header(struct trace_writer *t, const char *ring_reason)
{
    json_t *h = trace_header_fields(t, ring_reason);
    json_object_set_new(h, "format", json_string("ringscope-trace-jsonl"));
    trace_dump(t, h, "\n");
}

static void set_u(json_t *o, const char *key, uint64_t v)
{
    json_object_set_new(o, key, json_integer((json_int_t)v));
}

static void set_addr(json_t *o, const char *key, uint64_t v)
{
    json_object_set_new(o, key, trace_hex(v));
}

static void set_sym(const struct trace_writer *t, json_t *o, const char *key, uint64_t addr,
                    rs_mode mode)
{
    char buf[256];
    json_object_set_new(o, key, trace_text(trace_symbolize(t, addr, mode, buf, sizeof(buf))));
}

void trace_jsonl_event(struct trace_writer *t, const rs_event *e)
{
    if (t->failed)
        return;
    json_t *o = json_object();
    /* A software INT n is not the exception its vector names; a triple
     * fault's vector is the exception that could not be delivered. */
    const char *exc = e->kind == RS_EV_EXCEPTION || e->kind == RS_EV_NMI ||
                      e->kind == RS_EV_TRIPLE_FAULT ? trace_exception_name(e->vector) : NULL;
    set_u(o, "cycle", e->cycle);
    set_u(o, "kind", (uint64_t)e->kind);
    json_object_set_new(o, "kind_name", json_string(rs_event_kind_name(e->kind)));
    json_object_set_new(o, "vector", json_integer(e->vector));
    if (exc)
        json_object_set_new(o, "vector_name", json_string(exc));
    json_object_set_new(o, "has_error_code", json_boolean(e->has_error_code));
    set_u(o, "error_code", e->error_code);
    set_u(o, "cpl_before", e->cpl_before);
    set_u(o, "cpl_after", e->cpl_after);
    set_u(o, "mode_before", (uint64_t)e->mode_before);
    json_object_set_new(o, "mode_before_name", json_string(rs_mode_name(e->mode_before)));
    set_u(o, "mode_after", (uint64_t)e->mode_after);
    json_object_set_new(o, "mode_after_name", json_string(rs_mode_name(e->mode_after)));
    set_u(o, "cs_before", e->cs_before);
    set_u(o, "cs_after", e->cs_after);
    set_u(o, "ss_before", e->ss_before);
    set_u(o, "ss_after", e->ss_after);
    set_addr(o, "rip_before", e->rip_before);
    set_sym(t, o, "rip_before_sym", e->rip_before, e->mode_before);
    set_addr(o, "rip_after", e->rip_after);
    set_sym(t, o, "rip_after_sym", e->rip_after, e->mode_after);
    set_addr(o, "rsp_before", e->rsp_before);
    set_addr(o, "rsp_after", e->rsp_after);
    set_addr(o, "cr3_before", e->cr3_before);
    set_addr(o, "cr3_after", e->cr3_after);
    set_addr(o, "rflags_before", e->rflags_before);
    set_addr(o, "rflags_after", e->rflags_after);
    set_u(o, "stack_source", (uint64_t)e->stack_source);
    json_object_set_new(o, "stack_source_name", json_string(trace_stack_source_name(e->stack_source)));
    set_u(o, "stack_index", e->stack_index);
    set_u(o, "cycles", e->cycles);
    trace_dump(t, o, "\n");
}
