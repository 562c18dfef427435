/*
 * The 8254 programmable interval timer (Intel 8254 datasheet) at ports
 * 40h-43h, and system control port B (61h).
 *
 * Nothing ticks: each channel records the PIT clock pulse at which its
 * counting element (CE) was loaded, and its count and OUT pin are computed
 * from virtual time when read. Pulse T is the T-th rising edge of the
 * 1,193,182 Hz clock; pulses so far = clock_ticks_at(now, PIT_HZ). A count
 * written between pulses T and T+1 is loaded into CE by pulse T+1 and
 * decrements from pulse T+2 on (datasheet: "the count is loaded on the next
 * CLK pulse after it is written").
 *
 * Channel 0 drives ISA IRQ0: a timer is armed at the exact cycle of its
 * next OUT edge. Channel 1 (DRAM refresh) has no output. Channel 2's gate
 * is port 61h bit 0 and its OUT is port 61h bit 5.
 */
#include "devices/pit.h"

#include <stdio.h>
#include <stdlib.h>

#include "devices/pc.h"
#include "devices/pic.h"
#include "machine.h"

#define NEVER UINT64_MAX

struct pit_channel {
    uint8_t control;            /* last control word, bits 5:0 (status byte) */
    uint8_t mode;               /* 0-5 (6 and 7 are 2 and 3) */
    uint8_t access;             /* 1 LSB only, 2 MSB only, 3 LSB then MSB */
    bool bcd;
    bool gate;
    uint32_t cr;                /* the count register: 1..max (0 written is max) */
    bool cr_valid;              /* a count was written after the control word */
    bool write_msb;             /* LSB-then-MSB: the MSB is written next */
    uint8_t lsb;
    bool read_msb;              /* LSB-then-MSB: the MSB is read next */

    bool running;               /* CE counts from `start` */
    uint64_t start;             /* the pulse that loaded CE with n */
    uint32_t n;
    uint64_t switch_at;         /* modes 2, 3: `next_n` loads at this pulse (0: none) */
    uint32_t next_n;
    bool paused;                /* modes 0, 4 with GATE low: counting held at `pause` */
    uint64_t pause;
    uint32_t hold;              /* CE while not running */
    uint64_t null_until;        /* NULL COUNT reads 1 before this pulse */

    bool latched, status_latched;
    uint16_t latch;
    uint8_t status;
};

struct pit {
    struct machine *m;
    struct pit_channel ch[3];
    uint8_t port61;             /* bits 3:0 as written */
    struct timer timer;         /* channel 0's next OUT edge */
    uint64_t edge;              /* the pulse the timer is armed for */
    bool irq_level;             /* the level driven on IRQ0 */
    bool resetting;             /* pit_reset: IRQ0 takes its level without an edge */
};

/* ------------------------------------------------------------ time bases */

static uint64_t now_tick(const struct pit *p)
{
    return clock_ticks_at(&p->m->clock, clock_now(&p->m->clock), PIT_HZ);
}

/* The first cycle at which pulse `t` has happened (clock_ticks_at >= t). */
static uint64_t cycle_of_tick(const struct pit *p, uint64_t t)
{
    uint64_t c = clock_cycles_from(&p->m->clock, t, PIT_HZ);
    if (clock_ticks_at(&p->m->clock, c, PIT_HZ) < t)
        c++;
    return c;
}

static uint32_t max_count(const struct pit_channel *c)
{
    return c->bcd ? 10000 : 65536;
}

static uint32_t from_bcd(uint32_t v)
{
    return (v & 0xf) + 10 * ((v >> 4) & 0xf) + 100 * ((v >> 8) & 0xf) + 1000 * ((v >> 12) & 0xf);
}

