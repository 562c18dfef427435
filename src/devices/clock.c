/*
 * Virtual time: a sorted list of timers against the CPU's cycle counter.
 * Few timers exist (PIT channels, LAPIC timer, RTC, UART pacing), so a
 * sorted singly linked list is the simplest correct structure.
 */
#include "devices/clock.h"

#include "cpu/cpu.h"

void clock_init(struct clock *c, struct cpu *cpu, uint64_t cpu_hz, uint64_t tsc_hz)
{
    c->cpu = cpu;
    c->cpu_hz = cpu_hz;
    c->tsc_hz = tsc_hz;
    c->armed = NULL;
}

uint64_t clock_now(const struct clock *c)
{
    return c->cpu->cycles;
}

void timer_init(struct timer *t, void (*fire)(void *dev, uint64_t now), void *dev)
{
    t->deadline = 0;
    t->fire = fire;
    t->dev = dev;
    t->armed = false;
    t->next = NULL;
}

void timer_disarm(struct clock *c, struct timer *t)
{
    if (!t->armed)
        return;
    for (struct timer **link = &c->armed; *link; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            break;
        }
    }
    t->armed = false;
    t->next = NULL;
}

void timer_arm(struct clock *c, struct timer *t, uint64_t deadline)
{
    timer_disarm(c, t);
    t->deadline = deadline;
    t->armed = true;
    /* After every timer with an earlier or equal deadline: equal deadlines
     * fire in arming order, which keeps runs deterministic. */
    struct timer **link = &c->armed;
    while (*link && (*link)->deadline <= deadline)
        link = &(*link)->next;
    t->next = *link;
    *link = t;
    /* A timer armed while the CPU runs (e.g. by an OUT to a device) that is
     * due before the CPU's current deadline ends the CPU's slice there. */
    if (deadline < c->cpu->cycle_deadline) {
        c->cpu->cycle_deadline = deadline;
        c->cpu->stop_block = true;
    }
}

uint64_t clock_next_deadline(const struct clock *c)
{
    return c->armed ? c->armed->deadline : UINT64_MAX;
}

void clock_fire_due(struct clock *c)
{
    uint64_t now = clock_now(c);
    while (c->armed && c->armed->deadline <= now) {
        struct timer *t = c->armed;
        c->armed = t->next;
        t->armed = false;
        t->next = NULL;
        t->fire(t->dev, now);
    }
}

uint64_t clock_cycles_from(const struct clock *c, uint64_t ticks, uint64_t ticks_hz)
{
    return (uint64_t)((unsigned __int128)ticks * c->cpu_hz / ticks_hz);
}

uint64_t clock_ticks_at(const struct clock *c, uint64_t cycles, uint64_t ticks_hz)
{
    return (uint64_t)((unsigned __int128)cycles * ticks_hz / c->cpu_hz);
}
