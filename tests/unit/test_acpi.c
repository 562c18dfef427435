/*
 * The ACPI tables a PC made by rs_create_pc carries, read back from guest
 * RAM the way a kernel finds them (the RSDP scan of E0000h-FFFFFh, then
 * RSDT/XSDT), with every checksum and length verified; the MADT entries;
 * the FADT's pointers and PM blocks; the PM1a control register powering the
 * machine off for S5; the PM timer following virtual time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi.h"
#include "machine.h"
#include "ringscope/ringscope.h"

static rs_machine *rm;
static struct machine *m;
static char last_log[256];
static int nlog;

static void on_log(void *ctx, const char *line)
{
    (void)ctx;
    nlog++;
    snprintf(last_log, sizeof(last_log), "%s", line);
}

static void create(uint64_t cpu_hz)
{
    char err[256];
    rs_pc_config cfg = { .cpu_hz = cpu_hz };
    ck_assert_msg(rs_create_pc(&cfg, &rm, err, sizeof(err)) == RS_OK, "%s", err);
    m = (struct machine *)rm;
    rs_set_log(rm, on_log, NULL);
    nlog = 0;
}

static void setup(void) { create(0); }
static void teardown(void) { rs_destroy(rm); }

static void rd(uint64_t pa, void *out, size_t len)
{
    ck_assert_int_eq(rs_read_phys(rm, pa, out, len), RS_OK);
}

static uint32_t rd32(uint64_t pa)
{
    uint8_t b[4];
    rd(pa, b, 4);
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t rd64(uint64_t pa) { return rd32(pa) | (uint64_t)rd32(pa + 4) << 32; }

static uint8_t sum(uint64_t pa, size_t len)
{
    uint8_t buf[4096], s = 0;
    ck_assert_uint_le(len, sizeof(buf));
    rd(pa, buf, len);
    for (size_t i = 0; i < len; i++)
        s = (uint8_t)(s + buf[i]);
    return s;
}

/* The standard scan (ACPI 6.5, 5.2.5.1): 16-byte boundaries of the BIOS
 * area, signature and the ACPI 1.0 checksum. */
static uint64_t find_rsdp(void)
{
    for (uint64_t pa = 0xe0000; pa < 0x100000; pa += 16) {
        char sig[8];
        rd(pa, sig, 8);
        if (!memcmp(sig, "RSD PTR ", 8) && sum(pa, 20) == 0)
            return pa;
    }
    return 0;
}

/* Check a table's header: signature, length, checksum, OEM ID. */
static uint32_t check_table(uint64_t pa, const char *sig)
{
    char s[6];
    rd(pa, s, 4);
    ck_assert_msg(!memcmp(s, sig, 4), "%.4s at %#llx, expected %s", s, (unsigned long long)pa, sig);
    uint32_t len = rd32(pa + 4);
    ck_assert_uint_ge(len, 36);
    ck_assert_msg(sum(pa, len) == 0, "%s checksum", sig);
    rd(pa + 10, s, 6);
    ck_assert(!memcmp(s, "RINGSC", 6));
    return len;
}

/* The table with signature `sig` listed in the XSDT. */
static uint64_t find_table(const char *sig)
{
    uint64_t xsdt = rd64(find_rsdp() + 24);
    uint32_t len = rd32(xsdt + 4);
    for (uint32_t off = 36; off < len; off += 8) {
        uint64_t t = rd64(xsdt + off);
        char s[4];
        rd(t, s, 4);
        if (!memcmp(s, sig, 4))
            return t;
    }
    return 0;
}

START_TEST(rsdp)
{
    uint64_t pa = find_rsdp();
    uint8_t r[36];
    ck_assert_uint_eq(pa, 0xe0000);
    rd(pa, r, 36);
    ck_assert_uint_eq(r[15], 2);                            /* revision */
    ck_assert(!memcmp(r + 9, "RINGSC", 6));
    ck_assert_uint_eq(rd32(pa + 20), 36);                   /* length */
    ck_assert_uint_eq(sum(pa, 36), 0);                      /* extended checksum */
    ck_assert_uint_eq(pa % 16, 0);
}
END_TEST

