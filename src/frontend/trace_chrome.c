/*
 * --trace-format chrome: the Chrome trace-event format (a JSON object with
 * "traceEvents") that ui.perfetto.dev and chrome://tracing open
 * (docs/trace-format.md).
 *
 * One thread per task, a task being an address space (CR3 without its PCID
 * and no-flush bits): the kernel half is shared, so CR3 is the only thing
 * the event stream says about which process runs. On each thread, one "X"
 * span per stretch of time the task spends at one CPL: "user" at CPL 3, and
 * kernel stretches named after where the kernel was entered and where it
 * left ("entry_SYSCALL_64 → entry_SYSCALL_64 (sysret)"): the stream does not
 * see calls inside the kernel, so those two places are all it can say. A
 * stretch ends when the CPL or the address space changes; a change of mode
 * or a kernel-to-kernel interrupt does not split it. Every written event is
 * also an instant ("i") on the thread where it happened.
 */
#include <stdlib.h>
#include <string.h>

#include "frontend/trace_writer.h"

#define CHROME_PID 1
#define LABEL_LEN 192

struct chrome_task {
    uint64_t cr3;           /* trace_task_of() */
    unsigned tid;
};

/* The stretch being timed. */
struct chrome_span {
    bool open;
    uint64_t task;
    unsigned tid, cpl;
    rs_mode mode;
    uint64_t start;                 /* run-wide cycle */
    char entry[LABEL_LEN];          /* "entry_SYSCALL_64", "idt_stubs (#PF)" */
    char entry_at[LABEL_LEN];       /* the symbol with its offset */
};

struct trace_chrome {
    struct chrome_task *task;
    size_t ntasks, cap, last;
    struct chrome_span span;
    uint64_t items;                 /* array elements written (for the commas) */
};

int trace_chrome_new(struct trace_writer *t)
{
    t->chrome = calloc(1, sizeof(*t->chrome));
    return t->chrome ? 0 : -1;
}

void trace_chrome_free(struct trace_writer *t)
{
    if (t->chrome)
        free(t->chrome->task);
    free(t->chrome);
    t->chrome = NULL;
}

/* One element of "traceEvents". */
static void emit(struct trace_writer *t, json_t *j)
{
    struct trace_chrome *c = t->chrome;
    if (!t->failed && c->items++ && fputs(",\n", t->f) == EOF)
        trace_fail(t);
    trace_dump(t, j, "");
}

/* Virtual time in whole nanoseconds. Every timestamp goes through this one
 * rounding, so a span's end (ts + dur) is exactly the next span's ts. */
static uint64_t nanos(const struct trace_writer *t, uint64_t cycle)
{
    return (uint64_t)(((unsigned __int128)cycle * 1000000000u + t->hz / 2) / t->hz);
}

/* "ts" and "dur" are microseconds; with at most three decimals, a reader
 * that converts them to nanoseconds (Perfetto does) gets the integers back. */
static json_t *micros(uint64_t ns)
{
    return json_real((double)ns / 1000.0);
}

static void metadata(struct trace_writer *t, const char *what, unsigned tid, json_t *args)
{
    json_t *m = json_pack("{s:s,s:s,s:i,s:o}", "name", what, "ph", "M", "pid", CHROME_PID,
                          "args", args);
    if (tid)
        json_object_set_new(m, "tid", json_integer(tid));
    emit(t, m);
}

/* The thread of an address space, named the first time it appears. */
static unsigned tid_of(struct trace_writer *t, uint64_t cr3)
{
    struct trace_chrome *c = t->chrome;
    uint64_t task = trace_task_of(cr3);
    if (c->last < c->ntasks && c->task[c->last].cr3 == task)
        return c->task[c->last].tid;
    for (size_t i = 0; i < c->ntasks; i++) {
        if (c->task[i].cr3 == task) {
            c->last = i;
            return c->task[i].tid;
        }
    }
    if (c->ntasks == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        struct chrome_task *grown = realloc(c->task, cap * sizeof(*grown));
        if (!grown) {
            trace_fail(t);          /* ENOMEM, reported at the end */
            return 0;
        }
        c->task = grown;
        c->cap = cap;
    }
    unsigned tid = (unsigned)c->ntasks + 1;
    c->last = c->ntasks;
    c->task[c->ntasks++] = (struct chrome_task){ task, tid };
    char name[48];
    snprintf(name, sizeof(name), "cr3 0x%llx", (unsigned long long)task);
    metadata(t, "thread_name", tid, json_pack("{s:s}", "name", name));
    metadata(t, "thread_sort_index", tid, json_pack("{s:i}", "sort_index", (int)tid));
    return tid;
}

