/*
 * The local APIC and the I/O APIC on a PC built with rs_create_pc, driven
 * through MMIO and the MSRs as the CPU reaches them, and through virtual
 * time: reset state, the timer in one-shot, periodic and TSC-deadline
 * modes firing at the exact cycle, TPR/PPR masking (MMIO and CR8), EOI,
 * self-IPIs and IPIs to absent CPUs, ESR, relocation and global disable;
 * I/O APIC routing of edge and level interrupts with remote IRR, NMI and
 * ExtINT entries; and a 64-bit guest that sleeps in HLT between LAPIC
 * timer interrupts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/lapic.h"
#include "devices/pc.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "machine.h"
#include "ringscope/ringscope.h"

#define APIC 0xfee00000ull
#define IOAPIC 0xfec00000ull

static rs_machine *rm;
static struct machine *m;
static int nlog;

static void count_log(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
    nlog++;
}

static void create(uint64_t cpu_hz, uint64_t tsc_hz)
{
    char err[160];
    rs_pc_config cfg = { .cpu_hz = cpu_hz, .tsc_hz = tsc_hz };
    ck_assert_int_eq(rs_create_pc(&cfg, &rm, err, sizeof(err)), RS_OK);
    /* Timing assertions below count instructions: one cycle each. */
    ck_assert_int_eq(rs_set_cpu_model(rm, "one-cycle"), RS_OK);
    m = (struct machine *)rm;
    nlog = 0;
    rs_set_log(rm, count_log, NULL);
}

static void setup(void)
{
    create(0, 0);
}

static void teardown(void)
{
    rs_destroy(rm);
}

static uint32_t ar(unsigned off) { return (uint32_t)bus_mmio_read(&m->bus, APIC + off, 4); }
static void aw(unsigned off, uint32_t v) { bus_mmio_write(&m->bus, APIC + off, 4, v); }

static uint32_t io_read(unsigned index)
{
    bus_mmio_write(&m->bus, IOAPIC, 4, index);
    return (uint32_t)bus_mmio_read(&m->bus, IOAPIC + 0x10, 4);
}

static void io_write(unsigned index, uint32_t v)
{
    bus_mmio_write(&m->bus, IOAPIC, 4, index);
    bus_mmio_write(&m->bus, IOAPIC + 0x10, 4, v);
}

static bool in_set(unsigned base, unsigned v) { return ar(base + (v >> 5) * 0x10) >> (v & 31) & 1; }
static bool irr_has(unsigned v) { return in_set(0x200, v); }
static bool isr_has(unsigned v) { return in_set(0x100, v); }
static bool tmr_has(unsigned v) { return in_set(0x180, v); }
static bool intr(void) { return m->cpu.intr.ext_pending; }
static int inta(void) { return m->cpu.intr.ack(m->cpu.intr.ack_ctx); }

static uint32_t read_esr(void)
{
    aw(0x280, 0);
    return ar(0x280);
}

static void goto_cycle(uint64_t c)
{
    ck_assert_uint_ge(c, m->cpu.cycles);
    m->cpu.cycles = c;
    clock_fire_due(&m->clock);
}

static uint64_t crystal_now(void)
{
    return clock_ticks_at(&m->clock, m->cpu.cycles, LAPIC_TIMER_HZ);
}

/* The first cycle at which crystal tick t has happened. */
static uint64_t cycle_of_crystal(uint64_t t)
{
    uint64_t c = clock_cycles_from(&m->clock, t, LAPIC_TIMER_HZ);
    if (clock_ticks_at(&m->clock, c, LAPIC_TIMER_HZ) < t)
        c++;
    return c;
}

static void self_ipi(uint8_t vector)
{
    aw(0x300, 0x40000u | vector);
}

/* ================================================================ local APIC */

