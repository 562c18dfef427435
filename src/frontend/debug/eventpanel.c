/*
 * The selected event: where the CPU was and went (CS:RIP and SS:RSP with
 * symbols, CPL, mode, RFLAGS, CR3), vector and error code, where the new
 * stack came from, the cycles charged, and the stack memory the event left:
 * the frame the CPU pushed (or, for IRET, popped), read when the event
 * happened, labelled slot by slot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"
#include "frontend/symbols.h"

#define KERNEL_HALF 0xffff800000000000ull

struct pen {
    struct canvas *c;
    int x, y;
};

static void line(struct pen *p, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void line(struct pen *p, uint32_t col, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    canvas_text(p->c, p->x, p->y, col, buf);
    p->y += FONT_H;
}

static void flags_text(uint64_t f, char *buf, size_t len)
{
    static const struct { unsigned bit; const char *name; } bits[] = {
        { 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" }, { 8, "TF" },
        { 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" }, { 16, "RF" }, { 17, "VM" },
        { 18, "AC" },
    };
    size_t n = (size_t)snprintf(buf, len, "%08llx", (unsigned long long)f);
    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]) && n + 4 < len; i++)
        if (f & (1ull << bits[i].bit))
            n += (size_t)snprintf(buf + n, len - n, " %s", bits[i].name);
    if (n + 8 < len)
        snprintf(buf + n, len - n, " IOPL%u", (unsigned)(f >> 12) & 3);
}

/* The slots of the frame, lowest address first. */
static unsigned frame_layout(const rs_event *e, const char **names, unsigned *width)
{
    static const char *const intr64[] = { "RIP", "CS", "RFLAGS", "RSP", "SS" };
    static const char *const intr64e[] = { "error code", "RIP", "CS", "RFLAGS", "RSP", "SS" };
    static const char *const intr32[] = { "EIP", "CS", "EFLAGS", "ESP", "SS" };
    static const char *const intr32e[] = { "error code", "EIP", "CS", "EFLAGS", "ESP", "SS" };
    static const char *const real[] = { "IP", "CS", "FLAGS" };
    const char *const *src = NULL;
    unsigned n = 0;
    bool delivery = e->kind == RS_EV_EXCEPTION || e->kind == RS_EV_IRQ || e->kind == RS_EV_NMI ||
                    e->kind == RS_EV_SOFT_INT;
    rs_mode mode = e->kind == RS_EV_IRET ? e->mode_before : e->mode_after;
    bool ia32e = mode == RS_MODE_LONG64 || mode == RS_MODE_COMPAT16 || mode == RS_MODE_COMPAT32;
    if (delivery || e->kind == RS_EV_IRET) {
        bool err = delivery && e->has_error_code;
        if (mode == RS_MODE_REAL) {
            src = real;
            n = 3;
            *width = 2;
        } else if (ia32e) {
            src = err ? intr64e : intr64;
            n = err ? 6 : 5;
            *width = 8;
        } else {
            src = err ? intr32e : intr32;
            /* A legacy frame holds ESP and SS only across a privilege change. */
            n = (err ? 4 : 3) + (e->cpl_before != e->cpl_after ? 2 : 0);
            *width = 4;
        }
    }
    for (unsigned i = 0; i < n; i++)
        names[i] = src[i];
    return n;
}

static void draw_frame(struct pen *p, const struct debug_window *w, const struct rec_event *re)
{
    const rs_event *e = &re->ev;
    const char *names[8];
    unsigned width = 8;
    unsigned n = frame_layout(e, names, &width);
    bool popped = e->kind == RS_EV_IRET || e->kind == RS_EV_FAR_RET;
    if (n)
        line(p, COL_TITLE, "frame %s at %llx:", popped ? "popped from" : "pushed",
             (unsigned long long)re->frame_addr);
    else
        line(p, COL_TITLE, "no frame pushed; the stack at %llx:",
             (unsigned long long)re->frame_addr);
    if (!re->frame_len) {
        line(p, COL_DIM, "  (not mapped)");
        return;
    }
    unsigned slots = n ? n : 6;
    if (!n)
        width = 8;
    for (unsigned i = 0; i < slots && (i + 1) * width <= re->frame_len; i++) {
        uint64_t v = 0;
        memcpy(&v, re->frame + i * width, width);
        char sym[48] = "";
        if (width == 8 && (!n || !strcmp(names[i], "RIP")) && symtab_lookup(w->syms, v, NULL))
            symtab_format(w->syms, v, sym, sizeof(sym));
        line(p, n ? COL_TEXT : COL_DIM, "  +%02x %0*llx  %s %s", i * width, (int)width * 2,
             (unsigned long long)v, n ? names[i] : "", sym);
    }
}

