/*
 * --trace FILE (trace.h, docs/trace-format.md): subscribes to the event
 * stream of every machine of the run, applies the filters, and hands the
 * events to the chosen format (trace_jsonl.c, trace_chrome.c), or keeps the
 * last N in a ring buffer that is written only if the machine triple-faults
 * or the guest panics.
 *
 * Cycles in the trace are run-wide: a machine made by a guest reboot counts
 * from 0 again, so its events are shifted by the cycles of the machines
 * before it (run_state.base_cycles), which keeps the timestamps increasing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/trace.h"
#include "frontend/trace_writer.h"

/* The bundled guest's panic writes 7Fh to isa-debug-exit (docs/guest.md). */
#define RUN_EXIT_GUEST_PANIC ((0x7f << 1) | 1)
#define OUTPUT_BUFFER (1u << 20)

/* ---- Options -------------------------------------------------------------- */

static void list_kinds(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (unsigned k = 0; k < RS_EV_KIND_COUNT && n < len; k++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : "",
                              rs_event_kind_name((rs_event_kind)k));
}

/* "syscall,sysret" -> a bit per kind. */
static int parse_kinds(const char *spec, uint32_t *kinds)
{
    *kinds = spec ? 0 : TRACE_ALL_KINDS;
    for (const char *p = spec; p;) {
        size_t n = strcspn(p, ",");
        unsigned k = 0;
        while (k < RS_EV_KIND_COUNT && (strlen(rs_event_kind_name((rs_event_kind)k)) != n ||
                                        strncmp(p, rs_event_kind_name((rs_event_kind)k), n)))
            k++;
        if (k == RS_EV_KIND_COUNT) {
            char valid[256];
            list_kinds(valid, sizeof(valid));
            if (n)
                fprintf(stderr, "ringscope: --trace-events: unknown event kind '%.*s' (valid: "
                        "%s)\n", (int)n, p, valid);
            else
                fprintf(stderr, "ringscope: --trace-events: an empty event kind in '%s' (valid: "
                        "%s)\n", spec, valid);
            return -1;
        }
        *kinds |= 1u << k;
        p = p[n] ? p + n + 1 : NULL;
    }
    return 0;
}

/* With --trace -, nothing else may write to standard output during the run:
 * the guest's console would land in the middle of the trace's lines. */
static int check_stdout(const struct run_opts *o)
{
    static const char *const port[] = { "COM1 (--serial)", "COM2 (--serial2)" };
    const char *other = NULL;
    for (int i = 0; i < 2 && !other; i++)
        if (o->serial[i].kind == SINK_STDIO)
            other = port[i];
    if (!other && o->debugcon.kind == SINK_STDIO)
        other = "the debug console (--debugcon)";
    if (!other && o->stats_json && !strcmp(o->stats_json, "-"))
        other = "--stats-json -";
    if (!other && o->vga_dump && !strcmp(o->vga_dump, "-"))
        other = "--vga-dump -";
    if (!other)
        return 0;
    fprintf(stderr, "ringscope: --trace -: standard output also carries %s; send that "
            "elsewhere (none or file:PATH) or write the trace to a file\n", other);
    return -1;
}

/* ---- The ring buffer ------------------------------------------------------ */

/* Keep `e` among the last `cap` events. The storage grows as events come
 * (up to cap) so that a large N costs memory only if the run is that long;
 * if the host runs out of it, the window stays at what fits (trace_finish
 * says so). */
static void ring_push(struct trace_writer *t, const rs_event *e)
{
    if (t->len == t->cap) {
        t->ring[t->head] = *e;
        t->head = (t->head + 1) % t->len;
        t->dropped++;
        return;
    }
    if (t->len == t->grown) {
        uint64_t want = t->grown ? 2 * t->grown : 4096;
        rs_event *grown = realloc(t->ring, (size_t)(want < t->cap ? want : t->cap) * sizeof(*grown));
        if (!grown) {
            t->ring_nomem = true;
            if (!t->len) {
                t->dropped++;
                return;
            }
            t->cap = t->len;
            ring_push(t, e);
            return;
        }
        t->ring = grown;
        t->grown = want < t->cap ? want : t->cap;
    }
    t->ring[t->len++] = *e;
}

static const rs_event *ring_at(const struct trace_writer *t, uint64_t i)
{
    return &t->ring[(t->head + i) % t->len];
}

/* ---- The subscriber ------------------------------------------------------- */

static void on_event(void *ctx, const rs_event *ev)
{
    struct trace_writer *t = ctx;
    rs_event e = *ev;
    e.cycle += t->base;
    if (e.cycle < t->from_cycle)
        return;
    bool keep = (t->kinds >> e.kind) & 1;
    if (t->cap) {
        if (keep)
            ring_push(t, &e);
    } else if (t->format == TRACE_CHROME) {
        trace_chrome_event(t, &e, keep);
    } else if (keep) {
        trace_jsonl_event(t, &e);
    }
}

static void prologue(struct trace_writer *t, const char *ring_reason)
{
    if (t->format == TRACE_CHROME)
        trace_chrome_prologue(t, ring_reason);
    else
        trace_jsonl_header(t, ring_reason);
}

static unsigned machine_cpl(rs_machine *m, rs_mode mode)
{
    rs_segment ss;
    if (mode == RS_MODE_REAL || rs_get_segment(m, RS_SS, &ss))
        return 0;
    return (ss.attr >> 5) & 3;     /* CPL = SS.DPL (SDM Vol. 3A, 5.5) */
}

