/*
 * The simple PC devices on a machine made by rs_create_pc: the QEMU debug
 * devices (isa-debug-exit, the 0xE9 console, POST codes, reset control),
 * the 8042 keyboard controller and port 0x92, CMOS memory-size bytes and
 * checksum, the MC146818 RTC (formats, time advancing in virtual time, UIP,
 * periodic/update/alarm interrupts, register C, SET, divider reset), and
 * VGA text mode (dump, cursor and other registers).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/cmos.h"
#include "devices/debugdev.h"
#include "devices/kbc.h"
#include "devices/pc.h"
#include "devices/vga.h"
#include "machine.h"
#include "ringscope/ringscope.h"

#define CODE 0x10000
#define SPIN 0x20000

static rs_machine *rm;
static struct machine *m;
static uint8_t con[256];
static size_t con_len;

static void con_capture(void *ctx, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len && con_len < sizeof(con); i++)
        con[con_len++] = data[i];
}

/* A PC with `cfg` (NULL: defaults + the debug console captured), in 64-bit
 * mode with a `jmp $` loop at SPIN. */
static void make_pc(rs_pc_config *cfg)
{
    rs_pc_config def = { 0 };
    char err[128];
    if (!cfg)
        cfg = &def;
    cfg->debugcon_out = con_capture;
    con_len = 0;
    ck_assert_int_eq(rs_create_pc(cfg, &rm, err, sizeof(err)), RS_OK);
    /* Timing assertions below count instructions: one cycle each. */
    ck_assert_int_eq(rs_set_cpu_model(rm, "one-cycle"), RS_OK);
    m = (struct machine *)rm;       /* rs_machine is a struct machine (api.c) */
    static const uint8_t spin[] = { 0xeb, 0xfe };
    ck_assert_int_eq(rs_write_phys(rm, SPIN, spin, sizeof(spin)), RS_OK);
    ck_assert_int_eq(rs_set_mode(rm, RS_MODE_LONG64, 0), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, SPIN), RS_OK);
}

static void teardown(void)
{
    rs_destroy(rm);
    rm = NULL;
}

static rs_stop run_code(const uint8_t *code, size_t len, uint64_t budget)
{
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(rm, CODE, code, len), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, CODE), RS_OK);
    ck_assert_int_eq(rs_run(rm, budget, &why, NULL), RS_OK);
    return why;
}

static uint64_t reg(rs_reg r)
{
    uint64_t v;
    ck_assert_int_eq(rs_get_reg(rm, r, &v), RS_OK);
    return v;
}

static uint8_t inb(uint16_t port) { return (uint8_t)bus_in(&m->bus, port, 1); }
static void outb(uint16_t port, uint8_t v) { bus_out(&m->bus, port, 1, v); }

/* ---- Debug devices ---- */

START_TEST(debug_exit)
{
    make_pc(NULL);
    static const uint8_t code[] = { 0xb0, 0x10, 0xe6, 0xf4, 0xb3, 0x01, 0xf4 };
    int status = -1;
    ck_assert_int_eq(run_code(code, sizeof(code), 100), RS_STOP_POWEROFF);
    ck_assert_int_eq(rs_get_exit_status(rm, &status), RS_OK);
    ck_assert_int_eq(status, 0x10);
    ck_assert_uint_eq(reg(RS_RBX) & 0xff, 0);           /* stopped right after the OUT */
    /* A 32-bit write to any of the four ports exits with the whole value. */
    static const uint8_t code32[] = {
        0xb8, 0x45, 0x23, 0x01, 0x00,                   /* mov eax, 0x12345 */
        0x66, 0xba, 0xf6, 0x00, 0xef,                   /* mov dx, 0xf6; out dx, eax */
    };
    ck_assert_int_eq(run_code(code32, sizeof(code32), 100), RS_STOP_POWEROFF);
    ck_assert_int_eq(rs_get_exit_status(rm, &status), RS_OK);
    ck_assert_int_eq(status, 0x12345);
    ck_assert_uint_eq(inb(0xf4), 0);
}
END_TEST

START_TEST(debug_console)
{
    make_pc(NULL);
    static const uint8_t code[] = {
        0xb0, 'o', 0xe6, 0xe9, 0xb0, 'k', 0xe6, 0xe9,   /* out 0xe9 "ok" */
        0xe4, 0xe9,                                     /* in al, 0xe9 */
        0xe6, 0xf4,                                     /* exit with it */
    };
    int status;
    ck_assert_int_eq(run_code(code, sizeof(code), 100), RS_STOP_POWEROFF);
    ck_assert_uint_eq(con_len, 2);
    ck_assert(memcmp(con, "ok", 2) == 0);
    ck_assert_int_eq(rs_get_exit_status(rm, &status), RS_OK);
    ck_assert_int_eq(status, 0xe9);                     /* QEMU's readback value */
}
END_TEST