/* Power-on values, with the virtual-wire setup a BIOS leaves. */
START_TEST(apic_reset_state)
{
    uint64_t base;
    ck_assert(msr_read(&m->cpu, 0x1b, &base));
    ck_assert_uint_eq(base, 0xfee00900);
    ck_assert_uint_eq(ar(0x020), 0);
    ck_assert_uint_eq(ar(0x030), 0x00050014);
    ck_assert_uint_eq(ar(0x080), 0);
    ck_assert_uint_eq(ar(0x0a0), 0);
    ck_assert_uint_eq(ar(0x0d0), 0);
    ck_assert_uint_eq(ar(0x0e0), 0xffffffff);
    ck_assert_uint_eq(ar(0x0f0), 0x1ff);
    ck_assert_uint_eq(ar(0x320), 0x10000);
    ck_assert_uint_eq(ar(0x330), 0x10000);
    ck_assert_uint_eq(ar(0x340), 0x10000);
    ck_assert_uint_eq(ar(0x350), 0x8700);
    ck_assert_uint_eq(ar(0x360), 0x8400);
    ck_assert_uint_eq(ar(0x370), 0x10000);
    ck_assert_uint_eq(ar(0x380), 0);
    ck_assert_uint_eq(ar(0x390), 0);
    ck_assert_uint_eq(ar(0x3e0), 0);
    ck_assert_uint_eq(read_esr(), 0);
    /* Byte reads see the register's bytes; bytes 4-15 of a slot read 0. */
    ck_assert_uint_eq(bus_mmio_read(&m->bus, APIC + 0x30, 1), 0x14);
    ck_assert_uint_eq(bus_mmio_read(&m->bus, APIC + 0x32, 1), 0x05);
    ck_assert_uint_eq(bus_mmio_read(&m->bus, APIC + 0x34, 4), 0);
    /* A reserved register: illegal register address (ESR bit 7). */
    ar(0x3f0);
    ck_assert_uint_eq(read_esr(), 0x80);
    ck_assert_uint_eq(read_esr(), 0);
    /* LDR, DFR, ID are writable in their defined bits. */
    aw(0x0d0, 0xffffffff);
    ck_assert_uint_eq(ar(0x0d0), 0xff000000);
    aw(0x0e0, 0);
    ck_assert_uint_eq(ar(0x0e0), 0x0fffffff);
}
END_TEST

/* One-shot, divide by 16: the count falls one every 16 crystal ticks, the
 * interrupt is in IRR at the exact cycle the count reaches 0, and the
 * count then stays 0. */
START_TEST(apic_timer_oneshot)
{
    goto_cycle(1000);
    aw(0x3e0, 0x3);
    aw(0x320, 0x30);
    uint64_t t0 = crystal_now();
    aw(0x380, 100);
    ck_assert_uint_eq(ar(0x380), 100);
    ck_assert_uint_eq(ar(0x390), 100);
    goto_cycle(cycle_of_crystal(t0 + 800));
    ck_assert_uint_eq(ar(0x390), 50);
    goto_cycle(cycle_of_crystal(t0 + 1599));
    ck_assert_uint_eq(ar(0x390), 1);
    goto_cycle(cycle_of_crystal(t0 + 1600) - 1);
    ck_assert(!irr_has(0x30));
    ck_assert(!intr());
    goto_cycle(cycle_of_crystal(t0 + 1600));
    ck_assert(irr_has(0x30));
    ck_assert(intr());
    ck_assert_uint_eq(ar(0x390), 0);
    ck_assert_int_eq(inta(), 0x30);
    ck_assert(isr_has(0x30) && !irr_has(0x30));
    aw(0x0b0, 0);
    ck_assert(!isr_has(0x30));
    goto_cycle(cycle_of_crystal(t0 + 5000));
    ck_assert(!irr_has(0x30));
    ck_assert_uint_eq(ar(0x390), 0);
}
END_TEST

/* Periodic, divide by 1: an interrupt every `initial` ticks, the count
 * reloads; a new divide value applies to the rest of the current count. */
