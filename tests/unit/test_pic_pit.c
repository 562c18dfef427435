/*
 * The 8259A pair and the 8254 PIT on a PC built with rs_create_pc, driven
 * through the bus (IN/OUT as the CPU does them) and through virtual time:
 * counts read back at known PIT pulses, IRQ0 edges at their exact cycle,
 * every PIT mode, latch and read-back, port 61h; PIC priority, masking,
 * EOI kinds, rotation, auto-EOI, special mask mode, poll, spurious
 * interrupts, the cascade and the ELCR; and a real-mode guest that
 * programs both and sleeps in HLT between timer interrupts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pc.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "machine.h"
#include "ringscope/ringscope.h"

static rs_machine *rm;
static struct machine *m;

static void setup(void)
{
    char err[160];
    rs_pc_config cfg = { 0 };
    ck_assert_int_eq(rs_create_pc(&cfg, &rm, err, sizeof(err)), RS_OK);
    /* Timing assertions below count instructions: one cycle each. */
    ck_assert_int_eq(rs_set_cpu_model(rm, "one-cycle"), RS_OK);
    m = (struct machine *)rm;
}

static void teardown(void)
{
    rs_destroy(rm);
}

static void out8(uint16_t port, uint8_t v) { bus_out(&m->bus, port, 1, v); }
static uint8_t in8(uint16_t port) { return (uint8_t)bus_in(&m->bus, port, 1); }

/* ---- virtual time ---- */

static uint64_t tick_now(void)
{
    return clock_ticks_at(&m->clock, m->cpu.cycles, PIT_HZ);
}

/* The first cycle at which PIT pulse t has happened. */
static uint64_t cycle_of_tick(uint64_t t)
{
    uint64_t c = clock_cycles_from(&m->clock, t, PIT_HZ);
    if (clock_ticks_at(&m->clock, c, PIT_HZ) < t)
        c++;
    return c;
}

static void goto_cycle(uint64_t c)
{
    ck_assert_uint_ge(c, m->cpu.cycles);
    m->cpu.cycles = c;
    clock_fire_due(&m->clock);
}

static void goto_tick(uint64_t t)
{
    goto_cycle(cycle_of_tick(t));
}

/* ---- PIC helpers ---- */

static void init_pics(uint8_t master_base, uint8_t slave_base)
{
    out8(0x20, 0x11);
    out8(0x21, master_base);
    out8(0x21, 0x04);
    out8(0x21, 0x01);
    out8(0xa0, 0x11);
    out8(0xa1, slave_base);
    out8(0xa1, 0x02);
    out8(0xa1, 0x01);
    out8(0x21, 0x00);
    out8(0xa1, 0x00);
}

static uint8_t irr(uint16_t base) { out8(base, 0x0a); return in8(base); }
static uint8_t isr(uint16_t base) { out8(base, 0x0b); return in8(base); }
static bool intr(void) { return m->cpu.intr.ext_pending; }
static int inta(void) { return m->cpu.intr.ack(m->cpu.intr.ack_ctx); }

/* ======================================================================== PIT */

/* Program channel `ch` with control word `cw` and a 16-bit LSB/MSB count. */
static void pit_program(unsigned ch, uint8_t cw, uint16_t count)
{
    out8(0x43, cw);
    out8(0x40 + ch, count & 0xff);
    out8(0x40 + ch, count >> 8);
}

/* Latch and read channel `ch`'s count (LSB/MSB access). */
static uint16_t pit_latched(unsigned ch)
{
    out8(0x43, (uint8_t)(ch << 6));
    uint8_t lo = in8(0x40 + ch);
    return (uint16_t)(lo | in8(0x40 + ch) << 8);
}

/* Mode 2 on channel 0: loaded on the pulse after the write, counts down
 * one per pulse, reloads every n pulses; IRR0 rises at the exact cycle of
 * OUT's rising edge (n pulses after the load) and not one cycle before. */