START_TEST(post_code)
{
    make_pc(NULL);
    ck_assert_uint_eq(debugdev_post_code(m->pc->debug), 0);
    outb(0x80, 0x5a);
    ck_assert_uint_eq(debugdev_post_code(m->pc->debug), 0x5a);
    ck_assert_uint_eq(inb(0x80), 0x5a);
}
END_TEST

START_TEST(reset_control_cf9)
{
    rs_pc_config cfg = { .no_reboot = true };
    make_pc(&cfg);
    static const uint8_t code[] = {
        0x66, 0xba, 0xf9, 0x0c,                         /* mov dx, 0xcf9 */
        0xb0, 0x02, 0xee,                               /* SYS_RST only: no reset */
        0xb3, 0x01,                                     /* mov bl, 1 */
        0xb0, 0x06, 0xee,                               /* RST_CPU: reset */
        0xb3, 0x02, 0xf4,
    };
    ck_assert_int_eq(run_code(code, sizeof(code), 100), RS_STOP_RESET);
    ck_assert_uint_eq(reg(RS_RBX) & 0xff, 1);
    ck_assert_uint_eq(inb(0xcf9), 0x02);                /* RST_CPU reads back 0 */
    rs_destroy(rm);

    /* Without no_reboot the machine resets and the CPU restarts at F000:FFF0. */
    make_pc(NULL);
    rs_segment cs;
    rs_mode mode;
    ck_assert_int_eq(run_code(code, sizeof(code), 8), RS_STOP_BUDGET);   /* 6 + 2 after */
    ck_assert_int_eq(rs_get_segment(rm, RS_CS, &cs), RS_OK);
    ck_assert_uint_eq(cs.selector, 0xf000);
    ck_assert_int_eq(rs_get_mode(rm, &mode), RS_OK);
    ck_assert_int_eq(mode, RS_MODE_REAL);
}
END_TEST

/* ---- 8042 ---- */

START_TEST(kbc_resets)
{
    rs_pc_config cfg = { .no_reboot = true };
    make_pc(&cfg);
    static const uint8_t pulse[] = { 0xb0, 0xfe, 0xe6, 0x64, 0xf4 };
    ck_assert_int_eq(run_code(pulse, sizeof(pulse), 100), RS_STOP_RESET);
    static const uint8_t fast[] = { 0xe4, 0x92, 0x0c, 0x01, 0xe6, 0x92, 0xf4 };
    ck_assert_int_eq(run_code(fast, sizeof(fast), 100), RS_STOP_RESET);
    ck_assert_int_eq(run_code(fast, sizeof(fast), 100), RS_STOP_HALT);  /* no 0 -> 1 edge */
    static const uint8_t outport[] = { 0xb0, 0xd1, 0xe6, 0x64, 0xb0, 0xfc, 0xe6, 0x60, 0xf4 };
    ck_assert_int_eq(run_code(outport, sizeof(outport), 100), RS_STOP_RESET);
    static const uint8_t harmless[] = {
        0xb0, 0xd1, 0xe6, 0x64, 0xb0, 0xdf, 0xe6, 0x60,     /* output port: A20, no reset */
        0xb0, 0xff, 0xe6, 0x64,                             /* pulse nothing */
        0xf4,
    };
    ck_assert_int_eq(run_code(harmless, sizeof(harmless), 100), RS_STOP_HALT);
}
END_TEST

/* Read the next byte the controller offers (asserting OBF first). */
static uint8_t kbc_read(void)
{
    ck_assert(inb(0x64) & 0x01);
    return inb(0x60);
}