START_TEST(apic_timer_periodic)
{
    aw(0x3e0, 0xb);
    aw(0x320, 0x20031);
    uint64_t t0 = crystal_now();
    aw(0x380, 1000);
    for (unsigned k = 1; k <= 2; k++) {
        goto_cycle(cycle_of_crystal(t0 + 1000 * k) - 1);
        ck_assert(!irr_has(0x31));
        goto_cycle(cycle_of_crystal(t0 + 1000 * k));
        ck_assert(irr_has(0x31));
        ck_assert_uint_eq(ar(0x390), 1000);
        ck_assert_int_eq(inta(), 0x31);
        aw(0x0b0, 0);
    }
    goto_cycle(cycle_of_crystal(t0 + 2500));
    ck_assert_uint_eq(ar(0x390), 500);
    aw(0x3e0, 0x0);                             /* divide by 2 from now */
    goto_cycle(cycle_of_crystal(t0 + 2500 + 998));
    ck_assert_uint_eq(ar(0x390), 1);
    ck_assert(!irr_has(0x31));
    goto_cycle(cycle_of_crystal(t0 + 3500));
    ck_assert(irr_has(0x31));
    ck_assert_int_eq(inta(), 0x31);
    aw(0x0b0, 0);
    goto_cycle(cycle_of_crystal(t0 + 3500 + 2000) - 1);
    ck_assert(!irr_has(0x31));
    goto_cycle(cycle_of_crystal(t0 + 3500 + 2000));
    ck_assert(irr_has(0x31));
    /* Masked: it keeps counting but delivers nothing; 0 stops it. */
    ck_assert_int_eq(inta(), 0x31);
    aw(0x0b0, 0);
    aw(0x320, 0x30031);
    goto_cycle(cycle_of_crystal(t0 + 9800));
    ck_assert(!irr_has(0x31));
    ck_assert_uint_eq(ar(0x390), 850);          /* (9800 - 2500) / 2 - 500 = 3150 counts */
    aw(0x380, 0);
    ck_assert_uint_eq(ar(0x390), 0);
}
END_TEST

/* TSC-deadline mode: IA32_TSC_DEADLINE arms; the interrupt comes when the
 * TSC reaches it, after which the MSR reads 0. The initial count is
 * ignored and the current count reads 0 in this mode; outside it the MSR
 * reads 0 and ignores writes. */
START_TEST(apic_timer_tsc_deadline)
{
    uint64_t v;
    ck_assert(msr_write(&m->cpu, 0x6e0, 12345));
    ck_assert(msr_read(&m->cpu, 0x6e0, &v));
    ck_assert_uint_eq(v, 0);                    /* not in TSC-deadline mode */
    aw(0x320, 0x40032);
    aw(0x380, 100);
    ck_assert_uint_eq(ar(0x380), 0);
    ck_assert_uint_eq(ar(0x390), 0);
    goto_cycle(777);
    uint64_t d = cpu_tsc(&m->cpu) + 5000;
    ck_assert(msr_write(&m->cpu, 0x6e0, d));
    ck_assert(msr_read(&m->cpu, 0x6e0, &v));
    ck_assert_uint_eq(v, d);
    goto_cycle(777 + 4999);
    ck_assert(!irr_has(0x32));
    goto_cycle(777 + 5000);
    ck_assert(irr_has(0x32));
    ck_assert(msr_read(&m->cpu, 0x6e0, &v));
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(inta(), 0x32);
    aw(0x0b0, 0);
    /* A deadline in the past fires at once; 0 disarms; a mode change
     * disarms. */
    ck_assert(msr_write(&m->cpu, 0x6e0, 1));
    clock_fire_due(&m->clock);
    ck_assert(irr_has(0x32));
    ck_assert_int_eq(inta(), 0x32);
    aw(0x0b0, 0);
    ck_assert(msr_write(&m->cpu, 0x6e0, cpu_tsc(&m->cpu) + 100));
    ck_assert(msr_write(&m->cpu, 0x6e0, 0));
    goto_cycle(m->cpu.cycles + 200);
    ck_assert(!irr_has(0x32));
    ck_assert(msr_write(&m->cpu, 0x6e0, cpu_tsc(&m->cpu) + 100));
    aw(0x320, 0x00032);
    goto_cycle(m->cpu.cycles + 200);
    ck_assert(!irr_has(0x32));
    aw(0x320, 0x40032);
    ck_assert(msr_read(&m->cpu, 0x6e0, &v));
    ck_assert_uint_eq(v, 0);
}
END_TEST

/* With the TSC at a third of the core clock, the deadline converts at the
 * TSC rate. */