START_TEST(pit_mode2_counts_and_irq0_edges)
{
    goto_cycle(12345);
    uint64_t l = tick_now();
    pit_program(0, 0x34, 1000);
    init_pics(0x20, 0x28);          /* ICW1 drops the edge latched at power-on */
    uint64_t s = l + 1;
    goto_tick(s);
    ck_assert_uint_eq(pit_latched(0), 1000);
    goto_tick(s + 1);
    ck_assert_uint_eq(pit_latched(0), 999);
    goto_tick(s + 998);
    ck_assert_uint_eq(pit_latched(0), 2);
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_tick(s + 999);             /* CE = 1: OUT low for one pulse */
    ck_assert_uint_eq(pit_latched(0), 1);
    goto_cycle(cycle_of_tick(s + 1000) - 1);
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_cycle(cycle_of_tick(s + 1000));
    ck_assert_uint_eq(irr(0x20) & 1, 1);
    ck_assert_uint_eq(pit_latched(0), 1000);     /* reloaded */
    ck_assert_int_eq(inta(), 0x20);
    out8(0x20, 0x20);
    /* The next period: again 1000 pulses later. */
    goto_cycle(cycle_of_tick(s + 2000) - 1);
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_cycle(cycle_of_tick(s + 2000));
    ck_assert_uint_eq(irr(0x20) & 1, 1);
    ck_assert_uint_eq(pit_latched(0), 1000);
}
END_TEST

/* Edges the machine stepped over are replayed: after a jump over several
 * periods the PIC has still seen a rising edge. */
START_TEST(pit_late_timer_still_edges)
{
    uint64_t l = tick_now();
    pit_program(0, 0x34, 50);
    init_pics(0x20, 0x28);
    goto_tick(l + 1 + 50 * 3 + 10);
    ck_assert_uint_eq(irr(0x20) & 1, 1);
}
END_TEST

/* Mode 0: OUT low from the count write until CE reaches 0, then high;
 * the counter wraps and keeps counting; a new count restarts with OUT low. */
START_TEST(pit_mode0)
{
    uint64_t l = tick_now();
    pit_program(0, 0x30, 500);
    init_pics(0x20, 0x28);
    uint64_t s = l + 1;
    goto_tick(s + 499);
    ck_assert_uint_eq(pit_latched(0), 1);
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_cycle(cycle_of_tick(s + 500) - 1);
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_cycle(cycle_of_tick(s + 500));
    ck_assert_uint_eq(irr(0x20) & 1, 1);
    ck_assert_uint_eq(pit_latched(0), 0);
    goto_tick(s + 503);
    ck_assert_uint_eq(pit_latched(0), 0xfffd);   /* wraps */
    ck_assert(pit_out(m->pc->pit, 0));
    uint64_t l2 = tick_now();
    out8(0x40, 10);
    out8(0x40, 0);
    ck_assert(!pit_out(m->pc->pit, 0));          /* OUT low again */
    ck_assert_uint_eq(irr(0x20) & 1, 0);         /* the edge request vanished */
    goto_tick(l2 + 1 + 10);
    ck_assert(pit_out(m->pc->pit, 0));
}
END_TEST

/* Mode 3 on channel 2 (gate from port 61h): OUT high for n/2 pulses, low
 * for n/2, the count decrements by two; an odd count is high one pulse
 * longer. Port 61h bit 5 is OUT. */
START_TEST(pit_mode3_square_wave)
{
    out8(0x61, 0x01);
    uint64_t l = tick_now();
    pit_program(2, 0xb6, 10);
    uint64_t s = l + 1;
    goto_tick(s);
    ck_assert_uint_eq(pit_latched(2), 10);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
    goto_tick(s + 1);
    ck_assert_uint_eq(pit_latched(2), 8);
    goto_tick(s + 4);
    ck_assert_uint_eq(pit_latched(2), 2);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
    goto_tick(s + 5);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0);
    ck_assert_uint_eq(pit_latched(2), 10);
    goto_tick(s + 9);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0);
    goto_tick(s + 10);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
    /* Odd count 7: high 4, low 3. */
    l = tick_now();
    pit_program(2, 0xb6, 7);
    s = l + 1;
    goto_tick(s + 3);
    ck_assert(pit_out(m->pc->pit, 2));
    goto_tick(s + 4);
    ck_assert(!pit_out(m->pc->pit, 2));
    goto_tick(s + 6);
    ck_assert(!pit_out(m->pc->pit, 2));
    goto_tick(s + 7);
    ck_assert(pit_out(m->pc->pit, 2));
    /* Gate low: OUT high, counting stops; gate high: reload. */
    goto_tick(s + 12);
    ck_assert(!pit_out(m->pc->pit, 2));
    out8(0x61, 0x00);
    ck_assert(pit_out(m->pc->pit, 2));
    uint16_t held = pit_latched(2);
    goto_tick(s + 40);
    ck_assert_uint_eq(pit_latched(2), held);
    uint64_t g = tick_now();
    out8(0x61, 0x01);
    goto_tick(g + 1);
    ck_assert_uint_eq(pit_latched(2), 6);       /* reloaded (7, even part 6) */
}
END_TEST