static uint16_t to_bcd(uint32_t v)
{
    return (uint16_t)((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

/* ------------------------------------------------------ counting element */

/* The count and OUT of a channel at pulse `t` (t >= the last state change).
 * Modes per the datasheet's "Mode Definitions":
 *   0 interrupt on terminal count: OUT low until CE reaches 0, then high;
 *   1 hardware one-shot: OUT low from the pulse after the trigger to TC;
 *   2 rate generator: OUT low for one pulse when CE reaches 1, period n;
 *   3 square wave: OUT high for ceil(n/2) pulses, low for floor(n/2);
 *   4, 5 strobes: OUT low for the one pulse at which CE reaches 0.
 * A count of 1 is illegal in modes 2 and 3; such a channel keeps OUT high. */
static void eval(const struct pit_channel *c, uint64_t t, uint32_t *ce, bool *out)
{
    uint32_t max = max_count(c);
    if (!c->running) {
        *ce = c->hold;
        *out = c->mode != 0;    /* OUT after the mode set (and modes 2/3 with GATE low) */
        return;
    }
    if (c->paused && t > c->pause)
        t = c->pause;
    uint64_t s = c->start;
    uint32_t n = c->n;
    if (c->switch_at && t >= c->switch_at) {
        s = c->switch_at;
        n = c->next_n;
    }
    if (t < s) {
        *ce = c->hold;
        *out = c->mode != 0;
        return;
    }
    uint64_t k = t - s;
    uint32_t h = (n + 1) / 2;
    switch (c->mode) {
    case 2:
        *ce = n < 2 ? 1 : (n - (uint32_t)(k % n)) % max;
        *out = n < 2 || k % n != n - 1;
        return;
    case 3:
        if (n < 2) {
            *ce = 1;
            *out = true;
            return;
        }
        k %= n;
        *out = k < h;
        *ce = ((n & ~1u) - 2 * (uint32_t)(k < h ? k : k - h)) % max;
        return;
    default:
        *ce = (uint32_t)((n + max - k % max) % max);
        if (c->mode == 0 || c->mode == 1)
            *out = k >= n;
        else
            *out = k != n;
        return;
    }
}

/* The first pulse after `t` at which OUT changes, or NEVER. */
static uint64_t next_edge(const struct pit_channel *c, uint64_t t)
{
    if (!c->running || c->paused)
        return NEVER;
    uint64_t s = c->start;
    uint32_t n = c->n;
    if (c->switch_at && t >= c->switch_at) {
        s = c->switch_at;
        n = c->next_n;
    }
    uint32_t h = (n + 1) / 2;
    if (t < s) {
        switch (c->mode) {
        case 1: return s;
        case 2: return n < 2 ? NEVER : s + n - 1;
        case 3: return n < 2 ? NEVER : s + h;
        default: return s + n;
        }
    }
    uint64_t k = t - s, ph = k % (n ? n : 1);
    switch (c->mode) {
    case 0: case 1: return k < n ? s + n : NEVER;
    case 2: return n < 2 ? NEVER : ph < n - 1 ? t + (n - 1 - ph) : t + 1;
    case 3: return n < 2 ? NEVER : ph < h ? t + (h - ph) : t + (n - ph);
    default: return k < n ? s + n : k == n ? s + n + 1 : NEVER;
    }
}

/* The CE register value (16 bits, BCD-encoded in BCD mode) at pulse t. */
static uint16_t read_ce(const struct pit_channel *c, uint64_t t)
{
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    return c->bcd ? to_bcd(ce) : (uint16_t)ce;
}

static uint32_t raw_ce(const struct pit_channel *c, uint64_t t)
{
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    return ce;
}

static bool out_at(const struct pit_channel *c, uint64_t t)
{
    uint32_t ce;
    bool out;
    eval(c, t, &ce, &out);
    return out;
}

/* Make a pending mode 2/3 count switch that has happened part of the state. */
static void settle(struct pit_channel *c, uint64_t t)
{
    if (c->running && c->switch_at && t >= c->switch_at) {
        c->start = c->switch_at;
        c->n = c->next_n;
        c->switch_at = 0;
    }
}

/* (Re)start counting with the count register: CE loaded at pulse t + 1. */
static void load(struct pit_channel *c, uint64_t t)
{
    c->hold = raw_ce(c, t);
    c->running = true;
    c->start = t + 1;
    c->n = c->cr;
    c->switch_at = 0;
    c->paused = false;
    c->null_until = c->start;
}

/* ----------------------------------------------------------- channel 0 IRQ */

static void drive_irq(struct pit *p, bool level)
{
    if (p->resetting) {
        p->irq_level = level;
        irq_init_line(p->m, IRQ_PIT, level);
    } else if (level != p->irq_level) {
        p->irq_level = level;
        irq_set(p->m, IRQ_PIT, level);
    }
}

static void arm(struct pit *p, uint64_t edge)
{
    p->edge = edge;
    if (edge == NEVER)
        timer_disarm(&p->m->clock, &p->timer);
    else
        timer_arm(&p->m->clock, &p->timer, cycle_of_tick(p, edge));
}

/* Channel 0 was reprogrammed at pulse t: drive its OUT and arm the next edge. */
static void sync_irq(struct pit *p, uint64_t t)
{
    drive_irq(p, out_at(&p->ch[0], t));
    arm(p, next_edge(&p->ch[0], t));
}

/* The next OUT edge of channel 0 is due. Edges the machine stepped over
 * (it checks timers between instructions) are replayed in order, so the
 * PIC sees every rising edge, a one-pulse low of mode 2 included. */
static void pit_fire(void *dev, uint64_t now)
{
    struct pit *p = dev;
    struct pit_channel *c = &p->ch[0];
    uint64_t t = now_tick(p), e = p->edge;
    for (unsigned i = 0; e != NEVER && e <= t && i < 8; i++) {
        drive_irq(p, out_at(c, e));
        e = next_edge(c, e);
    }
    if (e != NEVER && e <= t) {     /* far behind: resynchronise */
        drive_irq(p, out_at(c, t));
        e = next_edge(c, t);
    }
    settle(c, t);
    arm(p, e);
}

bool pit_out(struct pit *p, unsigned ch)
{
    return out_at(&p->ch[ch], now_tick(p));
}

/* ------------------------------------------------------------------ gates */

/* GATE (datasheet, "Gate" table): modes 0 and 4 count only while GATE is
 * high; modes 1 and 5 start on its rising edge; modes 2 and 3 stop with OUT
 * high while it is low and reload on its rising edge. */
static void set_gate(struct pit_channel *c, bool level, uint64_t t)
{
    if (level == c->gate)
        return;
    settle(c, t);
    c->gate = level;
    switch (c->mode) {
    case 0: case 4:
        if (!level) {
            c->paused = true;
            c->pause = t > c->start ? t : c->start;
        } else if (c->paused) {
            if (c->running && t > c->pause)
                c->start += t - c->pause;
            c->paused = false;
        }
        break;
    case 1: case 5:
        if (level && c->cr_valid)
            load(c, t);
        break;
    default:
        if (!level) {
            c->hold = raw_ce(c, t);
            c->running = false;
        } else if (c->cr_valid) {
            load(c, t);
        }
        break;
    }
}

/* --------------------------------------------------------------- programming */

/* A complete count was written (datasheet, "Write Operations" and each
 * mode's "new count" rule). */
static void count_written(struct pit_channel *c, uint32_t raw, uint64_t t)
{
    uint32_t n = c->bcd ? from_bcd(raw) : raw;
    c->cr = n ? n : max_count(c);
    c->cr_valid = true;
    settle(c, t);
    switch (c->mode) {
    case 0: case 4:
        /* Loaded on the next pulse; mode 0's OUT goes low at once. */
        load(c, t);
        if (!c->gate) {
            c->paused = true;
            c->pause = c->start;
        }
        break;
    case 1: case 5:
        /* Used at the next trigger; NULL COUNT until then. */
        c->null_until = NEVER;
        break;
    default:
        if (c->running && t >= c->start) {
            /* Modes 2 and 3: the current period finishes first. (Mode 3
             * strictly switches at the end of the current half-cycle; the
             * end of the period is used, which keeps OUT's shape.) */
            uint64_t k = t - c->start;
            c->next_n = c->cr;
            c->switch_at = c->start + (k / c->n + 1) * (uint64_t)c->n;
            c->null_until = c->switch_at;
        } else if (c->running) {
            c->n = c->cr;
        } else if (c->gate) {
            load(c, t);
        } else {
            c->null_until = NEVER;
        }
        break;
    }
}

static void latch_count(struct pit_channel *c, uint64_t t)
{
    if (c->latched)
        return;     /* a second latch before the read is ignored */
    c->latched = true;
    c->latch = read_ce(c, t);
}

static void latch_status(struct pit_channel *c, uint64_t t)
{
    if (c->status_latched)
        return;
    c->status_latched = true;
    c->status = (uint8_t)((out_at(c, t) ? 0x80 : 0) | (t < c->null_until ? 0x40 : 0) | c->control);
}

/* Port 43h: control word, counter latch (RW = 00) or read-back (SC = 11). */
static void control_write(struct pit *p, uint8_t v, uint64_t t)
{
    unsigned sc = v >> 6;
    if (sc == 3) {
        for (unsigned i = 0; i < 3; i++) {
            if (!(v & (2u << i)))
                continue;
            if (!(v & 0x20))
                latch_count(&p->ch[i], t);
            if (!(v & 0x10))
                latch_status(&p->ch[i], t);
        }
        return;
    }
    struct pit_channel *c = &p->ch[sc];
    if (!(v & 0x30)) {
        latch_count(c, t);
        return;
    }
    settle(c, t);
    c->hold = raw_ce(c, t);
    c->control = v & 0x3f;
    c->access = (v >> 4) & 3;
    c->mode = (v >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;
    c->bcd = v & 1;
    c->running = c->paused = false;
    c->switch_at = 0;
    c->cr_valid = c->write_msb = c->read_msb = false;
    c->latched = c->status_latched = false;
    c->null_until = NEVER;
    if (sc == 0)
        sync_irq(p, t);
}

static void counter_write(struct pit *p, unsigned i, uint8_t v, uint64_t t)
{
    struct pit_channel *c = &p->ch[i];
    switch (c->access) {
    case 1: count_written(c, v, t); break;
    case 2: count_written(c, (uint32_t)v << 8, t); break;
    default:
        if (!c->write_msb) {
            c->lsb = v;
            c->write_msb = true;
            return;
        }
        c->write_msb = false;
        count_written(c, c->lsb | (uint32_t)v << 8, t);
        break;
    }
    if (i == 0)
        sync_irq(p, t);
}

static uint8_t counter_read(struct pit_channel *c, uint64_t t)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v = c->latched ? c->latch : read_ce(c, t);
    uint8_t b;
    switch (c->access) {
    case 1: b = (uint8_t)v; c->latched = false; break;
    case 2: b = (uint8_t)(v >> 8); c->latched = false; break;
    default:
        if (!c->read_msb) {
            b = (uint8_t)v;
            c->read_msb = true;
        } else {
            b = (uint8_t)(v >> 8);
            c->read_msb = false;
            c->latched = false;
        }
        break;
    }
    return b;
}

/* Port 61h: bit 0 channel 2 gate, bit 1 speaker data, bits 2-3 parity and
 * channel checks (stored); read-only bit 4 toggles with every DRAM refresh
 * request (every 18 PIT pulses, 15.085 us, as channel 1's refresh count
 * gives), bit 5 is channel 2's OUT; bits 6-7 (NMI sources) read 0. */
static uint8_t port61_read(struct pit *p, uint64_t t)
{
    return (uint8_t)((p->port61 & 0x0f) | ((t / 18) & 1) << 4 | (out_at(&p->ch[2], t) ? 0x20 : 0));
}

static uint32_t pit_port_in(void *dev, uint16_t port, unsigned size)
{
    struct pit *p = dev;
    uint64_t t = now_tick(p);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t a = (uint16_t)(port + i);
        uint8_t b = 0xff;       /* 43h has no read (8254: no-operation) */
        if (a >= 0x40 && a <= 0x42)
            b = counter_read(&p->ch[a - 0x40], t);
        else if (a == 0x61)
            b = port61_read(p, t);
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void pit_port_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct pit *p = dev;
    uint64_t t = now_tick(p);
    for (unsigned i = 0; i < size; i++) {
        uint16_t a = (uint16_t)(port + i);
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (a >= 0x40 && a <= 0x42) {
            counter_write(p, a - 0x40, b, t);
        } else if (a == 0x43) {
            control_write(p, b, t);
        } else if (a == 0x61) {
            p->port61 = b & 0x0f;
            set_gate(&p->ch[2], b & 1, t);
        }
    }
}

static const struct port_ops pit_ports = { pit_port_in, pit_port_out };

/* ------------------------------------------------------------ life cycle */

/* The state a PC BIOS leaves: channel 0 in mode 2 with count 0 (65536:
 * 18.2 Hz on IRQ0, SeaBIOS's pit_setup), channel 1 in mode 2 with count 18
 * (the refresh rate), channel 2 in mode 3 with count 0 and its gate low
 * (speaker off); port 61h zero. OUT0 is high, as after the BIOS's
 * programming: the PIC sees the level without an edge, so nothing is
 * pending at power-on. */
void pit_reset(struct pit *p)
{
    static const uint8_t control[3] = { 0x34, 0x54, 0xb6 };
    static const uint32_t count[3] = { 0, 18, 0 };
    uint64_t t = now_tick(p);
    p->port61 = 0;
    p->resetting = true;
    for (unsigned i = 0; i < 3; i++) {
        struct pit_channel *c = &p->ch[i];
        *c = (struct pit_channel){ .gate = i != 2 };
        control_write(p, control[i], t);
        if (c->access == 3) {
            counter_write(p, i, (uint8_t)count[i], t);
            counter_write(p, i, (uint8_t)(count[i] >> 8), t);
        } else {
            counter_write(p, i, (uint8_t)count[i], t);
        }
    }
    p->resetting = false;
}

struct pit *pit_create(struct machine *m, char *err, size_t errlen)
{
    struct pit *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    p->m = m;
    timer_init(&p->timer, pit_fire, p);
    if (bus_add_ports(&m->bus, 0x40, 4, &pit_ports, p, "8254 PIT") ||
        bus_add_ports(&m->bus, 0x61, 1, &pit_ports, p, "port 61h")) {
        snprintf(err, errlen, "8254: I/O ports 40h-43h or 61h already claimed");
        free(p);
        return NULL;
    }
    pit_reset(p);
    return p;
}

void pit_destroy(struct pit *p)
{
    timer_disarm(&p->m->clock, &p->timer);
    free(p);
}
