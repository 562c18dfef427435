/*
 * The local APIC in xAPIC mode (SDM Vol. 3A, chapter 11): a 4 KiB MMIO page
 * at IA32_APIC_BASE, interrupt acceptance (IRR/ISR/TMR, TPR/PPR), EOI with
 * the broadcast to the I/O APIC, interprocessor interrupts to itself, the
 * local vector table and the timer (one-shot, periodic, TSC-deadline).
 *
 * The timer counts the 25 MHz core crystal clock (CPUID 15h) through the
 * divide configuration; its current count is derived from virtual time on
 * read, and a clock timer is armed at the cycle it reaches zero. TPR is
 * CR8 (SDM 11.8.6.1: TPR[7:4] = CR8[3:0]).
 */
#include "devices/lapic.h"

#include <stdio.h>
#include <stdlib.h>

#include "devices/ioapic.h"
#include "devices/pc.h"
#include "devices/pic.h"
#include "machine.h"

/* Version 14h (integrated xAPIC), max LVT entry 5: timer, thermal,
 * performance, LINT0, LINT1, error (no CMCI: MCG_CAP reports none); no
 * EOI-broadcast suppression (bit 24 = 0). */
#define LAPIC_VERSION 0x00050014u

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };
enum { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };

#define LVT_MASKED (1u << 16)
#define SVR_ENABLE (1u << 8)
#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)
#define ESR_ILLEGAL_REG  (1u << 7)
#define APIC_BASE_ENABLE (1ull << 11)

/* Writable bits of each LVT entry (SDM Figure 11-8). */
static const uint32_t lvt_writable[LVT_COUNT] = {
    0x000700ff,     /* timer: vector, mask, mode (17-18) */
    0x000107ff,     /* thermal: vector, delivery mode, mask */
    0x000107ff,     /* performance counters */
    0x0001a7ff,     /* LINT0: + polarity (13), trigger mode (15) */
    0x0001a7ff,     /* LINT1 */
    0x000100ff,     /* error: vector, mask */
};

/* How long a guest that lowers TPR with MOV CR8 may wait for the
 * interrupt TPR held back: MOV CR8 does not reach the APIC (docs/platform-
 * interrupts.md), so it is looked at again every this many cycles while an
 * interrupt waits on TPR alone. */
#define TPR_POLL_CYCLES 1000

struct lapic {
    struct machine *m;
    uint64_t base;              /* where the MMIO page is */
    bool enabled;               /* IA32_APIC_BASE[11] */
    uint32_t id, ldr, dfr, svr, icr_lo, icr_hi;
    uint32_t tpr;               /* last TPR write; bits 3:0 hold while CR8 = tpr >> 4 */
    uint32_t esr, esr_pending;  /* readable ESR; errors since the last ESR write */
    uint32_t lvt[LVT_COUNT];
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t dcr, initial;      /* divide configuration, initial count */
    bool t_running;             /* one-shot/periodic: counting */
    uint64_t t_start;           /* crystal tick at which the count was t_count0 */
    uint32_t t_count0;
    uint64_t deadline;          /* IA32_TSC_DEADLINE (0: disarmed) */
    struct timer timer, tpr_watch;
    bool logged_ipi, logged_self, logged_move;
};

/* ----------------------------------------------------------- 256-bit sets */

static bool bit_test(const uint32_t *r, unsigned v) { return r[v >> 5] >> (v & 31) & 1; }
static void bit_set(uint32_t *r, unsigned v) { r[v >> 5] |= 1u << (v & 31); }
static void bit_clear(uint32_t *r, unsigned v) { r[v >> 5] &= ~(1u << (v & 31)); }

/* The highest vector set, or -1. */
static int top(const uint32_t *r)
{
    for (int i = 7; i >= 0; i--)
        if (r[i])
            return i * 32 + 31 - __builtin_clz(r[i]);
    return -1;
}

/* ------------------------------------------------------------- priorities */