/* Mode 1: the gate's rising edge triggers; OUT low from the next pulse for
 * n pulses. Mode 5: the trigger arms a one-pulse strobe n pulses later. */
START_TEST(pit_modes_1_and_5)
{
    pit_program(2, 0xb2, 5);        /* channel 2, LSB/MSB, mode 1 */
    ck_assert(pit_out(m->pc->pit, 2));
    goto_tick(tick_now() + 20);
    ck_assert(pit_out(m->pc->pit, 2));          /* no trigger yet */
    uint64_t g = tick_now();
    out8(0x61, 0x01);
    ck_assert(pit_out(m->pc->pit, 2));
    goto_tick(g + 1);
    ck_assert(!pit_out(m->pc->pit, 2));
    ck_assert_uint_eq(pit_latched(2), 5);
    goto_tick(g + 5);
    ck_assert(!pit_out(m->pc->pit, 2));
    goto_tick(g + 6);
    ck_assert(pit_out(m->pc->pit, 2));
    /* Retrigger. */
    out8(0x61, 0x00);
    g = tick_now();
    out8(0x61, 0x01);
    goto_tick(g + 1);
    ck_assert(!pit_out(m->pc->pit, 2));

    out8(0x61, 0x00);
    pit_program(2, 0xba, 4);        /* mode 5 */
    g = tick_now();
    out8(0x61, 0x01);
    goto_tick(g + 1 + 3);
    ck_assert(pit_out(m->pc->pit, 2));
    goto_tick(g + 1 + 4);
    ck_assert(!pit_out(m->pc->pit, 2));
    goto_tick(g + 1 + 5);
    ck_assert(pit_out(m->pc->pit, 2));
}
END_TEST

/* Mode 4: a one-pulse strobe on IRQ0 when CE reaches 0; no repeat. */
START_TEST(pit_mode4)
{
    uint64_t l = tick_now();
    pit_program(0, 0x38, 300);
    init_pics(0x20, 0x28);
    uint64_t s = l + 1;
    goto_tick(s + 299);
    ck_assert(pit_out(m->pc->pit, 0));
    goto_tick(s + 300);
    ck_assert(!pit_out(m->pc->pit, 0));
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_cycle(cycle_of_tick(s + 301));
    ck_assert(pit_out(m->pc->pit, 0));
    ck_assert_uint_eq(irr(0x20) & 1, 1);         /* the rising edge after the strobe */
    ck_assert_int_eq(inta(), 0x20);
    out8(0x20, 0x20);
    goto_tick(s + 300 + 65536 + 5);
    ck_assert_uint_eq(irr(0x20) & 1, 0);         /* one strobe only */
}
END_TEST

/* Mode 0 on channel 2 with the gate: counting holds while GATE is low. */
START_TEST(pit_gate_pauses_mode0)
{
    out8(0x61, 0x01);
    uint64_t l = tick_now();
    pit_program(2, 0xb0, 100);
    uint64_t s = l + 1;
    goto_tick(s + 40);
    ck_assert_uint_eq(pit_latched(2), 60);
    out8(0x61, 0x00);
    goto_tick(s + 90);
    ck_assert_uint_eq(pit_latched(2), 60);
    out8(0x61, 0x01);
    uint64_t g = tick_now();
    goto_tick(g + 59);
    ck_assert_uint_eq(pit_latched(2), 1);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0);
    goto_tick(g + 60);
    ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
}
END_TEST