/* RSDT and XSDT list the same tables, each with a valid header. */
START_TEST(rsdt_xsdt)
{
    uint64_t r = find_rsdp();
    uint64_t rsdt = rd32(r + 16), xsdt = rd64(r + 24);
    uint32_t rlen = check_table(rsdt, "RSDT"), xlen = check_table(xsdt, "XSDT");
    ck_assert_uint_eq(rlen, 36 + 4 * 2);
    ck_assert_uint_eq(xlen, 36 + 8 * 2);
    bool facp = false, apic = false;
    for (unsigned i = 0; i < 2; i++) {
        uint64_t a = rd32(rsdt + 36 + 4 * i), b = rd64(xsdt + 36 + 8 * i);
        ck_assert_uint_eq(a, b);
        char s[4];
        rd(a, s, 4);
        facp |= !memcmp(s, "FACP", 4);
        apic |= !memcmp(s, "APIC", 4);
        check_table(a, !memcmp(s, "FACP", 4) ? "FACP" : "APIC");
        ck_assert_uint_ge(a, 0xe0000);
        ck_assert_uint_lt(a, 0xf0000);
    }
    ck_assert(facp && apic);
}
END_TEST

START_TEST(madt)
{
    uint64_t t = find_table("APIC");
    ck_assert_uint_ne(t, 0);
    uint32_t len = check_table(t, "APIC");
    uint8_t b[256];
    rd(t, b, len);
    ck_assert_uint_eq(rd32(t + 36), 0xfee00000);
    ck_assert_uint_eq(rd32(t + 40), 1);                     /* PCAT_COMPAT */
    unsigned lapic = 0, ioapic = 0, nmi = 0, iso = 0;
    for (uint32_t off = 44; off < len; off += b[off + 1]) {
        const uint8_t *e = b + off;
        ck_assert_uint_ge(e[1], 2);
        switch (e[0]) {
        case 0:
            ck_assert_uint_eq(e[1], 8);
            ck_assert_uint_eq(e[2], 0);                     /* ACPI processor UID */
            ck_assert_uint_eq(e[3], 0);                     /* APIC ID */
            ck_assert_uint_eq(rd32(t + off + 4), 1);        /* enabled */
            lapic++;
            break;
        case 1:
            ck_assert_uint_eq(e[1], 12);
            ck_assert_uint_eq(e[2], ACPI_IOAPIC_ID);
            ck_assert_uint_eq(rd32(t + off + 4), 0xfec00000);
            ck_assert_uint_eq(rd32(t + off + 8), 0);        /* GSI base */
            ioapic++;
            break;
        case 2:
            ck_assert_uint_eq(e[1], 10);
            ck_assert_uint_eq(e[2], 0);                     /* ISA */
            if (e[3] == 0) {
                ck_assert_uint_eq(rd32(t + off + 4), 2);    /* IRQ 0 -> GSI 2 */
                ck_assert_uint_eq(e[8] | e[9] << 8, 0x0005);
            } else {
                ck_assert_uint_eq(e[3], 9);                 /* the SCI */
                ck_assert_uint_eq(rd32(t + off + 4), 9);
                ck_assert_uint_eq(e[8] | e[9] << 8, 0x000d);
            }
            iso++;
            break;
        case 4:
            ck_assert_uint_eq(e[1], 6);
            ck_assert_uint_eq(e[2], 0xff);                  /* all processors */
            ck_assert_uint_eq(e[5], 1);                     /* LINT1 */
            nmi++;
            break;
        default:
            ck_abort_msg("unexpected MADT entry type %u", e[0]);
        }
    }
    ck_assert_uint_eq(lapic, 1);
    ck_assert_uint_eq(ioapic, 1);
    ck_assert_uint_eq(iso, 2);
    ck_assert_uint_eq(nmi, 1);
}
END_TEST