static uint32_t tpr(const struct lapic *l)
{
    uint32_t cr8 = (uint32_t)l->m->cpu.cr8 & 0xf;
    return (l->tpr >> 4) == cr8 ? l->tpr : cr8 << 4;
}

/* PPR (SDM 11.8.3.1): TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0. */
static uint32_t ppr(const struct lapic *l)
{
    int isrv = top(l->isr);
    uint32_t t = tpr(l), iv = isrv < 0 ? 0 : (uint32_t)isrv;
    return (t >> 4) >= (iv >> 4) ? t : (iv & 0xf0);
}

/* APR (SDM Figure 11-15): TPR if TPR[7:4] >= IRRV[7:4] and TPR[7:4] >
 * ISRV[7:4], else the highest of the three classes. */
static uint32_t apr(const struct lapic *l)
{
    int irrv = top(l->irr), isrv = top(l->isr);
    uint32_t t = tpr(l), rv = irrv < 0 ? 0 : (uint32_t)irrv, iv = isrv < 0 ? 0 : (uint32_t)isrv;
    if ((t >> 4) >= (rv >> 4) && (t >> 4) > (iv >> 4))
        return t;
    uint32_t a = t & 0xf0;
    if ((iv & 0xf0) > a)
        a = iv & 0xf0;
    if ((rv & 0xf0) > a)
        a = rv & 0xf0;
    return a;
}

bool lapic_enabled(const struct lapic *l)
{
    return l->enabled;
}

/* Pending interrupts stay deliverable while the APIC is software-disabled
 * (SDM 11.4.7.2: "held and require masking or handling by the CPU"). */
bool lapic_pending(const struct lapic *l)
{
    int v = top(l->irr);
    return l->enabled && v >= 0 && ((uint32_t)v & 0xf0) > (ppr(l) & 0xf0);
}

bool lapic_has_request(const struct lapic *l)
{
    return l->enabled && top(l->irr) >= 0;
}

bool lapic_lint0_extint(const struct lapic *l)
{
    uint32_t e = l->lvt[LVT_LINT0];
    return l->enabled && !(e & LVT_MASKED) && ((e >> 8) & 7) == APIC_DM_EXTINT;
}

uint8_t lapic_spurious_vector(const struct lapic *l)
{
    return (uint8_t)l->svr;
}

int lapic_ack(struct lapic *l)
{
    if (!lapic_pending(l))
        return -1;
    unsigned v = (unsigned)top(l->irr);
    bit_clear(l->irr, v);
    bit_set(l->isr, v);
    return (int)v;
}

void lapic_watch_tpr(struct lapic *l)
{
    int v = top(l->irr), isrv = top(l->isr);
    uint32_t cls = (uint32_t)v & 0xf0;
    bool held = l->enabled && v >= 0 && cls > ((isrv < 0 ? 0 : (uint32_t)isrv) & 0xf0) &&
                cls <= (tpr(l) & 0xf0);
    if (!held)
        timer_disarm(&l->m->clock, &l->tpr_watch);
    else if (!l->tpr_watch.armed)
        timer_arm(&l->m->clock, &l->tpr_watch, clock_now(&l->m->clock) + TPR_POLL_CYCLES);
}

static void tpr_watch_fire(void *dev, uint64_t now)
{
    struct lapic *l = dev;
    irq_update(l->m);
}

/* ------------------------------------------------------------- acceptance */

static void log_once(struct lapic *l, bool *flag, const char *what)
{
    if (*flag)
        return;
    *flag = true;
    machine_log(l->m, "local APIC: %s (reported once)", what);
}

static void error(struct lapic *l, uint32_t bits);

/* Put `vector` in IRR (SDM 11.5.5, 11.6: vectors 0-15 are illegal and set
 * the receive-illegal-vector error instead). TMR says how it was
 * triggered, for the EOI broadcast. */
static bool accept(struct lapic *l, unsigned vector, bool level)
{
    if (vector < 16) {
        error(l, ESR_RECV_ILLEGAL);
        return false;
    }
    bit_set(l->irr, vector);
    if (level)
        bit_set(l->tmr, vector);
    else
        bit_clear(l->tmr, vector);
    irq_update(l->m);
    return true;
}