/* Counter latch holds a value until it is read; a second latch before the
 * read is ignored. Access modes: LSB only, MSB only, LSB then MSB. */
START_TEST(pit_latch_and_access_modes)
{
    uint64_t l = tick_now();
    pit_program(1, 0x74, 0x1234);   /* channel 1, LSB/MSB, mode 2 */
    goto_tick(l + 1 + 0x10);
    out8(0x43, 0x40);
    goto_tick(l + 1 + 0x20);
    out8(0x43, 0x40);               /* ignored */
    ck_assert_uint_eq(in8(0x41), 0x24);
    goto_tick(l + 1 + 0x30);
    ck_assert_uint_eq(in8(0x41), 0x12);
    ck_assert_uint_eq(pit_latched(1), 0x1234 - 0x30);

    l = tick_now();
    out8(0x43, 0x54);               /* LSB only, mode 2 */
    out8(0x41, 0x80);
    goto_tick(l + 1 + 0x10);
    ck_assert_uint_eq(in8(0x41), 0x70);
    ck_assert_uint_eq(in8(0x41), 0x70);         /* every read is the LSB */

    l = tick_now();
    out8(0x43, 0x64);               /* MSB only, mode 2: count 0x0300 */
    out8(0x41, 0x03);
    goto_tick(l + 1 + 0x100);
    ck_assert_uint_eq(in8(0x41), 0x02);
}
END_TEST

/* Read-back: status (OUT, NULL COUNT, control bits) then count, for the
 * selected counters; NULL COUNT clears when the count reaches CE. */
START_TEST(pit_read_back)
{
    uint64_t l = tick_now();
    pit_program(2, 0xb0, 1000);     /* mode 0: OUT low */
    out8(0x43, 0xc8);               /* latch count and status of counter 2 */
    ck_assert_uint_eq(in8(0x42), 0x40 | 0x30);  /* OUT 0, NULL COUNT 1, RW 11, mode 0 */
    in8(0x42);
    in8(0x42);
    goto_tick(l + 1);
    out8(0x43, 0xe8);               /* status only */
    ck_assert_uint_eq(in8(0x42), 0x30);         /* NULL COUNT 0 once loaded */
    out8(0x61, 0x01);
    goto_tick(l + 1 + 250);
    out8(0x43, 0xc8);
    ck_assert_uint_eq(in8(0x42), 0x30);
    ck_assert_uint_eq(in8(0x42), (1000 - 250) & 0xff);
    ck_assert_uint_eq(in8(0x42), (1000 - 250) >> 8);
    out8(0x43, 0xd8);               /* count only */
    goto_tick(l + 1 + 300);
    ck_assert_uint_eq(in8(0x42), (1000 - 250) & 0xff);
    goto_tick(l + 1 + 1000);
    out8(0x43, 0xe8);
    ck_assert_uint_eq(in8(0x42), 0x80 | 0x30);  /* OUT high at TC */
}
END_TEST

/* BCD counting: the count is four decimal digits. */
START_TEST(pit_bcd)
{
    uint64_t l = tick_now();
    out8(0x43, 0x75);               /* channel 1, LSB/MSB, mode 2, BCD */
    out8(0x41, 0x34);
    out8(0x41, 0x12);
    goto_tick(l + 1 + 35);
    ck_assert_uint_eq(pit_latched(1), 0x1199);
    l = tick_now();
    out8(0x43, 0x71);               /* mode 0, BCD, count 0 = 10000 */
    out8(0x41, 0);
    out8(0x41, 0);
    goto_tick(l + 1 + 1);
    ck_assert_uint_eq(pit_latched(1), 0x9999);
}
END_TEST