START_TEST(fadt_dsdt_facs)
{
    uint64_t f = find_table("FACP");
    ck_assert_uint_ne(f, 0);
    ck_assert_uint_eq(check_table(f, "FACP"), 276);
    uint8_t b[276];
    rd(f, b, sizeof(b));
    ck_assert_uint_eq(b[8], 6);                             /* revision */
    ck_assert_uint_eq(b[46] | b[47] << 8, 9);               /* SCI_INT */
    ck_assert_uint_eq(rd32(f + 48), 0);                     /* SMI_CMD: always ACPI mode */
    ck_assert_uint_eq(rd32(f + 56), 0x600);                 /* PM1a_EVT_BLK */
    ck_assert_uint_eq(rd32(f + 64), 0x604);                 /* PM1a_CNT_BLK */
    ck_assert_uint_eq(rd32(f + 76), 0x608);                 /* PM_TMR_BLK */
    ck_assert_uint_eq(b[88], 4);
    ck_assert_uint_eq(b[89], 2);
    ck_assert_uint_eq(b[91], 4);
    ck_assert_uint_eq(b[109] | b[110] << 8, 0x0003);        /* legacy devices, 8042 */
    ck_assert(rd32(f + 112) & 0x100);                       /* TMR_VAL_EXT: 32 bits */
    ck_assert_uint_eq(b[148], 1);                           /* X_PM1a_EVT_BLK: I/O */
    ck_assert_uint_eq(b[149], 32);
    ck_assert_uint_eq(rd64(f + 152), 0x600);
    ck_assert_uint_eq(rd64(f + 176), 0x604);
    ck_assert_uint_eq(b[173], 16);
    ck_assert_uint_eq(rd64(f + 212), 0x608);

    uint64_t dsdt = rd32(f + 40);
    ck_assert_uint_eq(rd64(f + 140), dsdt);                 /* X_DSDT */
    uint32_t len = check_table(dsdt, "DSDT");
    static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    uint8_t aml[64];
    ck_assert_uint_eq(len, 36 + sizeof(s5));
    rd(dsdt + 36, aml, sizeof(s5));
    ck_assert(!memcmp(aml, s5, sizeof(s5)));

    uint64_t facs = rd32(f + 36);
    char sig[4];
    ck_assert_uint_eq(facs % 64, 0);
    rd(facs, sig, 4);
    ck_assert(!memcmp(sig, "FACS", 4));
    ck_assert_uint_eq(rd32(facs + 4), 64);
    ck_assert_uint_eq(rd64(f + 132), 0);                    /* X_FIRMWARE_CTRL unused */
}
END_TEST

/* Run `code` in real mode at 0:7C00 until the machine stops. */
static rs_stop run_real(const uint8_t *code, size_t len, uint64_t max)
{
    rs_segment cs;
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, code, len), RS_OK);
    ck_assert_int_eq(rs_get_segment(rm, RS_CS, &cs), RS_OK);
    cs.selector = 0;
    cs.base = 0;
    ck_assert_int_eq(rs_set_segment(rm, RS_CS, &cs), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, 0x7c00), RS_OK);
    ck_assert_int_eq(rs_run(rm, max, &why, NULL), RS_OK);
    return why;
}

/* What Linux's acpi_enter_sleep_state(S5) ends with, and QEMU's
 * outw(0x604, 0x2000) idiom: SLP_TYP = 0 with SLP_EN. */
START_TEST(poweroff_s5)
{
    static const uint8_t code[] = {
        0xba, 0x04, 0x06,       /* mov dx, 0x604 */
        0xb8, 0x00, 0x20,       /* mov ax, 0x2000 (SLP_EN, SLP_TYP 0) */
        0xef,                   /* out dx, ax */
        0xf4,                   /* hlt (not reached) */
    };
    int status = -1;
    ck_assert_int_eq(run_real(code, sizeof(code), 100), RS_STOP_POWEROFF);
    ck_assert_int_eq(rs_get_exit_status(rm, &status), RS_OK);
    ck_assert_int_eq(status, -1);                  /* ACPI S5, told apart from debug-exit */
}
END_TEST

/* Other sleep types are not implemented: ignored, reported once. SCI_EN
 * reads 1; SLP_TYP reads back, SLP_EN does not. */
START_TEST(pm1_control)
{
    static const uint8_t code[] = {
        0xba, 0x04, 0x06,       /* mov dx, 0x604 */
        0xb8, 0x00, 0x34,       /* mov ax, 0x3400 (SLP_EN, SLP_TYP 5) */
        0xef,                   /* out dx, ax */
        0xf4,                   /* hlt */
    };
    ck_assert_int_eq(run_real(code, sizeof(code), 100), RS_STOP_HALT);
    ck_assert_int_eq(nlog, 1);
    ck_assert(strstr(last_log, "sleep type 5") != NULL);
    ck_assert_uint_eq(bus_in(&m->bus, 0x604, 2), 0x1401);
    bus_out(&m->bus, 0x605, 1, 0x34);                       /* byte write: logged once only */
    ck_assert_int_eq(nlog, 1);
    bus_out(&m->bus, 0x604, 2, 0x0000);
    ck_assert_uint_eq(bus_in(&m->bus, 0x604, 2), 0x0001);
    /* A byte write of the high half carrying SLP_EN with SLP_TYP 0. */
    bus_out(&m->bus, 0x605, 1, 0x20);
    ck_assert_int_eq(m->request, MREQ_POWEROFF);
    /* PM1_EN keeps its bits; PM1_STS starts clear. */
    bus_out(&m->bus, 0x602, 2, 0xffff);
    ck_assert_uint_eq(bus_in(&m->bus, 0x602, 2), 0x4721);
    ck_assert_uint_eq(bus_in(&m->bus, 0x600, 4), 0x47210000);
}
END_TEST