START_TEST(apic_timer_tsc_deadline_scaled)
{
    rs_destroy(rm);
    create(3000000000ull, 1000000000ull);
    aw(0x320, 0x40033);
    goto_cycle(3001);
    uint64_t d = cpu_tsc(&m->cpu) + 1000;       /* TSC = floor(cycles / 3) */
    ck_assert_uint_eq(d, 2000);
    ck_assert(msr_write(&m->cpu, 0x6e0, d));
    goto_cycle(5999);
    ck_assert(!irr_has(0x33));
    goto_cycle(6000);
    ck_assert(irr_has(0x33));
}
END_TEST

/* TPR and PPR: an interrupt is delivered only when its class is above
 * PPR's; PPR is the in-service class when that is higher than TPR's. TPR
 * is CR8. A lowered CR8 (MOV CR8 does not reach the APIC) is noticed by
 * the TPR watch. */
START_TEST(apic_tpr_ppr)
{
    aw(0x080, 0x5a);
    ck_assert_uint_eq(m->cpu.cr8, 5);
    ck_assert_uint_eq(ar(0x080), 0x5a);
    ck_assert_uint_eq(ar(0x0a0), 0x5a);
    self_ipi(0x45);
    self_ipi(0x65);
    ck_assert(intr());
    ck_assert_uint_eq(ar(0x090), 0x60);          /* APR: the IRR class is above TPR */
    ck_assert_int_eq(inta(), 0x65);
    ck_assert_uint_eq(ar(0x0a0), 0x60);
    ck_assert(!intr());
    aw(0x0b0, 0);
    ck_assert_uint_eq(ar(0x0a0), 0x5a);
    ck_assert(!intr());                         /* 0x45 is class 4 <= 5 */
    aw(0x080, 0x40);
    ck_assert(!intr());                         /* class 4 is not above 4 */
    aw(0x080, 0x30);
    ck_assert(intr());
    aw(0x080, 0x40);
    ck_assert(!intr());
    /* MOV CR8, 0 as the CPU does it: CR8 only. */
    m->cpu.cr8 = 0;
    ck_assert_uint_eq(ar(0x080), 0);
    goto_cycle(m->cpu.cycles + 1000);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x45);
    aw(0x0b0, 0);
    /* Raised between INTR and INTA: the spurious vector, no ISR bit. */
    self_ipi(0x70);
    ck_assert(intr());
    m->cpu.cr8 = 0xf;
    ck_assert_int_eq(inta(), 0xff);
    ck_assert(!isr_has(0xff) && irr_has(0x70));
}
END_TEST

/* EOI ends the highest in-service vector first. */
START_TEST(apic_eoi_nesting)
{
    self_ipi(0x40);
    ck_assert_int_eq(inta(), 0x40);
    self_ipi(0x80);
    self_ipi(0x30);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x80);
    ck_assert(!intr());                         /* 0x30 is below the ISR's 0x40 */
    aw(0x0b0, 0);
    ck_assert(isr_has(0x40) && !isr_has(0x80));
    ck_assert(!intr());
    aw(0x0b0, 0);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x30);
}
END_TEST

/* IPIs: self by shorthand, by physical ID and by logical destination; to
 * other CPUs nothing happens and one log line says so; an illegal vector
 * sets ESR; NMI to self raises NMI. */
START_TEST(apic_ipis)
{
    self_ipi(0x51);
    ck_assert(irr_has(0x51));
    ck_assert(!tmr_has(0x51));
    aw(0x310, 0x00000000);
    aw(0x300, 0x00052);                         /* physical destination 0 */
    ck_assert(irr_has(0x52));
    ck_assert_uint_eq(ar(0x300), 0x52);          /* delivery status idle */
    aw(0x0d0, 0x04000000);
    aw(0x310, 0x0c000000);
    aw(0x300, 0x00853);                         /* logical, flat: 0Ch & 04h */
    ck_assert(irr_has(0x53));
    ck_assert_int_eq(nlog, 0);
    aw(0x310, 0x01000000);
    aw(0x300, 0x00054);                         /* physical 1: absent */
    ck_assert(!irr_has(0x54));
    ck_assert_int_eq(nlog, 1);
    aw(0x300, 0xc4500);                         /* INIT to all excluding self */
    aw(0x300, 0xc4608);                         /* SIPI */
    aw(0x300, 0x80055);                         /* all including self */
    ck_assert(irr_has(0x55));
    ck_assert_int_eq(nlog, 1);
    ck_assert_uint_eq(read_esr(), 0);
    self_ipi(0x05);
    ck_assert_uint_eq(ar(0x280), 0);            /* errors show after an ESR write */
    ck_assert_uint_eq(read_esr(), 0x20);
    aw(0x300, 0x40400);                         /* NMI to self */
    ck_assert(m->cpu.intr.nmi_pending);
}
END_TEST