/* A new mode 2 count waits for the end of the current period. */
START_TEST(pit_mode2_reprogram_at_period_end)
{
    uint64_t l = tick_now();
    pit_program(0, 0x34, 100);
    init_pics(0x20, 0x28);
    uint64_t s = l + 1;
    goto_tick(s + 30);
    out8(0x40, 40);
    out8(0x40, 0);
    goto_tick(s + 50);
    ck_assert_uint_eq(pit_latched(0), 50);       /* still the old period */
    goto_tick(s + 100);
    ck_assert_uint_eq(irr(0x20) & 1, 1);
    ck_assert_uint_eq(pit_latched(0), 40);       /* the new count loaded */
    ck_assert_int_eq(inta(), 0x20);
    out8(0x20, 0x20);
    goto_cycle(cycle_of_tick(s + 140) - 1);
    ck_assert_uint_eq(irr(0x20) & 1, 0);
    goto_cycle(cycle_of_tick(s + 140));
    ck_assert_uint_eq(irr(0x20) & 1, 1);
}
END_TEST

/* Port 61h: bits 0-3 read back, bit 4 toggles every 18 PIT pulses. */
START_TEST(port61)
{
    out8(0x61, 0xff);
    ck_assert_uint_eq(in8(0x61) & 0xcf, 0x0f);
    uint64_t t = (tick_now() / 18 + 1) * 18;
    goto_tick(t);
    uint8_t a = in8(0x61) & 0x10;
    goto_tick(t + 17);
    ck_assert_uint_eq(in8(0x61) & 0x10, a);
    goto_tick(t + 18);
    ck_assert_uint_eq(in8(0x61) & 0x10, a ^ 0x10);
}
END_TEST

/* Power-on: channel 0 runs mode 2 with count 65536 (18.2 Hz). */
START_TEST(pit_power_on)
{
    out8(0x43, 0xe2);
    ck_assert_uint_eq(in8(0x40), 0xc0 | 0x34);  /* OUT high, count not loaded yet */
    goto_tick(1);
    out8(0x43, 0xe2);
    ck_assert_uint_eq(in8(0x40), 0x80 | 0x34);
    ck_assert_uint_eq(irr(0x20), 0);            /* no request at power-on */
    ck_assert(pit_out(m->pc->pit, 0));
    goto_tick(1 + 65535);
    ck_assert(!pit_out(m->pc->pit, 0));
    goto_tick(1 + 65536);
    ck_assert(pit_out(m->pc->pit, 0));
}
END_TEST

/* ======================================================================== PIC */

/* Fixed priority: the lower line wins; an in-service level blocks lower
 * ones and is preempted by higher ones; a non-specific EOI ends the
 * highest in-service level. Delivery goes through LINT0 (ExtINT). */
START_TEST(pic_priority_and_eoi)
{
    init_pics(0x20, 0x28);
    ck_assert(!intr());
    irq_set(m, 3, true);
    irq_set(m, 5, true);
    ck_assert(intr());
    ck_assert_uint_eq(irr(0x20), 0x28);
    ck_assert_int_eq(inta(), 0x23);
    ck_assert_uint_eq(isr(0x20), 0x08);
    ck_assert(!intr());                         /* 5 waits behind 3 */
    irq_set(m, 1, true);
    ck_assert(intr());                          /* 1 preempts 3 */
    ck_assert_int_eq(inta(), 0x21);
    ck_assert_uint_eq(isr(0x20), 0x0a);
    out8(0x20, 0x20);                           /* non-specific: ends 1 */
    ck_assert_uint_eq(isr(0x20), 0x08);
    ck_assert(!intr());
    out8(0x20, 0x63);                           /* specific EOI 3 */
    ck_assert_uint_eq(isr(0x20), 0);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x25);
    out8(0x20, 0x65);
    ck_assert(!intr());
}
END_TEST

START_TEST(pic_masking)
{
    init_pics(0x20, 0x28);
    out8(0x21, 0x40);
    ck_assert_uint_eq(in8(0x21), 0x40);
    irq_set(m, 6, true);
    ck_assert_uint_eq(irr(0x20), 0x40);
    ck_assert(!intr());
    out8(0x21, 0x00);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x26);
}
END_TEST

/* Rotation: rotate on non-specific EOI makes the ended level the lowest;
 * set priority (OCW2 C0h | L) picks the lowest directly; rotate on
 * specific EOI. */
