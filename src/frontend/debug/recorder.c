/*
 * Recording the event stream for the views. Everything is appended in time
 * order, so every query is a binary search and a frame costs the same
 * whether the run has a thousand events or a million.
 */
#include "frontend/debug/recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/symbols.h"

#define STACK_MERGE 0x10000u            /* RSPs this close belong to the same stack */
#define KERNEL_HALF 0xffff800000000000ull

const char *const band_names[BAND_COUNT] = {
    [BAND_R3_64] = "ring 3 64-bit", [BAND_R3_COMPAT] = "ring 3 compat",
    [BAND_R3_PROT] = "ring 3 prot", [BAND_R0_64] = "ring 0 64-bit",
    [BAND_R0_COMPAT] = "ring 0 compat", [BAND_R0_PROT] = "ring 0 prot",
    [BAND_REAL] = "real mode",
};

const struct lane_info lane_info[LANE_COUNT] = {
    [LANE_SYSCALL] = { "syscall", 0xffc400 },
    [LANE_SYSRET] = { "sysret", 0xfff5a0 },
    [LANE_SYSENTER] = { "sysenter", 0x19c3ff },
    [LANE_SYSEXIT] = { "sysexit", 0x9ce3ff },
    [LANE_INT] = { "int n", 0xc27dff },
    [LANE_EXCEPTION] = { "exception", 0xff4d6d },
    [LANE_IRQ] = { "irq/nmi", 0x4dff88 },
    [LANE_IRET] = { "iret", 0xe0b3ff },
    [LANE_FAR] = { "far call/jmp", 0xa0a0a0 },
    [LANE_CR3] = { "cr3 write", 0xff7a1a },
    [LANE_MODE] = { "mode switch", 0x3ff0d0 },
};

static const enum lane kind_lane[RS_EV_KIND_COUNT] = {
    [RS_EV_SYSCALL] = LANE_SYSCALL, [RS_EV_SYSRET] = LANE_SYSRET,
    [RS_EV_SYSENTER] = LANE_SYSENTER, [RS_EV_SYSEXIT] = LANE_SYSEXIT,
    [RS_EV_SOFT_INT] = LANE_INT, [RS_EV_EXCEPTION] = LANE_EXCEPTION,
    [RS_EV_IRQ] = LANE_IRQ, [RS_EV_NMI] = LANE_IRQ, [RS_EV_IRET] = LANE_IRET,
    [RS_EV_FAR_CALL] = LANE_FAR, [RS_EV_FAR_JMP] = LANE_FAR, [RS_EV_FAR_RET] = LANE_FAR,
    [RS_EV_CR3_WRITE] = LANE_CR3, [RS_EV_MODE_SWITCH] = LANE_MODE,
    [RS_EV_TRIPLE_FAULT] = LANE_EXCEPTION,
};

enum lane lane_of(rs_event_kind kind)
{
    return (unsigned)kind < RS_EV_KIND_COUNT ? kind_lane[kind] : LANE_EXCEPTION;
}

enum band band_of(unsigned cpl, rs_mode mode)
{
    bool user = cpl == 3;
    switch (mode) {
    case RS_MODE_REAL: return BAND_REAL;
    case RS_MODE_PROT16: case RS_MODE_PROT32: return user ? BAND_R3_PROT : BAND_R0_PROT;
    case RS_MODE_COMPAT16: case RS_MODE_COMPAT32: return user ? BAND_R3_COMPAT : BAND_R0_COMPAT;
    default: return user ? BAND_R3_64 : BAND_R0_64;
    }
}

bool band_is_user(enum band b)
{
    return b == BAND_R3_64 || b == BAND_R3_COMPAT || b == BAND_R3_PROT;
}

uint64_t cr3_space(uint64_t cr3)
{
    return cr3 & 0x000ffffffffff000ull;     /* without the PCID and the no-flush bit */
}

void rec_init(struct recorder *r, const struct symtab *syms)
{
    memset(r, 0, sizeof(*r));
    r->open_band = -1;
    r->syms = syms;
}

void rec_free(struct recorder *r)
{
    free(r->ev);
    free(r->s);
    for (int i = 0; i < LANE_COUNT; i++)
        free(r->by_lane[i]);
    for (int i = 0; i < BAND_COUNT; i++)
        free(r->spans[i]);
    memset(r, 0, sizeof(*r));
}

/* Make room for one more element of `size` bytes; false when out of memory. */
static bool grow(void **arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 1024;
    void *p = realloc(*arr, c * size);
    if (!p)
        return false;
    *arr = p;
    *cap = c;
    return true;
}