/* The error LVT delivers an interrupt when an error is logged. */
START_TEST(apic_error_interrupt)
{
    aw(0x370, 0xfe);
    self_ipi(0x02);
    ck_assert(irr_has(0xfe));
    ck_assert_uint_eq(read_esr(), 0x20);
    /* Software disable masks the LVT and keeps it masked. */
    aw(0x0f0, 0x0ff);
    ck_assert_uint_eq(ar(0x370), 0x100fe);
    aw(0x370, 0xfe);
    ck_assert_uint_eq(ar(0x370), 0x100fe);
    ck_assert_uint_eq(ar(0x350), 0x18700);
}
END_TEST

/* IA32_APIC_BASE: the page moves with the base; clearing bit 11 hides it,
 * hands INTR to the PIC, and returns the APIC to its power-up state. */
START_TEST(apic_relocate_and_disable)
{
    ck_assert(msr_write(&m->cpu, 0x1b, 0xfed00900));
    ck_assert_uint_eq(ar(0x030), 0xffffffff);
    ck_assert_uint_eq(bus_mmio_read(&m->bus, 0xfed00030, 4), 0x00050014);
    bus_mmio_write(&m->bus, 0xfed00080, 4, 0x20);
    ck_assert_uint_eq(m->cpu.cr8, 2);
    ck_assert(msr_write(&m->cpu, 0x1b, 0xfed00100));
    ck_assert_uint_eq(bus_mmio_read(&m->bus, 0xfed00030, 4), 0xffffffff);
    ck_assert_uint_eq(m->cpu.cr8, 0);
    irq_set(m, 1, true);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x09);             /* straight from the PIC */
    /* CPUID.01H:EDX.APIC reads 0 while the APIC is globally disabled. */
    static const uint8_t cpuid1[] = { 0x66, 0xb8, 0x01, 0, 0, 0, 0x0f, 0xa2, 0xf4 };
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, cpuid1, sizeof(cpuid1)), RS_OK);
    ck_assert_int_eq(rs_set_mode(rm, RS_MODE_REAL, 0), RS_OK);
    rs_set_reg(rm, RS_RIP, 0x7c00);
    ck_assert_int_eq(rs_run(rm, 3, NULL, NULL), RS_OK);
    uint64_t edx;
    ck_assert_int_eq(rs_get_reg(rm, RS_RDX, &edx), RS_OK);
    ck_assert_uint_eq(edx & 0x200, 0);
    ck_assert(msr_write(&m->cpu, 0x1b, 0xfee00900));
    rs_set_reg(rm, RS_RIP, 0x7c00);
    ck_assert_int_eq(rs_run(rm, 3, NULL, NULL), RS_OK);
    ck_assert_int_eq(rs_get_reg(rm, RS_RDX, &edx), RS_OK);
    ck_assert_uint_eq(edx & 0x200, 0x200);
    ck_assert_uint_eq(ar(0x0f0), 0xff);         /* power-up state: disabled */
    ck_assert_uint_eq(ar(0x350), 0x10000);
    bus_out(&m->bus, 0x20, 1, 0x20);
    irq_set(m, 1, false);
    irq_set(m, 1, true);
    ck_assert(!intr());                         /* LINT0 masked: the PIC is cut off */
    /* A base on RAM is refused and logged; the page stays. */
    ck_assert(msr_write(&m->cpu, 0x1b, 0x00100900));
    ck_assert_int_eq(nlog, 1);
    ck_assert_uint_eq(ar(0x030), 0x00050014);
}
END_TEST

/* ================================================================== I/O APIC */

static void rte(unsigned pin, uint32_t low, uint8_t dest)
{
    io_write(0x11 + 2 * pin, (uint32_t)dest << 24);
    io_write(0x10 + 2 * pin, low);
}