START_TEST(kbc_controller)
{
    make_pc(NULL);
    struct kbc *k = m->pc->kbc;
    ck_assert_uint_eq(inb(0x64), 0x14);                 /* system flag, not inhibited */
    outb(0x64, 0x20);
    ck_assert_uint_eq(inb(0x64), 0x1d);                 /* OBF, SYS, command, unlocked */
    ck_assert(kbc_irq1_line(k));                        /* command byte bit 0 */
    ck_assert_uint_eq(inb(0x60), 0x65);
    ck_assert(!kbc_irq1_line(k));
    ck_assert_uint_eq(inb(0x64), 0x1c);
    ck_assert_uint_eq(inb(0x60), 0x65);                 /* empty: the last byte again */
    /* Write the command byte: interrupts off, system flag clear. */
    outb(0x64, 0x60);
    outb(0x60, 0x20);
    ck_assert_uint_eq(inb(0x64), 0x10);
    outb(0x64, 0x20);
    ck_assert(!kbc_irq1_line(k));
    ck_assert_uint_eq(kbc_read(), 0x20);
    /* Self-test sets the system flag; interface tests pass. */
    outb(0x64, 0xaa);
    ck_assert_uint_eq(kbc_read(), 0x55);
    ck_assert(inb(0x64) & 0x04);
    outb(0x64, 0xab);
    ck_assert_uint_eq(kbc_read(), 0x00);
    outb(0x64, 0xa9);
    ck_assert_uint_eq(kbc_read(), 0x00);
    /* Controller RAM. */
    outb(0x64, 0x65);
    outb(0x60, 0x99);
    outb(0x64, 0x25);
    ck_assert_uint_eq(kbc_read(), 0x99);
    /* Output port and A20: stored only. */
    outb(0x64, 0xd0);
    ck_assert_uint_eq(kbc_read(), 0x03);
    outb(0x64, 0xdd);
    outb(0x64, 0xd0);
    ck_assert_uint_eq(kbc_read(), 0x01);
    outb(0x92, 0x00);
    ck_assert(!kbc_a20_requested(k));
    outb(0x64, 0xdf);
    ck_assert(kbc_a20_requested(k));
    outb(0x64, 0xd1);
    outb(0x60, 0x01);
    ck_assert(!kbc_a20_requested(k));
    outb(0x92, 0x02);
    ck_assert(kbc_a20_requested(k));
    ck_assert_uint_eq(inb(0x92), 0x02);
    /* Bytes written into the output buffers. */
    outb(0x64, 0xd2);
    outb(0x60, 0x42);
    ck_assert_uint_eq(inb(0x64) & 0x21, 0x01);
    ck_assert_uint_eq(inb(0x60), 0x42);
    outb(0x64, 0xd3);
    outb(0x60, 0x5a);
    ck_assert_uint_eq(inb(0x64) & 0x61, 0x21);          /* from the auxiliary port */
    ck_assert_uint_eq(inb(0x60), 0x5a);
    outb(0x64, 0xd4);                                   /* to the (absent) mouse */
    outb(0x60, 0xff);
    ck_assert_uint_eq(inb(0x64) & 0x61, 0x61);          /* 0xFE with the timeout bit */
    ck_assert_uint_eq(inb(0x60), 0xfe);
    ck_assert_uint_eq(inb(0x64) & 0x61, 0x00);
}
END_TEST

START_TEST(kbc_keyboard)
{
    make_pc(NULL);
    struct kbc *k = m->pc->kbc;
    outb(0x60, 0xff);                                   /* reset */
    ck_assert(kbc_irq1_line(k));
    ck_assert_uint_eq(kbc_read(), 0xfa);
    ck_assert(kbc_irq1_line(k));                        /* the next byte follows */
    ck_assert_uint_eq(kbc_read(), 0xaa);
    ck_assert(!kbc_irq1_line(k));
    ck_assert_uint_eq(inb(0x64) & 0x01, 0);
    outb(0x60, 0xf2);                                   /* identify */
    ck_assert_uint_eq(kbc_read(), 0xfa);
    ck_assert_uint_eq(kbc_read(), 0xab);
    ck_assert_uint_eq(kbc_read(), 0x83);
    outb(0x60, 0xed);                                   /* LEDs */
    ck_assert_uint_eq(kbc_read(), 0xfa);
    outb(0x60, 0x07);
    ck_assert_uint_eq(kbc_read(), 0xfa);
    outb(0x60, 0xf0);                                   /* get scan code set */
    ck_assert_uint_eq(kbc_read(), 0xfa);
    outb(0x60, 0x00);
    ck_assert_uint_eq(kbc_read(), 0xfa);
    ck_assert_uint_eq(kbc_read(), 0x02);
    outb(0x60, 0xee);                                   /* echo */
    ck_assert_uint_eq(kbc_read(), 0xee);
    outb(0x60, 0x12);                                   /* not a command */
    ck_assert_uint_eq(kbc_read(), 0xfe);
    /* A disabled keyboard interface holds the keyboard's bytes. */
    outb(0x64, 0xad);
    outb(0x60, 0xf4);
    ck_assert_uint_eq(inb(0x64) & 0x01, 0);
    outb(0x64, 0x20);                                   /* controller replies still come */
    ck_assert_uint_eq(kbc_read(), 0x75);
    outb(0x64, 0xae);
    ck_assert_uint_eq(kbc_read(), 0xfa);
}
END_TEST

/* ---- CMOS ---- */

static uint8_t cmos(uint8_t index)
{
    outb(0x70, index);
    return inb(0x71);
}

static void cmos_write(uint8_t index, uint8_t v)
{
    outb(0x70, index);
    outb(0x71, v);
}

static void check_checksum(void)
{
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2d; i++)
        sum += cmos((uint8_t)i);
    ck_assert_uint_eq(sum, (unsigned)(cmos(0x2e) << 8 | cmos(0x2f)));
}