/* The PM timer is virtual time at 3.579545 MHz, 32 bits wide. */
START_TEST(pm_timer)
{
    static const uint8_t code[] = {
        0xba, 0x08, 0x06,       /* mov dx, 0x608 */
        0x66, 0xed,             /* in eax, dx */
        0x66, 0x89, 0xc3,       /* mov ebx, eax */
        0xb9, 0xe8, 0x03,       /* mov cx, 1000 */
        0xe2, 0xfe,             /* l: loop l */
        0x66, 0xed,             /* in eax, dx */
        0xf4,                   /* hlt */
    };
    rs_destroy(rm);
    create(2 * (uint64_t)ACPI_PM_TIMER_HZ);                 /* two cycles per tick */
    uint64_t c0, c1, eax, ebx;
    ck_assert_int_eq(rs_counters(rm, NULL, &c0), RS_OK);
    ck_assert_int_eq(run_real(code, sizeof(code), 5000), RS_STOP_HALT);
    ck_assert_int_eq(rs_counters(rm, NULL, &c1), RS_OK);
    ck_assert_int_eq(rs_get_reg(rm, RS_RAX, &eax), RS_OK);
    ck_assert_int_eq(rs_get_reg(rm, RS_RBX, &ebx), RS_OK);
    ck_assert_uint_gt(c1 - c0, 1000);
    ck_assert_uint_gt((uint32_t)eax, (uint32_t)ebx);        /* it moved ... */
    ck_assert_uint_le((uint32_t)eax - (uint32_t)ebx, (c1 - c0) / 2 + 1);    /* ... at its rate */
    ck_assert_uint_ge((uint32_t)eax - (uint32_t)ebx, 1000 / 2 - 1);
    /* Exactly the tick count of the current cycle, wrapping at 32 bits. */
    uint64_t now = m->cpu.cycles;
    ck_assert_uint_eq(bus_in(&m->bus, 0x608, 4), (uint32_t)(now / 2));
    ck_assert_uint_eq(bus_in(&m->bus, 0x60a, 2), (uint16_t)(now / 2 >> 16));
    m->cpu.cycles = 2 * ((1ull << 32) + 5);
    ck_assert_uint_eq(bus_in(&m->bus, 0x608, 4), 5);
}
END_TEST

/* TMR_STS is set when bit 31 of the timer toggles; with TMR_EN a timer
 * is armed for exactly that cycle. */
START_TEST(pm_timer_status)
{
    rs_destroy(rm);
    create(ACPI_PM_TIMER_HZ);                               /* one cycle per tick */
    const uint64_t toggle = 1ull << 31;
    bus_out(&m->bus, 0x602, 2, 0x0001);                     /* TMR_EN */
    bool armed = false;
    for (const struct timer *t = m->clock.armed; t; t = t->next)
        armed |= t->deadline == toggle;
    ck_assert(armed);
    m->cpu.cycles = toggle - 1;
    ck_assert_uint_eq(bus_in(&m->bus, 0x600, 2), 0);
    m->cpu.cycles = toggle;
    ck_assert_uint_eq(bus_in(&m->bus, 0x600, 2), 1);
    ck_assert_uint_eq(bus_in(&m->bus, 0x608, 4), 0x80000000u);
    bus_out(&m->bus, 0x600, 2, 0x0001);                     /* write 1 to clear */
    ck_assert_uint_eq(bus_in(&m->bus, 0x600, 2), 0);
    armed = false;
    for (const struct timer *t = m->clock.armed; t; t = t->next)
        armed |= t->deadline == 2 * toggle;
    ck_assert(armed);                                       /* the next toggle */
    m->cpu.cycles = 2 * toggle;
    ck_assert_uint_eq(bus_in(&m->bus, 0x600, 2), 1);
    ck_assert_uint_eq(bus_in(&m->bus, 0x608, 4), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("acpi");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rsdp);
    tcase_add_test(tc, rsdt_xsdt);
    tcase_add_test(tc, madt);
    tcase_add_test(tc, fadt_dsdt_facs);
    tcase_add_test(tc, poweroff_s5);
    tcase_add_test(tc, pm1_control);
    tcase_add_test(tc, pm_timer);
    tcase_add_test(tc, pm_timer_status);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