unsigned rec_task(struct recorder *r, uint64_t cr3)
{
    uint64_t space = cr3_space(cr3);
    for (unsigned i = 0; i < r->ntasks; i++)
        if (r->tasks[i] == space)
            return i;
    if (r->ntasks == MAX_TASKS)
        return MAX_TASKS - 1;           /* the last index stands for every later one */
    r->tasks[r->ntasks] = space;
    return r->ntasks++;
}

static unsigned stack_of(struct recorder *r, uint64_t rsp, unsigned cpl, unsigned task)
{
    bool kernel = rsp >= KERNEL_HALF;
    uint64_t owner = kernel ? task + 1u : 0;
    for (unsigned i = 0; i < r->nstacks; i++) {
        struct stack_region *s = &r->stacks[i];
        if (s->owner != owner || rsp + STACK_MERGE < s->lo || rsp > s->hi + STACK_MERGE)
            continue;
        if (rsp < s->lo)
            s->lo = rsp;
        if (rsp > s->hi)
            s->hi = rsp;
        return i;
    }
    if (r->nstacks == MAX_STACKS)
        return MAX_STACKS - 1;
    struct stack_region *s = &r->stacks[r->nstacks];
    *s = (struct stack_region){ owner, rsp, rsp, kernel, (uint8_t)task, "" };
    char sym[40];
    uint64_t off;
    const char *name = symtab_lookup(r->syms, rsp, &off);
    if (name)
        symtab_format(r->syms, rsp, sym, sizeof(sym));
    else
        snprintf(sym, sizeof(sym), "%llx", (unsigned long long)rsp);
    snprintf(s->label, sizeof(s->label), "%s %s", kernel ? "kernel" : cpl == 3 ? "user" : "ring 0",
             sym);
    return r->nstacks++;
}

static void add_sample(struct recorder *r, uint64_t cycle, uint64_t rsp, unsigned cpl,
                       uint64_t cr3)
{
    if (r->oom || !grow((void **)&r->s, r->ns, &r->caps, sizeof(*r->s))) {
        r->oom = true;
        return;
    }
    unsigned task = rec_task(r, cr3);
    r->s[r->ns++] = (struct sample){ cycle, rsp, (uint8_t)stack_of(r, rsp, cpl, task),
                                     (uint8_t)task };
}

/* The current span ends at `cycle`; a new one begins in `band`. */
static void open_span(struct recorder *r, enum band band, unsigned task, uint64_t cycle,
                      uint32_t event)
{
    if (r->open_band >= 0) {
        struct span *cur = &r->spans[r->open_band][r->nspan[r->open_band] - 1];
        if ((int)band == r->open_band && cur->task == task)
            return;                     /* the same band and address space: it goes on */
        cur->end = cycle;
    }
    if (!grow((void **)&r->spans[band], r->nspan[band], &r->capspan[band], sizeof(struct span))) {
        r->oom = true;
        r->open_band = -1;
        return;
    }
    r->spans[band][r->nspan[band]++] = (struct span){ cycle, UINT64_MAX, event, (uint8_t)task };
    r->open_band = band;
}

static unsigned machine_cpl(rs_machine *m, rs_mode mode)
{
    rs_segment ss;
    if (mode == RS_MODE_REAL || rs_get_segment(m, RS_SS, &ss))
        return 0;
    return (ss.attr >> 5) & 3;          /* CPL = SS.DPL */
}

void rec_machine(struct recorder *r, rs_machine *m, uint64_t base)
{
    r->base = base;
    rs_mode mode = RS_MODE_REAL;
    uint64_t cycles = 0, cr3 = 0;
    rs_get_mode(m, &mode);
    rs_counters(m, NULL, &cycles);
    rs_get_reg(m, RS_CR3, &cr3);
    if (!r->oom)
        open_span(r, band_of(machine_cpl(m, mode), mode), rec_task(r, cr3), base + cycles,
                  UINT32_MAX);
    rec_sample(r, m);
}

void rec_sample(struct recorder *r, rs_machine *m)
{
    rs_mode mode = RS_MODE_REAL;
    uint64_t cycles = 0, cr3 = 0, rsp = 0;
    rs_segment ss = { 0 };
    rs_get_mode(m, &mode);
    rs_counters(m, NULL, &cycles);
    rs_get_reg(m, RS_CR3, &cr3);
    rs_get_reg(m, RS_RSP, &rsp);
    rs_get_segment(m, RS_SS, &ss);
    if (mode == RS_MODE_REAL)
        rsp = ((uint64_t)ss.selector << 4) + (rsp & 0xffff);
    if (r->ns && r->s[r->ns - 1].cycle == r->base + cycles && r->s[r->ns - 1].rsp == rsp)
        return;
    add_sample(r, r->base + cycles, rsp, machine_cpl(m, mode), cr3);
}