START_TEST(cmos_memory_size)
{
    static const struct {
        uint64_t ram;
        unsigned ext, over16, over4g;
    } cases[] = {
        { 256ull << 20, 0xffff, 0x0f00, 0 },            /* 255 MiB of extended memory: capped */
        { 32ull << 20, 0x7c00, 0x0100, 0 },
        { 8ull << 20, 0x1c00, 0, 0 },
        { 5ull << 30, 0xffff, 0xdf00, 0x6000 },         /* 3.5 GiB below 4 GiB, 1.5 GiB above */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rs_pc_config cfg = { .ram_bytes = cases[i].ram };
        make_pc(&cfg);
        ck_assert_uint_eq(cmos(0x15) | cmos(0x16) << 8, 640);
        ck_assert_uint_eq(cmos(0x17) | cmos(0x18) << 8, cases[i].ext);
        ck_assert_uint_eq(cmos(0x30) | cmos(0x31) << 8, cases[i].ext);
        ck_assert_uint_eq(cmos(0x34) | cmos(0x35) << 8, cases[i].over16);
        ck_assert_uint_eq(cmos(0x5b) | cmos(0x5c) << 8 | cmos(0x5d) << 16, cases[i].over4g);
        ck_assert_uint_eq(cmos(0x32), 0x20);            /* century, BCD */
        check_checksum();
        rs_destroy(rm);
        rm = NULL;
    }
    make_pc(NULL);
    /* Plain RAM, and the NMI mask bit of the index port. */
    cmos_write(0x40, 0xa5);
    ck_assert_uint_eq(cmos(0x40), 0xa5);
    ck_assert(!cmos_nmi_masked(m->pc->cmos));
    outb(0x70, 0x8a);
    ck_assert(cmos_nmi_masked(m->pc->cmos));
    ck_assert_uint_eq(inb(0x71), 0x26);                 /* index 0x0A */
    ck_assert_uint_eq(inb(0x70), 0xff);                 /* the index port is write-only */
    ck_assert_uint_eq(cmos(0x0d), 0x80);
}
END_TEST

START_TEST(rtc_formats)
{
    make_pc(NULL);                                      /* 2026-01-01 00:00:00, Thursday */
    static const uint8_t idx[7] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09 };
    static const uint8_t bcd[7] = { 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x26 };
    for (unsigned i = 0; i < 7; i++)
        ck_assert_uint_eq(cmos(idx[i]), bcd[i]);
    ck_assert_uint_eq(cmos(0x0b), 0x02);
    ck_assert_uint_eq(cmos(0x04), 0x00);
    cmos_write(0x0b, 0x00);                             /* 12-hour BCD: midnight is 12 AM */
    ck_assert_uint_eq(cmos(0x04), 0x12);
    cmos_write(0x0b, 0x04);                             /* 12-hour binary */
    ck_assert_uint_eq(cmos(0x04), 12);
    ck_assert_uint_eq(cmos(0x09), 26);
    ck_assert_uint_eq(cmos(0x32), 20);
    rs_destroy(rm);

    rs_pc_config cfg = { .rtc_epoch = 1783170309 };     /* 2026-07-04 13:05:09, Saturday */
    make_pc(&cfg);
    ck_assert_uint_eq(cmos(0x00), 0x09);
    ck_assert_uint_eq(cmos(0x02), 0x05);
    ck_assert_uint_eq(cmos(0x04), 0x13);
    ck_assert_uint_eq(cmos(0x06), 0x07);
    ck_assert_uint_eq(cmos(0x07), 0x04);
    ck_assert_uint_eq(cmos(0x08), 0x07);
    cmos_write(0x0b, 0x00);
    ck_assert_uint_eq(cmos(0x04), 0x81);                /* 1 PM */
    cmos_write(0x0b, 0x06);
    ck_assert_uint_eq(cmos(0x04), 13);
    ck_assert_uint_eq(cmos(0x08), 7);
    ck_assert_int_eq(cmos_rtc_seconds(m->pc->cmos), 1783170309);
}
END_TEST

/* A guest polls the seconds register until it changes, then exits with the
 * new value: one second of virtual time is cpu_hz instructions. */
START_TEST(rtc_advances_with_virtual_time)
{
    rs_pc_config cfg = { .cpu_hz = 1000000 };
    make_pc(&cfg);
    static const uint8_t code[] = {
        0xb0, 0x00, 0xe6, 0x70, 0xe4, 0x71, 0x88, 0xc3,             /* bl = seconds */
        0xb0, 0x00, 0xe6, 0x70, 0xe4, 0x71, 0x38, 0xd8, 0x74, 0xf6, /* until al != bl */
        0xe6, 0xf4,
    };
    int status;
    uint64_t cycles;
    ck_assert_int_eq(run_code(code, sizeof(code), 2000000), RS_STOP_POWEROFF);
    ck_assert_int_eq(rs_get_exit_status(rm, &status), RS_OK);
    ck_assert_int_eq(status, 0x01);
    ck_assert_int_eq(rs_counters(rm, NULL, &cycles), RS_OK);
    ck_assert_uint_ge(cycles, 1000000);
    ck_assert_uint_lt(cycles, 1000100);
    ck_assert_uint_eq(cmos(0x00), 0x01);
}
END_TEST