/* An APIC error (SDM 11.5.3): logged for the next ESR write, and the error
 * LVT entry's interrupt if unmasked (an illegal error vector only logs). */
static void error(struct lapic *l, uint32_t bits)
{
    l->esr_pending |= bits;
    uint32_t e = l->lvt[LVT_ERROR];
    if (e & LVT_MASKED)
        return;
    if ((e & 0xff) < 16) {
        l->esr_pending |= ESR_RECV_ILLEGAL;
        return;
    }
    accept(l, e & 0xff, false);
}

/* A local interrupt source fired (timer; LVT entries of other sources have
 * nothing connected): its LVT entry says how it is delivered. */
static void local_interrupt(struct lapic *l, unsigned index)
{
    uint32_t e = l->lvt[index];
    if (e & LVT_MASKED)
        return;
    switch ((e >> 8) & 7) {
    case APIC_DM_FIXED: accept(l, e & 0xff, false); break;
    case APIC_DM_NMI: irq_nmi(l->m); break;
    default: break;
    }
}

bool lapic_match(const struct lapic *l, bool logical, uint8_t dest)
{
    if (dest == 0xff)
        return true;    /* broadcast, in both models */
    if (!logical)
        return dest == (l->id >> 24);
    uint8_t ldr = (uint8_t)(l->ldr >> 24);
    if ((l->dfr >> 28) == 0xf)
        return (dest & ldr) != 0;                               /* flat model */
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);     /* cluster model */
}

/* A software-disabled APIC does not take fixed interrupts (SDM 11.4.7.2
 * lists only INIT, NMI, SMI and SIPI as still answered). */
bool lapic_accept_message(struct lapic *l, uint8_t vector, bool level)
{
    if (!l->enabled || !(l->svr & SVR_ENABLE))
        return false;
    return accept(l, vector, level);
}

/* EOI (SDM 11.8.5): the highest ISR bit clears; a level-triggered vector
 * (TMR) is broadcast to the I/O APIC. */
static void eoi(struct lapic *l)
{
    int v = top(l->isr);
    if (v < 0)
        return;
    bit_clear(l->isr, (unsigned)v);
    if (bit_test(l->tmr, (unsigned)v) && l->m->pc && l->m->pc->ioapic)
        ioapic_eoi(l->m->pc->ioapic, (uint8_t)v);
    irq_update(l->m);
}

/* ------------------------------------------------------------------ IPIs */

/* ICR low written (SDM 11.6.1): the one CPU receives what is sent to it
 * (shorthand self or all, or a destination that matches it); anything for
 * other CPUs goes nowhere, reported once. */
static void send_ipi(struct lapic *l)
{
    uint32_t lo = l->icr_lo;
    unsigned vector = lo & 0xff, mode = (lo >> 8) & 7, shorthand = (lo >> 18) & 3;
    bool logical = lo & (1u << 11);
    uint8_t dest = (uint8_t)(l->icr_hi >> 24);
    bool self, others;
    switch (shorthand) {
    case 1: self = true; others = false; break;
    case 2: self = others = true; break;
    case 3: self = false; others = true; break;
    default:
        self = lapic_match(l, logical, dest);
        others = !self || dest == 0xff;
        break;
    }
    /* INIT level de-assert (level 0, trigger level) only resynchronises
     * arbitration IDs: nothing to do. */
    if (mode == APIC_DM_INIT && !(lo & (1u << 14)) && (lo & (1u << 15)))
        return;
    if (others)
        log_once(l, &l->logged_ipi, "an IPI to another CPU was ignored: this machine has one CPU");
    if (!self)
        return;
    switch (mode) {
    case APIC_DM_FIXED: case APIC_DM_LOWEST:
        if (vector < 16)
            error(l, ESR_SEND_ILLEGAL);
        else
            accept(l, vector, false);
        break;
    case APIC_DM_NMI:
        irq_nmi(l->m);
        break;
    default:
        log_once(l, &l->logged_self, "an INIT, SIPI or SMI IPI to this CPU itself was ignored");
        break;
    }
}