START_TEST(pic_rotation)
{
    init_pics(0x20, 0x28);
    irq_set(m, 3, true);
    ck_assert_int_eq(inta(), 0x23);
    out8(0x20, 0xa0);                           /* rotate on non-specific EOI: 3 lowest */
    irq_set(m, 1, true);
    irq_set(m, 5, true);
    ck_assert_int_eq(inta(), 0x25);             /* 4 is now highest, then 5 ... 1 */
    out8(0x20, 0xe5);                           /* rotate on specific EOI 5: 5 lowest */
    ck_assert_int_eq(inta(), 0x21);             /* 6, 7, 0, 1: 1 */
    out8(0x20, 0x20);
    out8(0x20, 0xc7);                           /* set priority: 7 lowest (default) */
    irq_set(m, 1, false);
    irq_set(m, 3, false);
    irq_set(m, 6, true);
    irq_set(m, 4, true);
    ck_assert_int_eq(inta(), 0x24);
}
END_TEST

/* Auto-EOI (ICW4 bit 1): no ISR bit is set; rotate in AEOI mode. */
START_TEST(pic_auto_eoi)
{
    out8(0x20, 0x11);
    out8(0x21, 0x40);
    out8(0x21, 0x04);
    out8(0x21, 0x03);
    out8(0x21, 0x00);
    irq_set(m, 3, true);
    irq_set(m, 6, true);
    ck_assert_int_eq(inta(), 0x43);
    ck_assert_uint_eq(isr(0x20), 0);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x46);
    out8(0x20, 0x80);                           /* rotate in AEOI: set */
    irq_set(m, 3, false);
    irq_set(m, 6, false);
    irq_set(m, 2 + 3, true);
    ck_assert_int_eq(inta(), 0x45);
    irq_set(m, 1, true);
    irq_set(m, 7, true);
    ck_assert_int_eq(inta(), 0x47);             /* 5 became lowest: 6, 7 first */
}
END_TEST

/* Special mask mode: masking the in-service level opens lower levels. */
START_TEST(pic_special_mask_mode)
{
    init_pics(0x20, 0x28);
    irq_set(m, 3, true);
    ck_assert_int_eq(inta(), 0x23);
    irq_set(m, 5, true);
    ck_assert(!intr());
    out8(0x21, 0x08);
    out8(0x20, 0x68);                           /* OCW3: set special mask mode */
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x25);
    out8(0x20, 0x48);                           /* reset special mask mode */
    ck_assert_uint_eq(isr(0x20), 0x28);
}
END_TEST

/* Poll (OCW3 bit 2): the next read is 80h | level and acknowledges it. */
START_TEST(pic_poll)
{
    init_pics(0x20, 0x28);
    irq_set(m, 4, true);
    out8(0x20, 0x0c);
    ck_assert_uint_eq(in8(0x20), 0x84);
    ck_assert_uint_eq(isr(0x20), 0x10);
    out8(0x20, 0x0c);
    ck_assert_uint_eq(in8(0x20), 0x00);
}
END_TEST

/* A request that vanishes before INTA: the master answers its IR7 vector
 * and sets no ISR bit. A vanished slave request takes the master's IR2
 * request with it (IR2 follows the slave's INT), so that INTA is the
 * master's spurious IR7 as well. */
START_TEST(pic_spurious)
{
    init_pics(0x20, 0x28);
    irq_set(m, 5, true);
    ck_assert(intr());
    irq_set(m, 5, false);
    ck_assert(!intr());
    ck_assert_int_eq(inta(), 0x27);
    ck_assert_uint_eq(isr(0x20), 0);
    irq_set(m, 11, true);
    ck_assert(intr());
    irq_set(m, 11, false);
    ck_assert(!intr());
    ck_assert_int_eq(inta(), 0x27);
    ck_assert_uint_eq(isr(0x20), 0);
    ck_assert_uint_eq(isr(0xa0), 0);
}
END_TEST

