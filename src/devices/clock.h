/*
 * Virtual time. The CPU's cycle counter (cpu->cycles) is the only clock:
 * the TSC, the PIT, the local APIC timer and the RTC all derive from it.
 * Devices arm timers with absolute cycle deadlines; the machine runs the CPU
 * until the earliest deadline, then fires what is due; HLT with interrupts
 * enabled fast-forwards to the next deadline. Host time never enters (unless
 * the RTC is configured to read it), so runs are deterministic.
 */
#ifndef RINGSCOPE_CLOCK_H
#define RINGSCOPE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

struct timer {
    uint64_t deadline;          /* absolute cycle */
    void (*fire)(void *dev, uint64_t now);
    void *dev;
    bool armed;
    struct timer *next;         /* in the clock's sorted list */
};

struct clock {
    struct cpu *cpu;
    uint64_t cpu_hz;            /* core cycles per second of virtual time */
    uint64_t tsc_hz;            /* TSC ticks per second */
    struct timer *armed;        /* sorted by deadline, then by arming order */
};

void clock_init(struct clock *c, struct cpu *cpu, uint64_t cpu_hz, uint64_t tsc_hz);

/* Now, in core cycles. */
uint64_t clock_now(const struct clock *c);

/* Set up a timer (not armed). */
void timer_init(struct timer *t, void (*fire)(void *dev, uint64_t now), void *dev);

/* Arm (or re-arm) `t` to fire at absolute cycle `deadline`; a deadline in
 * the past fires at the next check. */
void timer_arm(struct clock *c, struct timer *t, uint64_t deadline);
void timer_disarm(struct clock *c, struct timer *t);

/* The earliest armed deadline, or UINT64_MAX. */
uint64_t clock_next_deadline(const struct clock *c);

/* Fire every timer whose deadline is <= now, in deadline order (a timer may
 * re-arm itself from its callback). */
void clock_fire_due(struct clock *c);

/* Convert between a device's time base and core cycles, exactly and
 * deterministically (128-bit arithmetic, rounding down). */
uint64_t clock_cycles_from(const struct clock *c, uint64_t ticks, uint64_t ticks_hz);
uint64_t clock_ticks_at(const struct clock *c, uint64_t cycles, uint64_t ticks_hz);

#endif