/* ----------------------------------------------------------------- timer */

static struct clock *clk(const struct lapic *l)
{
    return &l->m->clock;
}

static unsigned timer_mode(const struct lapic *l)
{
    unsigned mode = (l->lvt[LVT_TIMER] >> 17) & 3;
    return mode == 3 ? TIMER_ONESHOT : mode;    /* 11b is reserved: taken as one-shot */
}

/* Divide configuration (SDM Figure 11-10): bits 3, 1:0; 111b is by 1. */
static unsigned div_shift(const struct lapic *l)
{
    unsigned v = (l->dcr & 3) | ((l->dcr >> 1) & 4);
    return (v + 1) & 7;
}

static uint64_t crystal_now(const struct lapic *l)
{
    return clock_ticks_at(clk(l), clock_now(clk(l)), LAPIC_TIMER_HZ);
}

/* The first cycle at which `ticks` of a `hz` clock have elapsed, or
 * UINT64_MAX if that is beyond the 64-bit cycle counter. */
static uint64_t cycle_of(const struct lapic *l, uint64_t ticks, uint64_t hz)
{
    unsigned __int128 c = (unsigned __int128)ticks * clk(l)->cpu_hz / hz;
    if (c >= UINT64_MAX)
        return UINT64_MAX;
    uint64_t cyc = (uint64_t)c;
    if (clock_ticks_at(clk(l), cyc, hz) < ticks)
        cyc++;
    return cyc;
}

/* The current count register (SDM 11.5.4): counts down from the initial
 * count at the divided crystal rate; one-shot stops at 0, periodic reloads
 * the initial count; 0 in TSC-deadline mode. */
static uint32_t current_count(const struct lapic *l)
{
    if (!l->t_running || timer_mode(l) == TIMER_TSC_DEADLINE)
        return 0;
    uint64_t e = (crystal_now(l) - l->t_start) >> div_shift(l);
    if (e < l->t_count0)
        return (uint32_t)(l->t_count0 - e);
    if (timer_mode(l) != TIMER_PERIODIC || !l->initial)
        return 0;
    return l->initial - (uint32_t)((e - l->t_count0) % l->initial);
}

/* The crystal tick of the next time the count reaches 0, after `now`, or
 * UINT64_MAX. */
static uint64_t next_zero(const struct lapic *l, uint64_t now)
{
    unsigned sh = div_shift(l);
    uint64_t first = l->t_start + ((uint64_t)l->t_count0 << sh);
    if (now < first)
        return first;
    if (timer_mode(l) != TIMER_PERIODIC || !l->initial)
        return UINT64_MAX;
    uint64_t period = (uint64_t)l->initial << sh;
    return first + ((now - first) / period + 1) * period;
}

/* Arm the clock timer for the next interrupt the timer would deliver. A
 * masked timer keeps counting (its state is derived from time) without
 * being armed. */
static void timer_rearm(struct lapic *l)
{
    struct cpu *cpu = &l->m->cpu;
    timer_disarm(clk(l), &l->timer);
    if (!l->enabled || (l->lvt[LVT_TIMER] & LVT_MASKED))
        return;
    uint64_t at = UINT64_MAX;
    if (timer_mode(l) == TIMER_TSC_DEADLINE) {
        if (!l->deadline)
            return;
        uint64_t tsc = cpu_tsc(cpu);
        if (l->deadline <= tsc) {
            at = clock_now(clk(l));
        } else {
            /* cpu_tsc = floor(cycles * tsc_hz / cpu_hz) + offset */
            uint64_t base = clock_ticks_at(clk(l), clock_now(clk(l)), clk(l)->tsc_hz);
            uint64_t delta = l->deadline - tsc;
            if (base + delta >= base)
                at = cycle_of(l, base + delta, clk(l)->tsc_hz);
        }
    } else if (l->t_running) {
        uint64_t z = next_zero(l, crystal_now(l));
        if (z != UINT64_MAX)
            at = cycle_of(l, z, LAPIC_TIMER_HZ);
    }
    if (at != UINT64_MAX)
        timer_arm(clk(l), &l->timer, at);
}