/* The slave on IR2: its vector, both ISRs, EOI to both. */
START_TEST(pic_cascade)
{
    init_pics(0x20, 0x28);
    irq_set(m, 10, true);
    ck_assert_uint_eq(irr(0xa0), 0x04);
    ck_assert_uint_eq(irr(0x20) & 0x04, 0x04);
    ck_assert_int_eq(inta(), 0x2a);
    ck_assert_uint_eq(isr(0xa0), 0x04);
    ck_assert_uint_eq(isr(0x20), 0x04);
    irq_set(m, 9, true);
    ck_assert(!intr());                         /* the master's ISR2 blocks even 9 */
    irq_set(m, 9, false);
    irq_set(m, 14, true);
    ck_assert(!intr());
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x2e);
    /* Slave masked: nothing reaches the master. */
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    irq_set(m, 14, false);
    out8(0xa1, 0x08);
    irq_set(m, 11, true);
    ck_assert(!intr());
    out8(0xa1, 0x00);
    ck_assert_int_eq(inta(), 0x2b);
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    irq_set(m, 11, false);
    irq_set(m, 10, false);
    /* Special fully nested mode (ICW4 bit 4): the master's ISR2 no longer
     * blocks a higher request from the slave. */
    out8(0x20, 0x11);
    out8(0x21, 0x20);
    out8(0x21, 0x04);
    out8(0x21, 0x11);
    out8(0x21, 0x00);
    irq_set(m, 10, true);
    ck_assert_int_eq(inta(), 0x2a);
    irq_set(m, 9, true);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x29);
    ck_assert_uint_eq(isr(0xa0), 0x06);
}
END_TEST

/* ELCR: IRQ 0, 1, 2, 8, 13 are always edge; a level line requests while
 * high, again after its EOI, and a level request that drops is gone. */
START_TEST(pic_elcr_level)
{
    init_pics(0x20, 0x28);
    out8(0x4d0, 0xff);
    out8(0x4d1, 0xff);
    ck_assert_uint_eq(in8(0x4d0), 0xf8);
    ck_assert_uint_eq(in8(0x4d1), 0xde);
    out8(0x4d0, 0x20);
    irq_set(m, 5, true);
    ck_assert_int_eq(inta(), 0x25);
    ck_assert_uint_eq(irr(0x20) & 0x20, 0x20);   /* level: IRR follows the line */
    ck_assert(!intr());
    out8(0x20, 0x20);
    ck_assert(intr());                           /* still high: again */
    ck_assert_int_eq(inta(), 0x25);
    out8(0x20, 0x20);
    irq_set(m, 5, false);
    ck_assert(!intr());
    ck_assert_uint_eq(irr(0x20) & 0x20, 0);
}
END_TEST

/* Power-on: vectors 08h/70h, IMR F8h/FFh; the PIC reaches the CPU through
 * the local APIC's LINT0 (ExtINT) and directly once the APIC is globally
 * disabled. */
START_TEST(pic_power_on_and_apic_off)
{
    ck_assert_uint_eq(in8(0x21), 0xf8);
    ck_assert_uint_eq(in8(0xa1), 0xff);
    irq_set(m, 1, true);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x09);
    out8(0x20, 0x20);
    irq_set(m, 1, false);
    uint64_t base;
    ck_assert(msr_read(&m->cpu, 0x1b, &base));
    ck_assert(msr_write(&m->cpu, 0x1b, base & ~0x800ull));
    irq_set(m, 1, true);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x09);
}
END_TEST

/* ======================================================================== guest */

/* A real-mode guest programs the PIC (vectors 20h/28h, IRQ0 only) and the
 * PIT (mode 2, count 1193: ~1 kHz), then sleeps in HLT until five timer
 * interrupts have been counted. HLT fast-forwards virtual time: a handful
 * of instructions cover five milliseconds. */