/* The stack memory an event leaves: the frame the CPU pushed on the new
 * stack, or for IRET and far returns the frame it popped (still there). */
static void capture_frame(rs_machine *m, struct rec_event *e)
{
    const rs_event *ev = &e->ev;
    bool popped = ev->kind == RS_EV_IRET || ev->kind == RS_EV_FAR_RET;
    uint64_t rsp = popped ? ev->rsp_before : ev->rsp_after;
    rs_segment ss = { 0 };
    rs_get_segment(m, RS_SS, &ss);
    rs_mode mode = ev->mode_after;
    if (mode == RS_MODE_REAL)
        e->frame_addr = ((uint64_t)ss.selector << 4) + (rsp & 0xffff);
    else if (mode == RS_MODE_LONG64 || mode == RS_MODE_COMPAT16 || mode == RS_MODE_COMPAT32)
        e->frame_addr = rsp;            /* 64-bit frames; SS.base is ignored */
    else
        e->frame_addr = (uint32_t)(ss.base + rsp);
    e->frame_len = 0;
    /* As much as is mapped: the frame may end at the top of a page. */
    uint64_t room = 4096 - (e->frame_addr & 4095);
    size_t want = room < FRAME_BYTES ? (size_t)room : FRAME_BYTES;
    if (rs_read_virt(m, e->frame_addr, e->frame, want) == RS_OK) {
        e->frame_len = (uint8_t)want;
        if (want < FRAME_BYTES &&
            rs_read_virt(m, e->frame_addr + want, e->frame + want, FRAME_BYTES - want) == RS_OK)
            e->frame_len = FRAME_BYTES;
    }
}

long rec_event(struct recorder *r, rs_machine *m, const rs_event *ev)
{
    if (r->oom || r->n >= REC_MAX_EVENTS) {
        r->lost++;
        return -1;
    }
    if (!grow((void **)&r->ev, r->n, &r->cap, sizeof(*r->ev))) {
        r->oom = true;
        r->lost++;
        return -1;
    }
    struct rec_event *e = &r->ev[r->n];
    e->ev = *ev;
    e->ev.cycle += r->base;
    capture_frame(m, e);
    unsigned task = rec_task(r, ev->cr3_after);
    e->task_after = (uint8_t)task;
    enum lane l = lane_of(ev->kind);
    if (!grow((void **)&r->by_lane[l], r->nlane[l], &r->caplane[l], sizeof(uint32_t))) {
        r->oom = true;
        return -1;
    }
    uint32_t idx = (uint32_t)r->n++;
    r->by_lane[l][r->nlane[l]++] = idx;
    open_span(r, band_of(ev->cpl_after, ev->mode_after), task, e->ev.cycle, idx);
    /* The stack before and after, at the same moment: the jump between
     * stacks is a vertical line in the stack view. A CR3 write keeps the
     * stack, which still belongs to the task being switched out. */
    uint64_t cr3_after = ev->kind == RS_EV_CR3_WRITE ? ev->cr3_before : ev->cr3_after;
    add_sample(r, e->ev.cycle, ev->rsp_before, ev->cpl_before, ev->cr3_before);
    add_sample(r, e->ev.cycle, ev->rsp_after, ev->cpl_after, cr3_after);
    return (long)idx;
}

size_t rec_first_event_at(const struct recorder *r, uint64_t cycle)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ev[mid].ev.cycle < cycle)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t lane_lower(const struct recorder *r, enum lane l, uint64_t cycle)
{
    const uint32_t *a = r->by_lane[l];
    size_t lo = 0, hi = r->nlane[l];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ev[a[mid]].ev.cycle < cycle)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t rec_lane_count(const struct recorder *r, enum lane l, uint64_t c0, uint64_t c1)
{
    if (c1 <= c0)
        return 0;
    return lane_lower(r, l, c1) - lane_lower(r, l, c0);
}

const struct span *rec_span_in(const struct recorder *r, enum band b, uint64_t c0, uint64_t c1,
                               uint64_t now)
{
    const struct span *a = r->spans[b];
    size_t lo = 0, hi = r->nspan[b];
    /* The last span starting before c1. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid].start < c1)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return NULL;
    const struct span *s = &a[lo - 1];
    uint64_t end = s->end == UINT64_MAX ? (now > s->start ? now : s->start + 1) : s->end;
    return end > c0 ? s : NULL;
}

size_t rec_first_sample_at(const struct recorder *r, uint64_t cycle)
{
    size_t lo = 0, hi = r->ns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->s[mid].cycle < cycle)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