/* ---- trace.h -------------------------------------------------------------- */

static void writer_free(struct trace_writer *t)
{
    if (t->owned && t->f)
        fclose(t->f);
    trace_chrome_free(t);
    symtab_free(t->syms);
    free(t->ring);
    free(t);
}

/* Does the file start with the ELF magic? */
static bool is_elf(const char *path)
{
    unsigned char magic[4] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return true;        /* unreadable: let symtab_load's error say so */
    size_t n = fread(magic, 1, sizeof(magic), f);
    fclose(f);
    return n == 4 && !memcmp(magic, "\177ELF", 4);
}

int trace_start(struct run_state *st)
{
    const struct run_opts *o = &st->o;
    struct trace_writer *t = calloc(1, sizeof(*t));
    if (!t) {
        fprintf(stderr, "ringscope: --trace: out of memory\n");
        return -1;
    }
    t->st = st;
    t->format = o->trace_format && !strcmp(o->trace_format, "chrome") ? TRACE_CHROME : TRACE_JSONL;
    t->from_cycle = o->trace_from_cycle;
    t->cap = o->trace_ring;
    if (parse_kinds(o->trace_events, &t->kinds) || (!strcmp(o->trace, "-") && check_stdout(o)))
        goto fail;
    if (o->image) {
        char err[512];
        t->syms = symtab_load(o->image, err, sizeof(err));
        if (!t->syms && !is_elf(o->image)) {
            /* A multiboot kernel loaded through its header's address fields
             * has no symbol table: the trace names nothing. */
        } else if (!t->syms) {
            fprintf(stderr, "ringscope: --trace: cannot read the image's symbols: %s\n", err);
            goto fail;
        }
    }
    if (t->format == TRACE_CHROME && trace_chrome_new(t)) {
        fprintf(stderr, "ringscope: --trace: out of memory\n");
        goto fail;
    }
    /* Opened (and truncated) now even for the ring buffer, so that a bad
     * path fails before the run and a stale trace never survives it. */
    if (!strcmp(o->trace, "-")) {
        t->f = stdout;
    } else {
        t->f = fopen(o->trace, "w");
        if (!t->f) {
            fprintf(stderr, "ringscope: --trace: cannot write '%s': %s\n", o->trace,
                    strerror(errno));
            goto fail;
        }
        t->owned = true;
        setvbuf(t->f, NULL, _IOFBF, OUTPUT_BUFFER);
    }
    st->trace = t;
    return 0;
fail:
    writer_free(t);
    return -1;
}

void trace_attach(struct trace_writer *t, rs_machine *m)
{
    uint64_t hz = 0, now = 0, cr3 = 0;
    rs_mode mode = RS_MODE_REAL;
    rs_get_clock(m, &hz, NULL);
    rs_counters(m, NULL, &now);
    rs_get_reg(m, RS_CR3, &cr3);
    rs_get_mode(m, &mode);
    t->hz = hz ? hz : 1;
    t->base = t->st->base_cycles;
    bool reboot = t->attached;
    if (!t->attached && !t->cap)
        prologue(t, NULL);
    t->attached = true;
    if (t->format == TRACE_CHROME && !t->cap)
        trace_chrome_machine(t, t->base + now, machine_cpl(m, mode), mode, cr3, reboot);
    if (rs_subscribe(m, on_event, t) != RS_OK)
        fprintf(stderr, "ringscope: --trace: the machine takes no more event subscribers; "
                "the trace misses its events\n");
}

/* The ring buffer's contents, oldest first, in the chosen format. */
static void write_ring(struct trace_writer *t, const char *reason, uint64_t end)
{
    prologue(t, reason);
    for (uint64_t i = 0; i < t->len && !t->failed; i++) {
        if (t->format == TRACE_CHROME)
            trace_chrome_event(t, ring_at(t, i), true);
        else
            trace_jsonl_event(t, ring_at(t, i));
    }
    if (t->format == TRACE_CHROME)
        trace_chrome_epilogue(t, end);
}

int trace_finish(struct run_state *st, int rc)
{
    struct trace_writer *t = st->trace;
    if (!t)
        return 0;
    st->trace = NULL;
    if (st->m)
        rs_unsubscribe(st->m, on_event, t);
    uint64_t insns, end;
    run_totals(st, &insns, &end);
    int r = 0;
    if (t->cap) {
        const char *reason = rc == RUN_EXIT_TRIPLE_FAULT ? "triple_fault"
                             : rc == RUN_EXIT_GUEST_PANIC ? "panic" : NULL;
        if (reason && t->attached)
            write_ring(t, reason, end);
        if (reason && t->ring_nomem)
            fprintf(stderr, "ringscope: --trace-ring: out of memory: wrote the last %llu events, "
                    "not %llu\n", (unsigned long long)t->len,
                    (unsigned long long)st->o.trace_ring);
    } else if (t->attached && t->format == TRACE_CHROME) {
        trace_chrome_epilogue(t, end);
    }
    if (fflush(t->f) || ferror(t->f))
        trace_fail(t);
    if (t->owned) {
        FILE *f = t->f;
        t->f = NULL;
        if (fclose(f))
            trace_fail(t);
    }
    if (t->failed) {
        fprintf(stderr, "ringscope: --trace: cannot write '%s'%s%s\n", st->o.trace,
                t->errnum ? ": " : "", t->errnum ? strerror(t->errnum) : "");
        r = -1;
    }
    writer_free(t);
    return r;
}