/* UIP is 1 for the 8 divider ticks (244 us) before each update. Virtual time
 * is set directly: 1000 cycles per 32.768 kHz tick. */
START_TEST(rtc_uip_window)
{
    rs_pc_config cfg = { .cpu_hz = 32768000 };
    make_pc(&cfg);
    static const struct {
        uint64_t cycle;
        uint8_t uip, sec;
    } at[] = {
        { 0, 0, 0 }, { 32759999, 0, 0 }, { 32760000, 0x80, 0 }, { 32767999, 0x80, 0 },
        { 32768000, 0, 1 }, { 65527999, 0, 1 }, { 65528000, 0x80, 1 }, { 65536000, 0, 2 },
    };
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        m->cpu.cycles = at[i].cycle;
        ck_assert_uint_eq(cmos(0x0a) & 0x80, at[i].uip);
        ck_assert_uint_eq(cmos(0x00), at[i].sec);
    }
    cmos_write(0x0b, 0x82);                             /* SET: no updates, no UIP */
    m->cpu.cycles = 98296000;
    ck_assert_uint_eq(cmos(0x0a) & 0x80, 0);
}
END_TEST

/* Let time pass with the guest spinning, in `step`-cycle slices; every time
 * IRQ 8 is high, read register C (whose bits in `mask` must show `flags`).
 * Returns how many times it was high. */
static unsigned count_irq8(uint64_t cycles, uint64_t step, uint8_t mask, uint8_t flags,
                           uint64_t *first)
{
    unsigned n = 0;
    uint64_t end = m->cpu.cycles + cycles;
    while (m->cpu.cycles < end) {
        ck_assert_int_eq(machine_run(m, step), RS_STOP_BUDGET);
        clock_fire_due(&m->clock);              /* a deadline reached by this slice */
        if (cmos_irq_line(m->pc->cmos)) {
            if (n++ == 0 && first)
                *first = m->cpu.cycles;
            ck_assert_uint_eq(cmos(0x0c) & mask, flags);
            ck_assert(!cmos_irq_line(m->pc->cmos));
        }
    }
    return n;
}

START_TEST(rtc_periodic_rates)
{
    rs_pc_config cfg = { .cpu_hz = 3276800 };           /* 100 cycles per tick */
    make_pc(&cfg);
    uint64_t first;
    ck_assert_uint_eq(count_irq8(100000, 100, 0xff, 0, NULL), 0);     /* PIE off */
    ck_assert_uint_eq(cmos(0x0c), 0x40);                        /* but PF is set */
    ck_assert_uint_eq(cmos(0x0c), 0x00);                        /* and a read cleared it */
    m->cpu.cycles = 3276800;                                    /* t = 1 s exactly */
    cmos(0x0c);
    cmos_write(0x0b, 0x42);                                     /* PIE, rate 6: 1024 Hz */
    ck_assert_uint_eq(count_irq8(3276800, 25, 0xe0, 0xc0, &first), 1024);
    ck_assert_uint_ge(first, 3276800 + 3200);
    ck_assert_uint_lt(first, 3276800 + 3200 + 25);
    cmos_write(0x0a, 0x23);                                     /* rate 3: 8192 Hz */
    ck_assert_uint_eq(count_irq8(3276800, 25, 0xe0, 0xc0, NULL), 8192);
    cmos_write(0x0a, 0x2f);                                     /* rate 15: 2 Hz */
    ck_assert_uint_eq(count_irq8(3276800, 400, 0xe0, 0xc0, NULL), 2);
    cmos_write(0x0a, 0x21);                                     /* rate 1: 256 Hz */
    ck_assert_uint_eq(count_irq8(3276800, 100, 0xe0, 0xc0, NULL), 256);
    cmos_write(0x0a, 0x20);                                     /* rate 0: off */
    ck_assert_uint_eq(count_irq8(3276800, 400, 0xe0, 0xc0, NULL), 0);
}
END_TEST

