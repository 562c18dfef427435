/*
 * Names for --trace output: exception mnemonics, event titles, stack
 * sources, symbolized addresses, and the small JSON helpers both formats
 * share (trace_writer.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frontend/trace_writer.h"

/* SDM Vol. 3A, Table 6-1; AMD adds #HV, #VC and #SX. NULL: reserved. */
static const char *const exception_names[32] = {
    [0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF", [5] = "#BR",
    [6] = "#UD", [7] = "#NM", [8] = "#DF", [10] = "#TS", [11] = "#NP", [12] = "#SS",
    [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
    [20] = "#VE", [21] = "#CP", [28] = "#HV", [29] = "#VC", [30] = "#SX",
};

static const char *const stack_source_names[] = {
    [RS_STACK_UNCHANGED] = "unchanged", [RS_STACK_TSS_RSP] = "tss_rsp",
    [RS_STACK_TSS_IST] = "tss_ist",     [RS_STACK_SYSENTER] = "sysenter",
    [RS_STACK_SYSEXIT] = "sysexit",     [RS_STACK_FRAME] = "frame",
    [RS_STACK_KEPT] = "kept",
};

const char *trace_exception_name(int vector)
{
    return vector >= 0 && vector < 32 ? exception_names[vector] : NULL;
}

void trace_event_title(const rs_event *e, char *buf, size_t len)
{
    const char *kind = rs_event_kind_name(e->kind);
    const char *exc = trace_exception_name(e->vector);
    switch (e->kind) {
    case RS_EV_EXCEPTION:
        if (exc)
            snprintf(buf, len, "%s %s", kind, exc);
        else
            snprintf(buf, len, "%s 0x%x", kind, (unsigned)(uint16_t)e->vector);
        return;
    case RS_EV_IRQ:
    case RS_EV_SOFT_INT:
        snprintf(buf, len, "%s 0x%x", kind, (unsigned)(uint16_t)e->vector);
        return;
    default:
        snprintf(buf, len, "%s", kind);
        return;
    }
}

const char *trace_stack_source_name(rs_stack_source s)
{
    if ((unsigned)s < sizeof(stack_source_names) / sizeof(stack_source_names[0]) &&
        stack_source_names[s])
        return stack_source_names[s];
    return "?";
}

const char *trace_symbolize(const struct trace_writer *t, uint64_t addr, rs_mode mode,
                            char *buf, size_t len)
{
    return symtab_format(mode == RS_MODE_REAL ? NULL : t->syms, addr, buf, len);
}

json_t *trace_hex(uint64_t v)
{
    /* By hand and without jansson's UTF-8 check: a trace has ten of these
     * per event, and snprintf was a visible part of the cost. */
    char buf[20], *p = buf + sizeof(buf);
    do {
        *--p = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    *--p = 'x';
    *--p = '0';
    return json_stringn_nocheck(p, (size_t)(buf + sizeof(buf) - p));
}

json_t *trace_text(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char buf[512];
    size_t n = 0;
    for (; s[n] && n + 1 < sizeof(buf); n++)
        buf[n] = (unsigned char)s[n] < 0x80 ? s[n] : '?';
    buf[n] = 0;
    return json_string(buf);
}

uint64_t trace_task_of(uint64_t cr3)
{
    return cr3 & 0x7ffffffffffff000ull;
}

void trace_fail(struct trace_writer *t)
{
    if (!t->failed)
        t->errnum = errno;
    t->failed = true;
}

bool trace_dump(struct trace_writer *t, json_t *j, const char *sep)
{
    const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(15);
    char buf[4096];
    size_t len = strlen(sep), n = 0;
    errno = 0;
    if (!t->failed && !j) {
        errno = ENOMEM;
        trace_fail(t);
    }
    if (!t->failed) {
        /* Into a buffer and out in one fwrite (json_dumpf writes token by
         * token, which costs more than the formatting); a record that does
         * not fit (a long image path in a header) goes the slow way. */
        n = json_dumpb(j, buf, sizeof(buf), flags);
        if (n && n + len <= sizeof(buf)) {
            memcpy(buf + n, sep, len);
            if (fwrite(buf, 1, n + len, t->f) != n + len)
                trace_fail(t);
        } else if (!n || json_dumpf(j, t->f, flags) || fputs(sep, t->f) == EOF) {
            trace_fail(t);
        }
    }
    json_decref(j);
    return !t->failed;
}