START_TEST(ioapic_registers)
{
    ck_assert_uint_eq(io_read(1), 0x00170020);
    ck_assert_uint_eq(io_read(0), 0);
    io_write(0, 0xffffffff);
    ck_assert_uint_eq(io_read(0), 0x0f000000);
    ck_assert_uint_eq(io_read(2), 0x0f000000);
    for (unsigned pin = 0; pin < 24; pin++)
        ck_assert_uint_eq(io_read(0x10 + 2 * pin), 0x10000);
    io_write(0x10, 0xffffffff);
    ck_assert_uint_eq(io_read(0x10), 0x1afff);  /* delivery status, remote IRR read-only */
    io_write(0x11, 0xffffffff);
    ck_assert_uint_eq(io_read(0x11), 0xff000000);
    ck_assert_uint_eq(bus_mmio_read(&m->bus, IOAPIC, 4), 0x11);
}
END_TEST

/* Edge entries: a rising edge sends the vector; a masked edge is lost;
 * active-low polarity; ISA IRQ 0 (the PIT) arrives on GSI 2. */
START_TEST(ioapic_edge_routing)
{
    rte(4, 0x41, 0);
    irq_set(m, 4, true);
    ck_assert(irr_has(0x41));
    ck_assert(!tmr_has(0x41));
    ck_assert_int_eq(inta(), 0x41);
    aw(0x0b0, 0);
    irq_set(m, 4, true);
    ck_assert(!irr_has(0x41));                  /* no new edge */
    irq_set(m, 4, false);
    rte(4, 0x10041, 0);
    irq_set(m, 4, true);
    rte(4, 0x41, 0);
    ck_assert(!irr_has(0x41));                  /* the masked edge is gone */
    rte(5, 0x2042, 0);                          /* active low */
    irq_set(m, 5, true);
    ck_assert(!irr_has(0x42));
    irq_set(m, 5, false);
    ck_assert(irr_has(0x42));
    rte(6, 0x43, 1);                            /* APIC ID 1 does not exist */
    irq_set(m, 6, true);
    ck_assert(!irr_has(0x43));
    /* The PIT on GSI 2. */
    bus_out(&m->bus, 0x21, 1, 0xff);
    rte(2, 0x44, 0);
    uint64_t l = clock_ticks_at(&m->clock, m->cpu.cycles, PIT_HZ);
    bus_out(&m->bus, 0x43, 1, 0x34);
    bus_out(&m->bus, 0x40, 1, 100);
    bus_out(&m->bus, 0x40, 1, 0);
    uint64_t c = clock_cycles_from(&m->clock, l + 1 + 100, PIT_HZ);
    if (clock_ticks_at(&m->clock, c, PIT_HZ) < l + 1 + 100)
        c++;
    goto_cycle(c - 1);
    ck_assert(!irr_has(0x44));
    goto_cycle(c);
    ck_assert(irr_has(0x44));
}
END_TEST

/* Level entries: remote IRR holds further deliveries until the EOI
 * broadcast; a line still high at the EOI is delivered again. The EOI
 * register and a switch to edge also clear remote IRR. */
START_TEST(ioapic_level_remote_irr)
{
    rte(9, 0x8049, 0);                          /* level, active high */
    irq_set(m, 9, true);
    ck_assert(irr_has(0x49) && tmr_has(0x49));
    ck_assert_uint_eq(io_read(0x10 + 18) & 0x4000, 0x4000);
    ck_assert_int_eq(inta(), 0x49);
    aw(0x0b0, 0);                               /* still high: again */
    ck_assert(irr_has(0x49));
    ck_assert_uint_eq(io_read(0x10 + 18) & 0x4000, 0x4000);
    ck_assert_int_eq(inta(), 0x49);
    irq_set(m, 9, false);
    aw(0x0b0, 0);
    ck_assert(!irr_has(0x49));
    ck_assert_uint_eq(io_read(0x10 + 18) & 0x4000, 0);
    /* Unmasking an asserted level pin delivers it. */
    rte(10, 0x1804a, 0);
    irq_set(m, 10, true);
    ck_assert(!irr_has(0x4a));
    rte(10, 0x804a, 0);
    ck_assert(irr_has(0x4a));
    ck_assert_int_eq(inta(), 0x4a);
    /* The I/O APIC's EOI register clears remote IRR by vector. */
    bus_mmio_write(&m->bus, IOAPIC + 0x40, 4, 0x4a);
    ck_assert(irr_has(0x4a));                   /* still asserted: again */
    ck_assert_uint_eq(io_read(0x10 + 20) & 0x4000, 0x4000);
    rte(10, 0x004a, 0);                         /* to edge: remote IRR clears */
    ck_assert_uint_eq(io_read(0x10 + 20) & 0x4000, 0);
}
END_TEST