START_TEST(rtc_update_and_alarm)
{
    rs_pc_config cfg = { .cpu_hz = 3276800 };
    make_pc(&cfg);
    cmos_write(0x0a, 0x20);                                     /* no periodic flag */
    uint64_t first;
    cmos_write(0x0b, 0x12);                                     /* UIE */
    ck_assert_uint_eq(count_irq8(3 * 3276800, 1000, 0xff, 0x90, &first), 3);
    ck_assert_uint_ge(first, 3276800);
    ck_assert_uint_lt(first, 3276800 + 1000);
    /* Alarm at 00:00:05: one interrupt, when the seconds reach 5. */
    cmos_write(0x0b, 0x02);
    cmos_write(0x01, 0x05);
    cmos_write(0x03, 0x00);
    cmos_write(0x05, 0x00);
    cmos(0x0c);
    cmos_write(0x0b, 0x22);                                     /* AIE */
    ck_assert_uint_eq(count_irq8(3 * 3276800, 1000, 0xff, 0xb0, &first), 1);
    ck_assert_uint_ge(first, 5 * 3276800);
    ck_assert_uint_lt(first, 5 * 3276800 + 1000);
    /* "Don't care" in all three: every second. */
    cmos_write(0x01, 0xc0);
    cmos_write(0x03, 0xff);
    cmos_write(0x05, 0xc3);
    ck_assert_uint_eq(count_irq8(3 * 3276800, 1000, 0xff, 0xb0, NULL), 3);
    /* Without enables, the flags still collect; reading C clears them. */
    cmos_write(0x0b, 0x02);
    m->cpu.cycles += 5 * 3276800;
    ck_assert_uint_eq(cmos(0x0c), 0x30);
    ck_assert_uint_eq(cmos(0x0c), 0x00);
    /* Enabling an interrupt whose flag is already set raises IRQ 8 at once. */
    m->cpu.cycles += 3276800;
    cmos_write(0x0b, 0x12);
    ck_assert(cmos_irq_line(m->pc->cmos));
    ck_assert_uint_eq(cmos(0x0c), 0xb0);
    /* Setting SET clears UIE. */
    cmos_write(0x0b, 0x92);
    ck_assert_uint_eq(cmos(0x0b), 0x82);
}
END_TEST

static void set_time(const uint8_t regs[10], uint8_t century)
{
    cmos_write(0x0b, 0x82);
    for (uint8_t i = 0; i < 10; i++)
        if (i != 1 && i != 3 && i != 5)
            cmos_write(i, regs[i]);
    cmos_write(0x32, century);
    cmos_write(0x0b, 0x02);
}

START_TEST(rtc_set_and_rollover)
{
    rs_pc_config cfg = { .cpu_hz = 3276800 };
    make_pc(&cfg);
    /* 2099-12-31 23:59:59 -> 2100-01-01 00:00:00 (a Friday). */
    static const uint8_t y2100[10] = { 0x59, 0, 0x59, 0, 0x23, 0, 0x05, 0x31, 0x12, 0x99 };
    cmos_write(0x0b, 0x82);
    for (uint8_t i = 0; i < 10; i++)
        if (i != 1 && i != 3 && i != 5)
            cmos_write(i, y2100[i]);
    cmos_write(0x32, 0x20);
    m->cpu.cycles += 2 * 3276800;                       /* SET holds the time */
    ck_assert_uint_eq(cmos(0x00), 0x59);
    cmos_write(0x0b, 0x02);
    ck_assert_uint_eq(cmos(0x00), 0x59);
    m->cpu.cycles += 3276800;
    ck_assert_uint_eq(cmos(0x00), 0x00);
    ck_assert_uint_eq(cmos(0x02), 0x00);
    ck_assert_uint_eq(cmos(0x04), 0x00);
    ck_assert_uint_eq(cmos(0x06), 0x06);
    ck_assert_uint_eq(cmos(0x07), 0x01);
    ck_assert_uint_eq(cmos(0x08), 0x01);
    ck_assert_uint_eq(cmos(0x09), 0x00);
    ck_assert_uint_eq(cmos(0x32), 0x21);
    /* Leap years: 2028-02-28 -> 02-29; 2100-02-28 -> 03-01. */
    static const uint8_t leap[10] = { 0x59, 0, 0x59, 0, 0x23, 0, 0, 0x28, 0x02, 0x28 };
    set_time(leap, 0x20);
    m->cpu.cycles += 3276800;
    ck_assert_uint_eq(cmos(0x07), 0x29);
    ck_assert_uint_eq(cmos(0x08), 0x02);
    static const uint8_t noleap[10] = { 0x59, 0, 0x59, 0, 0x23, 0, 0, 0x28, 0x02, 0x00 };
    set_time(noleap, 0x21);
    m->cpu.cycles += 3276800;
    ck_assert_uint_eq(cmos(0x07), 0x01);
    ck_assert_uint_eq(cmos(0x08), 0x03);
    /* A time register written while the clock runs: counting goes on from it. */
    cmos_write(0x02, 0x30);
    ck_assert_uint_eq(cmos(0x02), 0x30);
    m->cpu.cycles += 60 * 3276800;
    ck_assert_uint_eq(cmos(0x02), 0x31);
}
END_TEST

START_TEST(rtc_divider_reset)
{
    rs_pc_config cfg = { .cpu_hz = 3276800 };
    make_pc(&cfg);
    m->cpu.cycles = 3276800 / 4;                        /* 0.25 s */
    ck_assert_uint_eq(cmos(0x0c), 0x40);                /* periodic flag so far */
    cmos_write(0x0a, 0x76);                             /* divider held in reset */
    m->cpu.cycles += 10 * 3276800;
    ck_assert_uint_eq(cmos(0x00), 0x00);
    ck_assert_uint_eq(cmos(0x0c), 0x00);                /* no periodic flag either */
    cmos_write(0x0a, 0x26);
    uint64_t released = m->cpu.cycles;
    m->cpu.cycles = released + 3276800 / 2 - 1;         /* first update 500 ms later */
    ck_assert_uint_eq(cmos(0x00), 0x00);
    m->cpu.cycles = released + 3276800 / 2;
    ck_assert_uint_eq(cmos(0x00), 0x01);
    m->cpu.cycles = released + 3276800 / 2 + 3276800;
    ck_assert_uint_eq(cmos(0x00), 0x02);
}
END_TEST