static void timer_fire(void *dev, uint64_t now)
{
    struct lapic *l = dev;
    if (timer_mode(l) == TIMER_TSC_DEADLINE) {
        /* The deadline is met once the TSC reaches it; the MSR then reads
         * 0 (SDM 11.5.4.1). A TSC write since arming is re-checked here. */
        if (l->deadline && cpu_tsc(&l->m->cpu) >= l->deadline) {
            l->deadline = 0;
            local_interrupt(l, LVT_TIMER);
        }
    } else if (l->t_running) {
        if (timer_mode(l) == TIMER_ONESHOT)
            l->t_running = false;
        local_interrupt(l, LVT_TIMER);
    }
    timer_rearm(l);
}

static void write_initial_count(struct lapic *l, uint32_t v)
{
    if (timer_mode(l) == TIMER_TSC_DEADLINE)
        return;     /* ignored in TSC-deadline mode (SDM 11.5.4.1) */
    l->initial = v;
    l->t_running = v != 0;      /* 0 stops the timer */
    l->t_start = crystal_now(l);
    l->t_count0 = v;
    timer_rearm(l);
}

/* A new divide value applies from now on to the count already reached. */
static void write_divide(struct lapic *l, uint32_t v)
{
    uint32_t cc = current_count(l);
    l->dcr = v & 0xb;
    if (l->t_running && cc) {
        l->t_start = crystal_now(l);
        l->t_count0 = cc;
    }
    timer_rearm(l);
}

static void write_lvt(struct lapic *l, unsigned index, uint32_t v)
{
    uint32_t old = l->lvt[index];
    v &= lvt_writable[index];
    if (!(l->svr & SVR_ENABLE))
        v |= LVT_MASKED;    /* SDM 11.4.7.2: masks stay set while software-disabled */
    l->lvt[index] = v;
    if (index != LVT_TIMER)
        return;
    /* Changing between TSC-deadline and the other modes disarms the timer
     * (SDM 11.5.4.1). */
    bool was_tsc = ((old >> 17) & 3) == TIMER_TSC_DEADLINE, is_tsc = timer_mode(l) == TIMER_TSC_DEADLINE;
    if (was_tsc != is_tsc) {
        l->t_running = false;
        l->initial = 0;
        l->deadline = 0;
    }
    timer_rearm(l);
}

/* IA32_TSC_DEADLINE (cpu->hooks): reads 0 and ignores writes outside
 * TSC-deadline mode; 0 disarms. */
static uint64_t tsc_deadline_read(void *ctx)
{
    struct lapic *l = ctx;
    if (!l->enabled || timer_mode(l) != TIMER_TSC_DEADLINE)
        return 0;
    if (l->deadline && cpu_tsc(&l->m->cpu) >= l->deadline && (l->lvt[LVT_TIMER] & LVT_MASKED))
        l->deadline = 0;    /* a masked timer's deadline passed without the timer armed */
    return l->deadline;
}

static void tsc_deadline_write(void *ctx, uint64_t value)
{
    struct lapic *l = ctx;
    if (!l->enabled || timer_mode(l) != TIMER_TSC_DEADLINE)
        return;
    l->deadline = value;
    timer_rearm(l);
}

/* ------------------------------------------------------------- registers */