/* An NMI entry raises NMI; ExtINT on entry 0 lets the PIC through when
 * LINT0 does not. */
START_TEST(ioapic_nmi_and_extint)
{
    rte(3, 0x400, 0);
    irq_set(m, 3, true);
    ck_assert(m->cpu.intr.nmi_pending);
    aw(0x350, 0x10700);                         /* LINT0 masked */
    irq_set(m, 1, true);
    ck_assert(!intr());
    rte(0, 0x700, 0);
    ck_assert(intr());
    ck_assert_int_eq(inta(), 0x09);
}
END_TEST

/* ==================================================================== guest */

#define GDT 0x8000
#define IDT 0xa000

/* A 64-bit CPL 0 guest: flat GDT, an IDT gate for `vector` to a handler at
 * 3000h that sends EOI and counts in dword [500h] (zeroed), `code` at 1000h
 * with RIP there, IF = 0. */
static void guest_setup(const uint8_t *code, size_t len, unsigned vector)
{
    static const uint8_t handler[] = {
        0x50,                                               /* push rax */
        0xb8, 0xb0, 0x00, 0xe0, 0xfe,                       /* mov eax, fee000b0h */
        0xc7, 0x00, 0x00, 0x00, 0x00, 0x00,                 /* EOI */
        0xff, 0x04, 0x25, 0x00, 0x05, 0x00, 0x00,           /* inc dword [500h] */
        0x58,                                               /* pop rax */
        0x48, 0xcf,                                         /* iretq */
    };
    static const uint64_t gdt[] = { 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };
    ck_assert_int_eq(rs_set_mode(rm, RS_MODE_LONG64, 0), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, GDT, gdt, sizeof(gdt)), RS_OK);
    uint64_t gate[2] = { (0x3000 & 0xffff) | (0x08ull << 16) | (0x8eull << 40), 0 };
    ck_assert_int_eq(rs_write_phys(rm, IDT + vector * 16, gate, sizeof(gate)), RS_OK);
    rs_table_reg g = { GDT, sizeof(gdt) - 1 }, i = { IDT, 0xfff };
    rs_descriptor_table(rm, 0, true, &g);
    rs_descriptor_table(rm, 1, true, &i);
    ck_assert_int_eq(rs_write_phys(rm, 0x1000, code, len), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x3000, handler, sizeof(handler)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x500, "\0\0\0\0", 4), RS_OK);
    rs_set_reg(rm, RS_RIP, 0x1000);
    rs_set_reg(rm, RS_RSP, 0x70000);
    rs_set_reg(rm, RS_RFLAGS, 0x2);
}

/* A 64-bit guest sets the LAPIC timer to periodic, 1 ms at the 25 MHz
 * crystal (divide by 1, count 25000), and sleeps in HLT until five
 * interrupts have been counted: five milliseconds of virtual time in a
 * few dozen instructions. */