/* The symbol at `addr` without its offset, or the address. */
static void place(const struct trace_writer *t, uint64_t addr, rs_mode mode, char *buf,
                  size_t len)
{
    const char *name = mode == RS_MODE_REAL ? NULL : symtab_lookup(t->syms, addr, NULL);
    if (name)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

/* What entered the kernel, next to where: a system call's entry point says
 * it all; an interrupt stub needs its vector. */
static void entry_label(const struct trace_writer *t, const rs_event *e, char *buf, size_t len)
{
    char at[LABEL_LEN / 2], what[32];
    place(t, e->rip_after, e->mode_after, at, sizeof(at));
    switch (e->kind) {
    case RS_EV_SYSCALL:
    case RS_EV_SYSENTER:
        snprintf(buf, len, "%s", at);
        return;
    case RS_EV_EXCEPTION:
    case RS_EV_NMI:
        if (trace_exception_name(e->vector)) {
            snprintf(buf, len, "%s (%s)", at, trace_exception_name(e->vector));
            return;
        }
        break;
    case RS_EV_SOFT_INT:
        snprintf(buf, len, "%s (int 0x%x)", at, (unsigned)(uint16_t)e->vector);
        return;
    default:
        break;
    }
    trace_event_title(e, what, sizeof(what));
    snprintf(buf, len, "%s (%s)", at, what);
}

static void close_span(struct trace_writer *t, uint64_t end, const char *exit, const char *exit_at)
{
    struct chrome_span *s = &t->chrome->span;
    if (!s->open)
        return;
    s->open = false;
    char name[2 * LABEL_LEN + 8];
    if (s->cpl == 3)
        snprintf(name, sizeof(name), "user");
    else if (s->cpl)
        snprintf(name, sizeof(name), "ring %u", s->cpl);
    else
        snprintf(name, sizeof(name), "%s \u2192 %s", s->entry, exit);
    uint64_t cycles = end > s->start ? end - s->start : 0;
    uint64_t from = nanos(t, s->start), to = nanos(t, end > s->start ? end : s->start);
    json_t *args = json_pack("{s:i,s:s,s:o,s:s,s:s,s:I}", "cpl", (int)s->cpl,
                             "mode", rs_mode_name(s->mode), "cr3", trace_hex(s->task),
                             "entry", s->entry_at, "exit", exit_at, "cycles", (json_int_t)cycles);
    json_t *x = json_pack("{s:o,s:s,s:s,s:i,s:i,s:o,s:o,s:o}", "name", trace_text(name),
                          "cat", s->cpl == 3 ? "user" : "kernel", "ph", "X", "pid", CHROME_PID,
                          "tid", (int)s->tid, "ts", micros(from), "dur", micros(to - from),
                          "args", args);
    emit(t, x);
}

static void open_span(struct trace_writer *t, uint64_t start, uint64_t cr3, unsigned cpl,
                      rs_mode mode, const char *entry, const char *entry_at)
{
    struct chrome_span *s = &t->chrome->span;
    *s = (struct chrome_span){ .open = true, .task = trace_task_of(cr3), .cpl = cpl,
                               .mode = mode, .start = start };
    s->tid = tid_of(t, cr3);
    snprintf(s->entry, sizeof(s->entry), "%s", entry);
    snprintf(s->entry_at, sizeof(s->entry_at), "%s", entry_at);
}

void trace_chrome_prologue(struct trace_writer *t, const char *ring_reason)
{
    json_t *head = json_pack("{s:s,s:o}", "displayTimeUnit", "ns", "otherData",
                             trace_header_fields(t, ring_reason));
    char *text = head ? json_dumps(head, JSON_COMPACT) : NULL;
    json_decref(head);
    /* The object stays open: "traceEvents" follows, one element at a time. */
    if (!text || fprintf(t->f, "%.*s,\"traceEvents\":[\n", (int)strlen(text) - 1, text) < 0)
        trace_fail(t);
    free(text);
    const char *image = t->st->o.image;
    const char *base = image && strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
    char name[256];
    snprintf(name, sizeof(name), "ringscope %s", base ? base : "guest");
    metadata(t, "process_name", 0, json_pack("{s:o}", "name", trace_text(name)));
}

void trace_chrome_machine(struct trace_writer *t, uint64_t cycle, unsigned cpl, rs_mode mode,
                          uint64_t cr3, bool reboot)
{
    close_span(t, cycle, "reboot", "reboot");
    if (cycle >= t->from_cycle)
        open_span(t, cycle, cr3, cpl, mode, reboot ? "reboot" : "power-on",
                  reboot ? "reboot" : "power-on");
}

static json_t *side(const struct trace_writer *t, unsigned cpl, rs_mode mode, uint16_t cs,
                    uint64_t rip, uint16_t ss, uint64_t rsp, uint64_t cr3, uint64_t rflags)
{
    char sym[256];
    return json_pack("{s:i,s:s,s:i,s:o,s:o,s:i,s:o,s:o,s:o}", "cpl", (int)cpl,
                     "mode", rs_mode_name(mode), "cs", (int)cs, "rip", trace_hex(rip),
                     "rip_sym", trace_text(trace_symbolize(t, rip, mode, sym, sizeof(sym))),
                     "ss", (int)ss, "rsp", trace_hex(rsp), "cr3", trace_hex(cr3),
                     "rflags", trace_hex(rflags));
}

static void instant(struct trace_writer *t, const rs_event *e)
{
    char title[48];
    trace_event_title(e, title, sizeof(title));
    json_t *args = json_pack("{s:I,s:o,s:o,s:s,s:i,s:I}", "cycle", (json_int_t)e->cycle,
        "before", side(t, e->cpl_before, e->mode_before, e->cs_before, e->rip_before,
                       e->ss_before, e->rsp_before, e->cr3_before, e->rflags_before),
        "after", side(t, e->cpl_after, e->mode_after, e->cs_after, e->rip_after, e->ss_after,
                      e->rsp_after, e->cr3_after, e->rflags_after),
        "stack", trace_stack_source_name(e->stack_source), "stack_index", (int)e->stack_index,
        "cycles", (json_int_t)e->cycles);
    if (e->vector >= 0)
        json_object_set_new(args, "vector", json_integer(e->vector));
    if (e->has_error_code)
        json_object_set_new(args, "error_code", trace_hex(e->error_code));
    json_t *i = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:o,s:o}", "name", title, "cat", "transition",
                          "ph", "i", "s", "t", "pid", CHROME_PID,
                          "tid", (int)tid_of(t, e->cr3_before), "ts", micros(nanos(t, e->cycle)),
                          "args", args);
    emit(t, i);
}

