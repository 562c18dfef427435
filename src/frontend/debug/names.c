/*
 * Names the panels share: exceptions by vector, where a new stack came
 * from, and an event's one-word title.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/debug/window.h"
#include "frontend/symbols.h"

static const char *const exceptions[] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS", "#NP",
    "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *exception_name(unsigned vector)
{
    return vector < sizeof(exceptions) / sizeof(exceptions[0]) ? exceptions[vector] : NULL;
}

const char *stack_source_name(rs_stack_source s, unsigned index, char *buf, size_t len)
{
    switch (s) {
    case RS_STACK_UNCHANGED: snprintf(buf, len, "unchanged (same privilege)"); break;
    case RS_STACK_TSS_RSP: snprintf(buf, len, "TSS.RSP%u", index); break;
    case RS_STACK_TSS_IST: snprintf(buf, len, "TSS.IST%u (interrupt stack table)", index); break;
    case RS_STACK_SYSENTER: snprintf(buf, len, "IA32_SYSENTER_ESP"); break;
    case RS_STACK_SYSEXIT: snprintf(buf, len, "RCX/ECX (SYSEXIT)"); break;
    case RS_STACK_FRAME: snprintf(buf, len, "popped from the frame"); break;
    case RS_STACK_KEPT: snprintf(buf, len, "kept: the kernel's code switches"); break;
    default: snprintf(buf, len, "?"); break;
    }
    return buf;
}

void event_title(const struct rec_event *re, char *buf, size_t len)
{
    const rs_event *e = &re->ev;
    const char *exc = exception_name((unsigned)e->vector);
    switch (e->kind) {
    case RS_EV_EXCEPTION:
        if (exc)
            snprintf(buf, len, "exception %s", exc);
        else
            snprintf(buf, len, "exception %d", e->vector);
        break;
    case RS_EV_IRQ: snprintf(buf, len, "irq vector 0x%x", (unsigned)e->vector); break;
    case RS_EV_SOFT_INT: snprintf(buf, len, "int 0x%x", (unsigned)e->vector); break;
    default: snprintf(buf, len, "%s", rs_event_kind_name(e->kind)); break;
    }
}

int parse_kind(const char *s)
{
    for (int k = 0; k < RS_EV_KIND_COUNT; k++)
        if (!strcmp(s, rs_event_kind_name((rs_event_kind)k)))
            return k;
    return -1;
}

int parse_location(const struct symtab *t, const char *s, uint64_t *addr)
{
    if (run_parse_u64(s, addr, false) == 0)
        return 0;
    /* SYMBOL or SYMBOL+OFFSET */
    char name[128];
    const char *plus = strchr(s, '+');
    size_t len = plus ? (size_t)(plus - s) : strlen(s);
    if (!len || len >= sizeof(name))
        return -1;
    memcpy(name, s, len);
    name[len] = 0;
    uint64_t base = symtab_address(t, name), off = 0;
    if (!base || (plus && run_parse_u64(plus + 1, &off, false)))
        return -1;
    *addr = base + off;
    return 0;
}