START_TEST(guest_lapic_timer_sti_hlt)
{
    static const uint8_t code[] = {
        0xb0, 0xff, 0xe6, 0x21,                             /* mask the PIC */
        0xb8, 0x00, 0x00, 0xe0, 0xfe,                       /* mov eax, fee00000h */
        0xc7, 0x80, 0xe0, 0x03, 0x00, 0x00, 0x0b, 0, 0, 0,  /* divide by 1 */
        0xc7, 0x80, 0x20, 0x03, 0x00, 0x00, 0x40, 0x00, 0x02, 0x00,  /* periodic, 40h */
        0xc7, 0x80, 0x80, 0x03, 0x00, 0x00, 0xa8, 0x61, 0x00, 0x00,  /* count 25000 */
        0xfb,                                               /* sti */
        0xf4,                                               /* 1: hlt */
        0x83, 0x3c, 0x25, 0x00, 0x05, 0x00, 0x00, 0x05,     /* cmp dword [500h], 5 */
        0x72, 0xf5,                                         /* jb 1b */
        0xfa, 0xf4,                                         /* cli; hlt */
    };
    guest_setup(code, sizeof(code), 0x40);
    rs_stop why;
    /* The count is written by the sixth instruction, in crystal tick 0. */
    uint64_t t0 = 0;
    ck_assert_int_eq(rs_run(rm, 100000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    uint32_t count;
    ck_assert_int_eq(rs_read_phys(rm, 0x500, &count, 4), RS_OK);
    ck_assert_uint_eq(count, 5);
    uint64_t fifth = cycle_of_crystal(t0 + 5 * 25000);
    ck_assert_uint_ge(m->cpu.cycles, fifth);
    ck_assert_uint_lt(m->cpu.cycles, fifth + 40);
    ck_assert_uint_lt(m->cpu.icount, 120);
}
END_TEST

/* MOV CR8 lowering the TPR releases a held interrupt at once: the CPU tells
 * the local APIC (the tpr_written hook), so the interrupt is taken at the
 * next instruction boundary, not at the APIC's next poll. A self-IPI 45h is
 * held by TPR = Fh; after MOV CR8, 0 the very next instruction must already
 * see the handler's count. */
START_TEST(guest_mov_cr8_releases_interrupt_at_once)
{
    static const uint8_t code[] = {
        0xb0, 0xff, 0xe6, 0x21,                             /* mask the PIC */
        0xb8, 0x0f, 0x00, 0x00, 0x00,                       /* mov eax, 0fh */
        0x44, 0x0f, 0x22, 0xc0,                             /* mov cr8, rax */
        0xfb,                                               /* sti */
        0xb8, 0x00, 0x00, 0xe0, 0xfe,                       /* mov eax, fee00000h */
        0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x45, 0x00, 0x04, 0x00,  /* ICR: self, 45h */
        0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,     /* held: nothing happens */
        0x8b, 0x0c, 0x25, 0x00, 0x05, 0x00, 0x00,           /* mov ecx, [500h] */
        0x31, 0xc0,                                         /* xor eax, eax */
        0x44, 0x0f, 0x22, 0xc0,                             /* mov cr8, rax */
        0x8b, 0x1c, 0x25, 0x00, 0x05, 0x00, 0x00,           /* mov ebx, [500h] */
        0xfa, 0xf4,                                         /* cli; hlt */
    };
    guest_setup(code, sizeof(code), 0x45);
    rs_stop why;
    ck_assert_int_eq(rs_run(rm, 1000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    uint64_t held, after;
    rs_get_reg(rm, RS_RCX, &held);
    rs_get_reg(rm, RS_RBX, &after);
    ck_assert_uint_eq(held, 0);         /* TPR Fh held it */
    ck_assert_uint_eq(after, 1);        /* taken right after MOV CR8, 0 */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("apic");
    TCase *l = tcase_create("lapic");
    tcase_add_checked_fixture(l, setup, teardown);
    tcase_add_test(l, apic_reset_state);
    tcase_add_test(l, apic_timer_oneshot);
    tcase_add_test(l, apic_timer_periodic);
    tcase_add_test(l, apic_timer_tsc_deadline);
    tcase_add_test(l, apic_timer_tsc_deadline_scaled);
    tcase_add_test(l, apic_tpr_ppr);
    tcase_add_test(l, apic_eoi_nesting);
    tcase_add_test(l, apic_ipis);
    tcase_add_test(l, apic_error_interrupt);
    tcase_add_test(l, apic_relocate_and_disable);
    suite_add_tcase(s, l);
    TCase *io = tcase_create("ioapic");
    tcase_add_checked_fixture(io, setup, teardown);
    tcase_add_test(io, ioapic_registers);
    tcase_add_test(io, ioapic_edge_routing);
    tcase_add_test(io, ioapic_level_remote_irr);
    tcase_add_test(io, ioapic_nmi_and_extint);
    suite_add_tcase(s, io);
    TCase *guest = tcase_create("guest");
    tcase_add_checked_fixture(guest, setup, teardown);
    tcase_add_test(guest, guest_lapic_timer_sti_hlt);
    tcase_add_test(guest, guest_mov_cr8_releases_interrupt_at_once);
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