static uint32_t reg_read(struct lapic *l, unsigned reg)
{
    if (reg >= 0x100 && reg < 0x280) {
        const uint32_t *set = reg < 0x180 ? l->isr : reg < 0x200 ? l->tmr : l->irr;
        return set[(reg >> 4) & 7];
    }
    if (reg >= 0x320 && reg <= 0x370)
        return l->lvt[(reg - 0x320) >> 4];
    switch (reg) {
    case 0x020: return l->id;
    case 0x030: return LAPIC_VERSION;
    case 0x080: return tpr(l);
    case 0x090: return apr(l);
    case 0x0a0: return ppr(l);
    case 0x0b0: return 0;           /* EOI: write-only */
    case 0x0c0: return 0;           /* remote read: not used by xAPIC */
    case 0x0d0: return l->ldr;
    case 0x0e0: return l->dfr;
    case 0x0f0: return l->svr;
    case 0x280: return l->esr;
    case 0x300: return l->icr_lo;   /* delivery status: always idle */
    case 0x310: return l->icr_hi;
    case 0x380: return l->initial;
    case 0x390: return current_count(l);
    case 0x3e0: return l->dcr;
    default:
        error(l, ESR_ILLEGAL_REG);
        return 0;
    }
}

static void write_svr(struct lapic *l, uint32_t v)
{
    /* Bits 7:0 vector, 8 APIC software enable, 9 focus checking; bit 12
     * (EOI-broadcast suppression) is reserved: version bit 24 is 0. */
    l->svr = v & 0x3ff;
    if (!(l->svr & SVR_ENABLE)) {
        for (unsigned i = 0; i < LVT_COUNT; i++)
            l->lvt[i] |= LVT_MASKED;
        timer_rearm(l);
    }
    irq_update(l->m);
}

static void reg_write(struct lapic *l, unsigned reg, uint32_t v)
{
    if (reg >= 0x320 && reg <= 0x370) {
        write_lvt(l, (reg - 0x320) >> 4, v);
        irq_update(l->m);
        return;
    }
    switch (reg) {
    case 0x020: l->id = v & 0xff000000u; break;
    case 0x080:
        l->tpr = v & 0xff;
        l->m->cpu.cr8 = (v >> 4) & 0xf;
        irq_update(l->m);
        break;
    case 0x0b0: eoi(l); break;
    case 0x0d0: l->ldr = v & 0xff000000u; break;
    case 0x0e0: l->dfr = v | 0x0fffffffu; break;
    case 0x0f0: write_svr(l, v); break;
    case 0x280:
        /* Write, then read: the write latches the errors since the last
         * write (SDM 11.5.3). */
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        break;
    case 0x300:
        l->icr_lo = v & 0x000ccfffu;
        send_ipi(l);
        break;
    case 0x310: l->icr_hi = v & 0xff000000u; break;
    case 0x380: write_initial_count(l, v); break;
    case 0x3e0: write_divide(l, v); break;
    case 0x030: case 0x090: case 0x0a0: case 0x0c0: case 0x390:
        break;                      /* read-only */
    default:
        if (reg >= 0x100 && reg < 0x280)
            break;                  /* ISR, TMR, IRR: read-only */
        error(l, ESR_ILLEGAL_REG);
        break;
    }
}

/* MMIO: registers are 32 bits at 16-byte-aligned offsets (SDM 11.4.1).
 * Reads of any size return the bytes of the register (bytes 4-15 of a slot
 * read 0); writes count only when aligned and at least 32 bits wide. While
 * the APIC is globally disabled the page is not there: reads all-ones. */
static uint64_t lapic_mmio_read(void *dev, uint64_t offset, unsigned size)
{
    struct lapic *l = dev;
    uint64_t ones = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    if (!l->enabled)
        return ones;
    unsigned byte = offset & 0xf;
    if (byte >= 4)
        return 0;
    uint64_t v = reg_read(l, (unsigned)offset & 0xff0) >> (8 * byte);
    return v & ones;
}

static void lapic_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct lapic *l = dev;
    if (!l->enabled || (offset & 0xf) || size < 4)
        return;
    reg_write(l, (unsigned)offset & 0xff0, (uint32_t)value);
}

static const struct mmio_ops lapic_mmio = { lapic_mmio_read, lapic_mmio_write };

/* ------------------------------------------------------- reset and base */