void draw_event_panel(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    const struct rect *r = &w->lay.event;
    c->panel = "event";
    draw_panel_frame(c, *r, "selected event");
    canvas_clip(c, (struct rect){ r->x + 1, r->y + 1, r->w - 2, r->h - 2 });
    struct pen p = { c, r->x + 6, r->y + 18 };
    long sel = w->view.selected;
    if (sel < 0 || (size_t)sel >= w->rec.n) {
        line(&p, COL_DIM, "No event selected: click a marker, or");
        line(&p, COL_DIM, "press t to step to the next transition.");
        canvas_unclip(c);
        return;
    }
    const struct rec_event *re = &w->rec.ev[sel];
    const rs_event *e = &re->ev;
    char title[48], sym[64], fb[96], fa[96], src[64];
    event_title(re, title, sizeof(title));
    canvas_textf(c, r->x + 132, r->y + 1, 0xffffff, "#%ld %s", sel, title);
    line(&p, COL_TEXT, "cycle %llu  charged %llu cycles", (unsigned long long)e->cycle,
         (unsigned long long)e->cycles);
    line(&p, COL_TEXT, "CPL %u -> %u   %s -> %s", e->cpl_before, e->cpl_after,
         rs_mode_name(e->mode_before), rs_mode_name(e->mode_after));
    line(&p, COL_TEXT, "CS:RIP %04x:%016llx", e->cs_before, (unsigned long long)e->rip_before);
    line(&p, COL_DIM, "         %s", symtab_format(w->syms, e->rip_before, sym, sizeof(sym)));
    line(&p, COL_TEXT, "    -> %04x:%016llx", e->cs_after, (unsigned long long)e->rip_after);
    line(&p, COL_DIM, "         %s", symtab_format(w->syms, e->rip_after, sym, sizeof(sym)));
    line(&p, COL_TEXT, "SS:RSP %04x:%016llx %s", e->ss_before, (unsigned long long)e->rsp_before,
         e->rsp_before >= KERNEL_HALF ? "kernel" : "");
    line(&p, e->stack_source != RS_STACK_UNCHANGED ? 0xffd24a : COL_TEXT,
         "    -> %04x:%016llx %s", e->ss_after, (unsigned long long)e->rsp_after,
         e->rsp_after >= KERNEL_HALF ? "kernel stack" : "");
    line(&p, COL_TEXT, "new RSP from: %s",
         stack_source_name(e->stack_source, e->stack_index, src, sizeof(src)));
    flags_text(e->rflags_before, fb, sizeof(fb));
    flags_text(e->rflags_after, fa, sizeof(fa));
    line(&p, COL_TEXT, "RFLAGS %s", fb);
    line(&p, COL_TEXT, "    -> %s", fa);
    if (e->cr3_before == e->cr3_after)
        line(&p, COL_TEXT, "CR3    %016llx", (unsigned long long)e->cr3_before);
    else
        line(&p, COL_TEXT, "CR3    %llx -> %llx", (unsigned long long)e->cr3_before,
             (unsigned long long)e->cr3_after);
    if (e->vector >= 0) {
        const char *exc = e->kind == RS_EV_EXCEPTION ? exception_name((unsigned)e->vector) : NULL;
        if (e->has_error_code)
            line(&p, COL_TEXT, "vector 0x%02x %s  error code %04x", (unsigned)e->vector,
                 exc ? exc : "", e->error_code);
        else
            line(&p, COL_TEXT, "vector 0x%02x %s  no error code", (unsigned)e->vector,
                 exc ? exc : "");
    }
    p.y += 4;
    draw_frame(&p, w, re);
    canvas_unclip(c);
}