/* A real-mode guest takes the RTC's periodic interrupt through the slave
 * PIC (IRQ 8, vector 0x70), reading register C in its handler. */
START_TEST(rtc_guest_irq8)
{
    rs_pc_config cfg = { .cpu_hz = 3276800 };
    make_pc(&cfg);
    if (!m->pc->pic)
        return;                                         /* no PIC in this build */
    static const uint8_t code[] = {
        0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x7c,
        0xc7, 0x06, 0xc0, 0x01, 0x00, 0x7d,             /* IVT[0x70] = 0000:7D00 */
        0xc7, 0x06, 0xc2, 0x01, 0x00, 0x00,
        0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x08, 0xe6, 0x21, /* master: vectors 8-15 */
        0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21,
        0xb0, 0x11, 0xe6, 0xa0, 0xb0, 0x70, 0xe6, 0xa1, /* slave: vectors 0x70-0x77 */
        0xb0, 0x02, 0xe6, 0xa1, 0xb0, 0x01, 0xe6, 0xa1,
        0xb0, 0xfb, 0xe6, 0x21, 0xb0, 0xfe, 0xe6, 0xa1, /* only the cascade and IRQ 8 */
        0xb0, 0x0b, 0xe6, 0x70, 0xe4, 0x71, 0x0c, 0x40, 0xe6, 0x71,     /* PIE */
        0xfb, 0xeb, 0xfe,                               /* sti; jmp $ */
    };
    static const uint8_t isr[] = {
        0x50, 0xff, 0x06, 0x00, 0x06,                   /* push ax; inc word [0x600] */
        0xb0, 0x0c, 0xe6, 0x70, 0xe4, 0x71,             /* read register C */
        0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20,             /* EOI slave, master */
        0x58, 0xcf,
    };
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x7d00, isr, sizeof(isr)), RS_OK);
    ck_assert_int_eq(rs_set_mode(rm, RS_MODE_REAL, 0), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, 0x7c00), RS_OK);
    /* One second, in slices: a timer armed from inside a slice (the handler's
     * register C read re-arms the RTC) is only seen when the slice ends
     * (machine.c; reported), so slices stay short against the 3200-cycle
     * period. */
    for (unsigned i = 0; i < 3276800 / 100; i++) {
        rs_stop why;
        ck_assert_int_eq(rs_run(rm, 100, &why, NULL), RS_OK);
        ck_assert_int_eq(why, RS_STOP_BUDGET);
    }
    uint16_t count;
    ck_assert_int_eq(rs_read_phys(rm, 0x600, &count, 2), RS_OK);
    ck_assert_uint_ge(count, 1022);                     /* 1024 Hz */
    ck_assert_uint_le(count, 1024);
}
END_TEST

/* ---- VGA ---- */

START_TEST(vga_text)
{
    make_pc(NULL);
    static char screen[25 * 81 + 1];
    ck_assert_int_eq(rs_vga_text(rm, screen, sizeof(screen)), RS_OK);
    ck_assert_uint_eq(strlen(screen), 25 * 81);
    for (unsigned r = 0; r < 25; r++) {
        ck_assert_int_eq(screen[r * 81 + 80], '\n');
        for (unsigned c = 0; c < 80; c++)
            ck_assert_int_eq(screen[r * 81 + c], ' ');
    }
    static const uint8_t hello[] = { 'H', 0x1f, 'i', 0x1f, 0x01, 0x07, 0x00, 0x07,
                                     0xdb, 0x07, '~', 0x07 };
    ck_assert_int_eq(rs_write_phys(rm, 0xb8000, hello, sizeof(hello)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0xb8000 + 24 * 160 + 79 * 2, "Z", 1), RS_OK);
    ck_assert_int_eq(rs_vga_text(rm, screen, sizeof(screen)), RS_OK);
    ck_assert(strncmp(screen, "Hi. .~ ", 7) == 0);
    ck_assert_int_eq(screen[24 * 81 + 79], 'Z');
    ck_assert_uint_eq(vga_cell(m->pc->vga, 0, 0), 0x1f48);
    /* A short buffer gets what fits, NUL-terminated. */
    char small[10];
    vga_text_dump(m->pc->vga, small, sizeof(small));
    ck_assert_str_eq(small, "Hi. .~   ");
    ck_assert_int_eq(rs_vga_text(rm, small, sizeof(small)), RS_ERR_ARG);
    /* The CRTC start address scrolls the displayed screen by a line. */
    outb(0x3d4, 0x0c);
    outb(0x3d5, 0x00);
    outb(0x3d4, 0x0d);
    outb(0x3d5, 80);
    vga_text_dump(m->pc->vga, screen, sizeof(screen));
    ck_assert_int_eq(screen[23 * 81 + 79], 'Z');
    ck_assert_int_eq(screen[0], ' ');
}
END_TEST