void trace_chrome_event(struct trace_writer *t, const rs_event *e, bool keep)
{
    if (t->failed)
        return;
    struct chrome_span *s = &t->chrome->span;
    char exit[LABEL_LEN], exit_at[LABEL_LEN], what[32];
    /* The stretch before this event must be the open one; if not, events in
     * between were not seen (the ring buffer's window, --trace-events in
     * ring mode), so where it ended is unknown. */
    if (s->open && (s->task != trace_task_of(e->cr3_before) || s->cpl != e->cpl_before))
        close_span(t, e->cycle, "?", "?");
    if (s->open && (s->task != trace_task_of(e->cr3_after) || s->cpl != e->cpl_after)) {
        place(t, e->rip_before, e->mode_before, exit, sizeof(exit) - sizeof(what) - 4);
        trace_event_title(e, what, sizeof(what));
        snprintf(exit + strlen(exit), sizeof(exit) - strlen(exit), " (%s)", what);
        trace_symbolize(t, e->rip_before, e->mode_before, exit_at, sizeof(exit_at));
        close_span(t, e->cycle, exit, exit_at);
    }
    if (!s->open) {
        char entry[LABEL_LEN], entry_at[LABEL_LEN];
        entry_label(t, e, entry, sizeof(entry));
        trace_symbolize(t, e->rip_after, e->mode_after, entry_at, sizeof(entry_at));
        open_span(t, e->cycle, e->cr3_after, e->cpl_after, e->mode_after, entry, entry_at);
    }
    if (keep)
        instant(t, e);
}

void trace_chrome_epilogue(struct trace_writer *t, uint64_t end_cycle)
{
    close_span(t, end_cycle, "end", "end");
    if (!t->failed && fputs("\n]}\n", t->f) == EOF)
        trace_fail(t);
}