/* The architectural power-up state (SDM 11.4.7.1): everything 0 but DFR
 * (all ones), the LVT entries (masked) and SVR (FFh, software-disabled). */
static void power_up(struct lapic *l)
{
    l->id = 0;
    l->ldr = l->icr_lo = l->icr_hi = l->tpr = 0;
    l->esr = l->esr_pending = 0;
    l->dfr = 0xffffffffu;
    l->svr = 0xff;
    for (unsigned i = 0; i < LVT_COUNT; i++)
        l->lvt[i] = LVT_MASKED;
    for (unsigned i = 0; i < 8; i++)
        l->irr[i] = l->isr[i] = l->tmr[i] = 0;
    l->dcr = l->initial = 0;
    l->t_running = false;
    l->deadline = 0;
    l->m->cpu.cr8 = 0;
    timer_disarm(clk(l), &l->timer);
    timer_disarm(clk(l), &l->tpr_watch);
}

/* Follow IA32_APIC_BASE: the MMIO page moves with the base; clearing the
 * global enable (bit 11) hides the page, hands INTR back to the PIC and
 * returns the APIC to its power-up state (SDM 11.4.3), which setting the
 * bit again finds. */
static void apply_base(struct lapic *l, uint64_t value)
{
    uint64_t base = value & ~0xfffull;
    if (base != l->base) {
        if (bus_move_mmio(&l->m->bus, l, base) == 0) {
            l->base = base;
        } else if (!l->logged_move) {
            l->logged_move = true;
            machine_log(l->m, "local APIC: cannot move the APIC page to %#llx (RAM or another "
                              "device is there); it stays at %#llx (reported once)",
                        (unsigned long long)base, (unsigned long long)l->base);
        }
    }
    bool en = value & APIC_BASE_ENABLE;
    if (en != l->enabled) {
        if (!en)
            power_up(l);
        l->enabled = en;
    }
    irq_update(l->m);
}

/* MOV to CR8 (cpu->hooks): a lowered TPR may release a held interrupt. */
static void tpr_written(void *ctx)
{
    struct lapic *l = ctx;
    irq_update(l->m);
}

static void apic_base_written(void *ctx, uint64_t value)
{
    apply_base(ctx, value);
}

/* Reset: the power-up state, then what a PC BIOS programs (SeaBIOS's
 * smp_setup, as QEMU guests find it): SVR 1FFh (software-enabled,
 * spurious vector FFh), LINT0 8700h (ExtINT: the 8259's INTR passes
 * through, "virtual wire"), LINT1 8400h (NMI). */
void lapic_reset(struct lapic *l)
{
    power_up(l);
    l->svr = 0x1ff;
    l->lvt[LVT_LINT0] = 0x8700;
    l->lvt[LVT_LINT1] = 0x8400;
    l->enabled = false;
    apply_base(l, l->m->cpu.msr.apic_base);
}

struct lapic *lapic_create(struct machine *m, char *err, size_t errlen)
{
    struct lapic *l = calloc(1, sizeof(*l));
    if (!l) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    l->m = m;
    l->base = m->cpu.msr.apic_base & ~0xfffull;
    timer_init(&l->timer, timer_fire, l);
    timer_init(&l->tpr_watch, tpr_watch_fire, l);
    if (bus_add_mmio(&m->bus, l->base, 0x1000, &lapic_mmio, l, "local APIC")) {
        snprintf(err, errlen, "local APIC: its page at %#llx is already claimed",
                 (unsigned long long)l->base);
        free(l);
        return NULL;
    }
    m->cpu.hooks = (struct cpu_hooks){ apic_base_written, tsc_deadline_read, tsc_deadline_write,
                                       tpr_written, l };
    lapic_reset(l);
    return l;
}

void lapic_destroy(struct lapic *l)
{
    timer_disarm(clk(l), &l->timer);
    timer_disarm(clk(l), &l->tpr_watch);
    l->m->cpu.hooks = (struct cpu_hooks){ 0 };
    free(l);
}
