/*
 * The window's memory of the run: every transition event (with the stack
 * memory it left behind), the spans of time spent in each privilege level
 * and mode, and RSP samples sorted into stacks. Cycles here are global:
 * counted from the first power-on, across guest reboots.
 */
#ifndef RINGSCOPE_DEBUG_RECORDER_H
#define RINGSCOPE_DEBUG_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ringscope/ringscope.h"

struct symtab;

/* Timeline bands: one per privilege level and mode (recorder.c: band_names). */
enum band {
    BAND_R3_64, BAND_R3_COMPAT, BAND_R3_PROT,
    BAND_R0_64, BAND_R0_COMPAT, BAND_R0_PROT,
    BAND_REAL,
    BAND_COUNT
};
extern const char *const band_names[BAND_COUNT];
enum band band_of(unsigned cpl, rs_mode mode);
bool band_is_user(enum band b);

/* Marker lanes: kinds of transition grouped as the timeline shows them. */
enum lane {
    LANE_SYSCALL, LANE_SYSRET, LANE_SYSENTER, LANE_SYSEXIT, LANE_INT, LANE_EXCEPTION,
    LANE_IRQ, LANE_IRET, LANE_FAR, LANE_CR3, LANE_MODE,
    LANE_COUNT
};
struct lane_info {
    const char *name;
    uint32_t color;             /* the marker colour (theme: unique in the window) */
};
extern const struct lane_info lane_info[LANE_COUNT];
enum lane lane_of(rs_event_kind kind);

#define FRAME_BYTES 64

/* One transition. */
struct rec_event {
    rs_event ev;                /* ev.cycle is global */
    uint64_t frame_addr;        /* linear address of `frame` (the new stack, or the popped frame) */
    uint8_t frame[FRAME_BYTES];
    uint8_t frame_len;          /* bytes readable there (0: not mapped) */
    uint8_t task_after;         /* task index of cr3_after */
};

/* Time in one band and one address space: [start, end). */
struct span {
    uint64_t start, end;        /* end is UINT64_MAX while the span is the current one */
    uint32_t event;             /* the event that began it (UINT32_MAX: the machine's start) */
    uint8_t task;
};

/* An RSP value at a moment. */
struct sample {
    uint64_t cycle, rsp;
    uint8_t stack;              /* index in rec.stacks */
    uint8_t task;
};

/* A stack: RSP values close together (within STACK_MERGE bytes) in the same
 * owner (kernel-half stacks are told apart per address space, since the
 * kernel's stacks can sit next to each other). */
struct stack_region {
    uint64_t owner, lo, hi;
    bool kernel;                /* in the upper (kernel) half of the address space */
    uint8_t task;
    char label[48];
};

#define MAX_STACKS 64
#define MAX_TASKS 255
#define REC_MAX_EVENTS (1u << 20)   /* about 200 MiB; later events are counted, not kept */

struct recorder {
    struct rec_event *ev;
    size_t n, cap;
    uint64_t lost;                  /* events past REC_MAX_EVENTS */
    uint32_t *by_lane[LANE_COUNT];  /* event indices per lane, in time order */
    size_t nlane[LANE_COUNT], caplane[LANE_COUNT];
    struct span *spans[BAND_COUNT];
    size_t nspan[BAND_COUNT], capspan[BAND_COUNT];
    int open_band;                  /* the band of the current span, or -1 */
    struct sample *s;
    size_t ns, caps;
    struct stack_region stacks[MAX_STACKS];
    unsigned nstacks;
    uint64_t tasks[MAX_TASKS];      /* CR3 (address bits) of each task index */
    unsigned ntasks;
    uint64_t base;                  /* cycles of machines before the current one */
    const struct symtab *syms;
    bool oom;                       /* a host allocation failed: recording stopped */
};

void rec_init(struct recorder *r, const struct symtab *syms);
void rec_free(struct recorder *r);
/* A new machine (power-on or after a reboot): `base` is the global cycle of
 * its cycle 0. Opens a span for its current state. */
void rec_machine(struct recorder *r, rs_machine *m, uint64_t base);
/* Record an event (the subscriber's work). Returns its index, or -1 if it
 * was not kept. */
long rec_event(struct recorder *r, rs_machine *m, const rs_event *ev);
/* An RSP sample of the machine as it is now. */
void rec_sample(struct recorder *r, rs_machine *m);

/* Task index of an address space (CR3 with PCID and flag bits masked). */
unsigned rec_task(struct recorder *r, uint64_t cr3);
uint64_t cr3_space(uint64_t cr3);

/* Queries, for the views. */
size_t rec_first_event_at(const struct recorder *r, uint64_t cycle);   /* first with cycle >= */
size_t rec_lane_count(const struct recorder *r, enum lane l, uint64_t c0, uint64_t c1);
/* A span of band `b` overlapping [c0, c1), or NULL; `now` ends the current one. */
const struct span *rec_span_in(const struct recorder *r, enum band b, uint64_t c0, uint64_t c1,
                               uint64_t now);
size_t rec_first_sample_at(const struct recorder *r, uint64_t cycle);

#endif