START_TEST(guest_pit_pic_sti_hlt)
{
    static const uint8_t code[] = {
        0xb0, 0x11, 0xe6, 0x20, 0xe6, 0xa0,     /* ICW1 to both */
        0xb0, 0x20, 0xe6, 0x21,                 /* ICW2 master 20h */
        0xb0, 0x28, 0xe6, 0xa1,                 /* ICW2 slave 28h */
        0xb0, 0x04, 0xe6, 0x21,                 /* ICW3 */
        0xb0, 0x02, 0xe6, 0xa1,
        0xb0, 0x01, 0xe6, 0x21, 0xe6, 0xa1,     /* ICW4 */
        0xb0, 0xfe, 0xe6, 0x21,                 /* IRQ0 only */
        0xb0, 0xff, 0xe6, 0xa1,
        0xb0, 0x34, 0xe6, 0x43,                 /* channel 0, LSB/MSB, mode 2 */
        0xb0, 0xa9, 0xe6, 0x40,                 /* 1193 = 04A9h */
        0xb0, 0x04, 0xe6, 0x40,
        0xfb,                                   /* sti */
        0xf4,                                   /* 1: hlt */
        0x83, 0x3e, 0x00, 0x05, 0x05,           /* cmp word [500h], 5 */
        0x72, 0xf8,                             /* jb 1b */
        0xfa, 0xf4,                             /* cli; hlt */
    };
    static const uint8_t handler[] = {
        0xff, 0x06, 0x00, 0x05,                 /* inc word [500h] */
        0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58,     /* push ax; EOI; pop ax */
        0xcf,                                   /* iret */
    };
    static const uint8_t ivt20[] = { 0x00, 0x7d, 0x00, 0x00 };
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x7d00, handler, sizeof(handler)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x20 * 4, ivt20, 4), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x500, "\0\0", 2), RS_OK);
    ck_assert_int_eq(rs_set_mode(rm, RS_MODE_REAL, 0), RS_OK);
    rs_set_reg(rm, RS_RIP, 0x7c00);
    rs_set_reg(rm, RS_RSP, 0x7000);
    rs_stop why;
    ck_assert_int_eq(rs_run(rm, 100000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    uint16_t count;
    ck_assert_int_eq(rs_read_phys(rm, 0x500, &count, 2), RS_OK);
    ck_assert_uint_eq(count, 5);
    /* The count went in during pulse 0: CE loads at pulse 1, the fifth
     * rising edge of OUT is pulse 1 + 5 * 1193. */
    uint64_t fifth = cycle_of_tick(1 + 5 * 1193);
    ck_assert_uint_ge(m->cpu.cycles, fifth);
    ck_assert_uint_lt(m->cpu.cycles, fifth + 40);
    ck_assert_uint_lt(m->cpu.icount, 150);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pic_pit");
    TCase *pit = tcase_create("pit");
    tcase_add_checked_fixture(pit, setup, teardown);
    tcase_add_test(pit, pit_mode2_counts_and_irq0_edges);
    tcase_add_test(pit, pit_late_timer_still_edges);
    tcase_add_test(pit, pit_mode0);
    tcase_add_test(pit, pit_mode3_square_wave);
    tcase_add_test(pit, pit_modes_1_and_5);
    tcase_add_test(pit, pit_mode4);
    tcase_add_test(pit, pit_gate_pauses_mode0);
    tcase_add_test(pit, pit_latch_and_access_modes);
    tcase_add_test(pit, pit_read_back);
    tcase_add_test(pit, pit_bcd);
    tcase_add_test(pit, pit_mode2_reprogram_at_period_end);
    tcase_add_test(pit, port61);
    tcase_add_test(pit, pit_power_on);
    suite_add_tcase(s, pit);
    TCase *pic = tcase_create("pic");
    tcase_add_checked_fixture(pic, setup, teardown);
    tcase_add_test(pic, pic_priority_and_eoi);
    tcase_add_test(pic, pic_masking);
    tcase_add_test(pic, pic_rotation);
    tcase_add_test(pic, pic_auto_eoi);
    tcase_add_test(pic, pic_special_mask_mode);
    tcase_add_test(pic, pic_poll);
    tcase_add_test(pic, pic_spurious);
    tcase_add_test(pic, pic_cascade);
    tcase_add_test(pic, pic_elcr_level);
    tcase_add_test(pic, pic_power_on_and_apic_off);
    suite_add_tcase(s, pic);
    TCase *guest = tcase_create("guest");
    tcase_add_checked_fixture(guest, setup, teardown);
    tcase_add_test(guest, guest_pit_pic_sti_hlt);
    suite_add_tcase(s, guest);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