START_TEST(vga_registers)
{
    make_pc(NULL);
    struct vga_cursor cur;
    vga_get_cursor(m->pc->vga, &cur);
    ck_assert_uint_eq(cur.location, 0);
    ck_assert_uint_eq(cur.start, 0x0d);
    ck_assert_uint_eq(cur.end, 0x0e);
    ck_assert(cur.visible);
    outb(0x3d4, 0x0e);
    outb(0x3d5, 0x01);
    outb(0x3d4, 0x0f);
    outb(0x3d5, 0x23);
    ck_assert_uint_eq(inb(0x3d4), 0x0f);
    ck_assert_uint_eq(inb(0x3d5), 0x23);
    vga_get_cursor(m->pc->vga, &cur);
    ck_assert_uint_eq(cur.location, 0x123);
    ck_assert_uint_eq(cur.row, 3);
    ck_assert_uint_eq(cur.col, 51);
    /* The 16-bit form: index in the low byte, data in the high byte. */
    bus_out(&m->bus, 0x3d4, 2, 0x070e);
    bus_out(&m->bus, 0x3d4, 2, 0xd00f);
    vga_get_cursor(m->pc->vga, &cur);
    ck_assert_uint_eq(cur.location, 0x7d0);
    ck_assert_uint_eq(cur.row, 25);                     /* just past the screen */
    bus_out(&m->bus, 0x3d4, 2, 0x200a);                 /* cursor disable */
    vga_get_cursor(m->pc->vga, &cur);
    ck_assert(!cur.visible);
    /* CR11 bit 7 (set in mode 3) protects CR00-CR07. */
    outb(0x3d4, 0x01);
    outb(0x3d5, 0x00);
    ck_assert_uint_eq(inb(0x3d5), 0x4f);
    /* Misc output: written at 0x3C2, read at 0x3CC. */
    ck_assert_uint_eq(inb(0x3cc), 0x67);
    outb(0x3c2, 0x63);
    ck_assert_uint_eq(inb(0x3cc), 0x63);
    /* Input status 1 alternates bits 0 and 3 on every read. */
    uint8_t a = inb(0x3da), b = inb(0x3da), c = inb(0x3da);
    ck_assert_uint_eq(a ^ b, 0x09);
    ck_assert_uint_eq(a, c);
    /* The attribute flip-flop: index, data; a 0x3DA read resets it. */
    inb(0x3da);
    outb(0x3c0, 0x10);
    outb(0x3c0, 0x0c);
    ck_assert_uint_eq(inb(0x3c1), 0x0c);
    outb(0x3c0, 0x11);                                  /* an index again */
    inb(0x3da);
    outb(0x3c0, 0x12);                                  /* index after the reset */
    outb(0x3c0, 0x0f);
    outb(0x3c0, 0x12);
    ck_assert_uint_eq(inb(0x3c1), 0x0f);
    ck_assert_uint_eq(inb(0x3c0), 0x12);
    /* DAC: index, then red, green, blue. */
    outb(0x3c8, 0x05);
    outb(0x3c9, 0x3f);
    outb(0x3c9, 0x01);
    outb(0x3c9, 0x02);
    outb(0x3c7, 0x05);
    ck_assert_uint_eq(inb(0x3c9), 0x3f);
    ck_assert_uint_eq(inb(0x3c9), 0x01);
    ck_assert_uint_eq(inb(0x3c9), 0x02);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("simpledevs");
    TCase *tc = tcase_create("devices");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, debug_exit);
    tcase_add_test(tc, debug_console);
    tcase_add_test(tc, post_code);
    tcase_add_test(tc, reset_control_cf9);
    tcase_add_test(tc, kbc_resets);
    tcase_add_test(tc, kbc_controller);
    tcase_add_test(tc, kbc_keyboard);
    tcase_add_test(tc, cmos_memory_size);
    tcase_add_test(tc, rtc_formats);
    tcase_add_test(tc, rtc_advances_with_virtual_time);
    tcase_add_test(tc, rtc_uip_window);
    tcase_add_test(tc, rtc_periodic_rates);
    tcase_add_test(tc, rtc_update_and_alarm);
    tcase_add_test(tc, rtc_set_and_rollover);
    tcase_add_test(tc, rtc_divider_reset);
    tcase_add_test(tc, rtc_guest_irq8);
    tcase_add_test(tc, vga_text);
    tcase_add_test(tc, vga_registers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
