/*
 * ACPI (ACPI Specification 6.5): the tables a kernel looks for, written
 * into guest RAM in the BIOS area, and the small fixed-hardware block they
 * point at: PM1a event (status/enable), PM1a control (SLP_TYP/SLP_EN: S5
 * powers the machine off) and the 32-bit PM timer at 3.579545 MHz of
 * virtual time. docs/platform-storage-acpi.md lists every field.
 */
#include "devices/acpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ata.h"
#include "machine.h"

#define OEM_ID       "RINGSC"       /* 6 bytes */
#define OEM_TABLE_ID "RINGSCOP"     /* 8 bytes */
#define CREATOR_ID   "RSCP"         /* 4 bytes: the tables are built by ringscope itself */

struct acpi {
    struct machine *m;
    uint16_t pm1_en;
    uint16_t pm1_cnt;           /* the stored bits: BM_RLD, SLP_TYP */
    uint64_t tmr_epoch;         /* timer bit-31 epoch when TMR_STS was last cleared */
    struct timer tmr_timer;     /* the next timer-MSB toggle, while TMR_EN waits for it */
    bool sci;                   /* level driven on the SCI (IRQ 9) */
    bool sleep_reported;
};

/* ---- The fixed hardware --------------------------------------------------- */

/* PM1_EN bits that exist (ACPI 6.5, "PM1 Enable Registers"): TMR_EN,
 * GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN, PCIEXP_WAKE_DIS. Only TMR_EN has
 * an event source here; the others are kept so that they read back. */
#define PM1_EN_MASK  0x4721u
/* PM1_CNT bits that read back: BM_RLD and SLP_TYP (GBL_RLS and SLP_EN are
 * write-only; SCI_EN always reads 1: with SMI_CMD 0 the machine is always
 * in ACPI mode, ACPI 6.5 5.2.9). */
#define PM1_CNT_MASK 0x1c02u

static uint64_t pm_ticks(const struct acpi *a)
{
    return clock_ticks_at(&a->m->clock, clock_now(&a->m->clock), ACPI_PM_TIMER_HZ);
}

/* TMR_STS is set whenever bit 31 of the timer toggles (ACPI 6.5, "Power
 * Management Timer"):
 * i.e. when the tick count has entered a new 2^31 epoch since the last clear. */
static bool tmr_sts(const struct acpi *a) { return (pm_ticks(a) >> 31) != a->tmr_epoch; }

/* The SCI is a level: asserted while an enabled status bit is set. While
 * TMR_EN waits for the next toggle a timer wakes us exactly then. */
static void update_sci(struct acpi *a)
{
    bool sts = tmr_sts(a), en = a->pm1_en & PM1_TMR_EN;
    bool level = sts && en;
    if (level != a->sci) {
        a->sci = level;
        irq_set(a->m, ACPI_SCI_IRQ, level);
    }
    if (en && !sts) {
        uint64_t target = (a->tmr_epoch + 1) << 31;
        uint64_t at = clock_cycles_from(&a->m->clock, target, ACPI_PM_TIMER_HZ);
        while (clock_ticks_at(&a->m->clock, at, ACPI_PM_TIMER_HZ) < target)
            at++;
        timer_arm(&a->m->clock, &a->tmr_timer, at);
    } else {
        timer_disarm(&a->m->clock, &a->tmr_timer);
    }
}

static void tmr_fire(void *dev, uint64_t now)
{
    update_sci(dev);
}

static uint16_t reg_read(struct acpi *a, unsigned reg)
{
    switch (reg) {
    case 0: return tmr_sts(a) ? PM1_TMR_STS : 0;
    case 2: return a->pm1_en;
    case 4: return (uint16_t)(a->pm1_cnt | PM1_SCI_EN);
    default: return 0xffff;     /* 606h: nothing there */
    }
}

/* A write of the bits in `mask` (a byte or the whole register). */
static void reg_write(struct acpi *a, unsigned reg, uint16_t v, uint16_t mask)
{
    v &= mask;
    switch (reg) {
    case 0:                     /* PM1_STS: write 1 to clear */
        if (v & PM1_TMR_STS)
            a->tmr_epoch = pm_ticks(a) >> 31;
        update_sci(a);
        break;
    case 2:
        a->pm1_en = (uint16_t)((a->pm1_en & ~mask) | (v & PM1_EN_MASK));
        update_sci(a);
        break;
    case 4: {
        a->pm1_cnt = (uint16_t)((a->pm1_cnt & ~mask) | (v & PM1_CNT_MASK));
        if (!(v & PM1_SLP_EN))
            break;
        /* SLP_EN: enter the sleep state SLP_TYP names (ACPI 6.5, "PM1
         * Control Registers").
         * Only S5 exists (\_S5 in the DSDT); it is an orderly power-off. */
        unsigned typ = (a->pm1_cnt >> PM1_SLP_TYP_SHIFT) & 7;
        if (typ == ACPI_SLP_TYP_S5) {
            machine_poweroff(a->m, -1);   /* ACPI S5: negative, unlike any debug-exit value */
        } else if (!a->sleep_reported) {
            a->sleep_reported = true;
            machine_log(a->m, "acpi: sleep type %u requested; only S5 (soft off, type %u) is "
                        "implemented, ignored (reported once)", typ, ACPI_SLP_TYP_S5);
        }
        break;
    }
    }
}

/* Any size at any offset: bytes of the 16-bit registers and of the timer,
 * all taken at one instant. */
static uint32_t pm_in(void *dev, uint16_t port, unsigned size)
{
    struct acpi *a = dev;
    uint32_t tmr = (uint32_t)pm_ticks(a), v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned off = port + i - ACPI_PM_BASE;
        uint8_t b;
        if (off >= ACPI_PM_PORTS)
            b = 0xff;
        else if (off >= 8)
            b = (uint8_t)(tmr >> (8 * (off - 8)));
        else
            b = (uint8_t)(reg_read(a, off & ~1u) >> (8 * (off & 1)));
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void pm_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct acpi *a = dev;
    for (unsigned i = 0; i < size;) {
        unsigned off = port + i - ACPI_PM_BASE;
        if (off >= 8)
            break;              /* the PM timer is read-only */
        unsigned sh = (off & 1) * 8, take = (!sh && size - i >= 2) ? 2 : 1;
        uint16_t v = (uint16_t)(value >> (8 * i)), mask = 0xffff;
        if (take == 1) {
            v = (uint16_t)((v & 0xff) << sh);
            mask = (uint16_t)(0xff << sh);
        }
        reg_write(a, off & ~1u, v, mask);
        i += take;
    }
}

static const struct port_ops pm_ops = { pm_in, pm_out };

void acpi_reset(struct acpi *a)
{
    a->pm1_en = 0;
    a->pm1_cnt = 0;
    a->tmr_epoch = pm_ticks(a) >> 31;
    update_sci(a);
}

void acpi_destroy(struct acpi *a)
{
    if (!a)
        return;
    timer_disarm(&a->m->clock, &a->tmr_timer);
    free(a);
}

/* ---- Table building ---------------------------------------------------------- */

struct builder {
    uint8_t *base;              /* host view of ACPI_TABLES_BASE */
    uint32_t used;
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Reserve `size` bytes aligned to `align`; returns the offset in the area. */
static uint32_t reserve(struct builder *b, uint32_t size, uint32_t align)
{
    uint32_t off = (b->used + align - 1) & ~(align - 1);
    b->used = off + size;
    return off;
}

static uint32_t phys(uint32_t off) { return (uint32_t)(ACPI_TABLES_BASE + off); }

/* Set byte `at` so that bytes [0, len) of `p` sum to zero. */
static void checksum(uint8_t *p, uint32_t len, uint32_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)-sum;
}

/* The 36-byte System Description Table header (ACPI 6.5, 5.2.6); the
 * checksum (byte 9) is filled in once the body is complete. */
static uint8_t *table(struct builder *b, uint32_t *off, const char *sig, uint32_t len,
                      uint8_t rev)
{
    *off = reserve(b, len, 16);
    uint8_t *t = b->base + *off;
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE_ID, 8);
    put32(t + 24, 1);                           /* OEM revision */
    memcpy(t + 28, CREATOR_ID, 4);
    put32(t + 32, 1);                           /* creator revision */
    return t;
}

/* Generic Address Structure (ACPI 6.5, 5.2.3.2) in system I/O space. */
static void gas_io(uint8_t *p, uint8_t bit_width, uint8_t access_size, uint16_t port)
{
    p[0] = 1;                                   /* address space: system I/O */
    p[1] = bit_width;
    p[2] = 0;                                   /* bit offset */
    p[3] = access_size;                         /* 0: undefined (legacy), 1: byte */
    put64(p + 4, port);
}

/* DSDT body: hand-assembled AML (ACPI 6.5, chapter 20) for
 *     Name (\_S5, Package (0x04) { Zero, Zero, Zero, Zero })
 * the sleep package an OS reads to learn SLP_TYPa/SLP_TYPb for soft-off. */
static const uint8_t dsdt_aml[] = {
    0x08,                   /* NameOp: DefName := NameOp NameString DataRefObject */
    0x5c,                   /* RootChar '\': the name is absolute */
    '_', 'S', '5', '_',     /* NameSeg "_S5_" (4 characters, '_' padded) */
    0x12,                   /* PackageOp: DefPackage := PackageOp PkgLength NumElements ... */
    0x06,                   /* PkgLength, one byte: itself + NumElements + 4 elements = 6 */
    0x04,                   /* NumElements: 4 */
    0x00,                   /* ZeroOp: SLP_TYPa for S5 = 0 (written to PM1a_CNT.SLP_TYP) */
    0x00,                   /* ZeroOp: SLP_TYPb = 0 (no PM1b block) */
    0x00,                   /* ZeroOp: reserved */
    0x00,                   /* ZeroOp: reserved */
};

static uint32_t build_dsdt(struct builder *b)
{
    uint32_t off, len = 36 + sizeof(dsdt_aml);
    uint8_t *t = table(b, &off, "DSDT", len, 2);   /* revision 2: 64-bit AML integers */
    memcpy(t + 36, dsdt_aml, sizeof(dsdt_aml));
    checksum(t, len, 9);
    return off;
}

/* FACS (ACPI 6.5, 5.2.10): 64 bytes, 64-byte aligned, no checksum. */
static uint32_t build_facs(struct builder *b)
{
    uint32_t off = reserve(b, 64, 64);
    uint8_t *t = b->base + off;
    memcpy(t, "FACS", 4);
    put32(t + 4, 64);
    t[32] = 2;                                  /* version */
    return off;
}

/* FADT (ACPI 6.5, 5.2.9): revision 6, 276 bytes. */
static uint32_t build_fadt(struct builder *b, uint32_t facs, uint32_t dsdt)
{
    uint32_t off, len = 276;
    uint8_t *t = table(b, &off, "FACP", len, 6);
    put32(t + 36, phys(facs));                  /* FIRMWARE_CTRL (X_FIRMWARE_CTRL stays 0) */
    put32(t + 40, phys(dsdt));                  /* DSDT */
    t[45] = 0;                                  /* Preferred_PM_Profile: unspecified */
    put16(t + 46, ACPI_SCI_IRQ);                /* SCI_INT */
    /* SMI_CMD (48), ACPI_ENABLE/DISABLE: 0, no legacy mode to leave. */
    put32(t + 56, ACPI_PM1A_EVT);               /* PM1a_EVT_BLK */
    put32(t + 64, ACPI_PM1A_CNT);               /* PM1a_CNT_BLK */
    put32(t + 76, ACPI_PM_TMR);                 /* PM_TMR_BLK */
    t[88] = 4;                                  /* PM1_EVT_LEN */
    t[89] = 2;                                  /* PM1_CNT_LEN */
    t[91] = 4;                                  /* PM_TMR_LEN */
    put16(t + 96, 101);                         /* P_LVL2_LAT > 100: no C2 */
    put16(t + 98, 1001);                        /* P_LVL3_LAT > 1000: no C3 */
    t[108] = 0x32;                              /* CENTURY: CMOS index of the century */
    put16(t + 109, 0x0003);                     /* IAPC_BOOT_ARCH: LEGACY_DEVICES, 8042 */
    /* Flags: WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (no fixed-feature
     * buttons), FIX_RTC (no RTC wake status), TMR_VAL_EXT (32-bit timer),
     * RESET_REG_SUP. */
    put32(t + 112, 0x0001 | 0x0004 | 0x0010 | 0x0020 | 0x0040 | 0x0100 | 0x0400);
    gas_io(t + 116, 8, 1, 0xcf9);               /* RESET_REG: the reset control port */
    t[128] = 0x06;                              /* RESET_VALUE: hard reset, reset CPU */
    t[131] = 5;                                 /* FADT minor version: ACPI 6.5 */
    put64(t + 140, phys(dsdt));                 /* X_DSDT (equal to DSDT) */
    gas_io(t + 148, 32, 0, ACPI_PM1A_EVT);      /* X_PM1a_EVT_BLK */
    gas_io(t + 172, 16, 0, ACPI_PM1A_CNT);      /* X_PM1a_CNT_BLK */
    gas_io(t + 208, 32, 0, ACPI_PM_TMR);        /* X_PM_TMR_BLK */
    memcpy(t + 268, "RINGSCOP", 8);             /* hypervisor vendor identity */
    checksum(t, len, 9);
    return off;
}

/* MADT (ACPI 6.5, 5.2.12): revision 5. */
static uint32_t build_madt(struct builder *b)
{
    /* Interrupt Source Overrides: ISA IRQ 0 (the PIT) is wired to I/O APIC
     * pin 2, edge/active-high; the SCI on IRQ 9 is level-triggered and,
     * like QEMU's, active-high, since the PM block asserts it as a high
     * level (an unoverridden SCI would be taken as active-low). */
    static const struct { uint8_t irq; uint32_t gsi; uint16_t flags; } iso[] = {
        { 0, 2, 0x0005 },                       /* polarity 01 high, trigger 01 edge */
        { ACPI_SCI_IRQ, ACPI_SCI_IRQ, 0x000d }, /* polarity 01 high, trigger 11 level */
    };
    uint32_t n_iso = sizeof(iso) / sizeof(iso[0]);
    uint32_t off, len = 44 + 8 + 12 + 10 * n_iso + 6;
    uint8_t *t = table(b, &off, "APIC", len, 5);
    uint8_t *e = t + 44;
    put32(t + 36, (uint32_t)PC_LAPIC_BASE);     /* local interrupt controller address */
    put32(t + 40, 1);                           /* PCAT_COMPAT: dual 8259s present */
    /* Processor Local APIC (5.2.12.2): UID 0, APIC ID 0, enabled. */
    e[0] = 0;
    e[1] = 8;
    e[2] = 0;
    e[3] = ACPI_LAPIC_ID;
    put32(e + 4, 1);
    e += 8;
    /* I/O APIC (5.2.12.3): GSIs 0-23 from 0xfec00000. */
    e[0] = 1;
    e[1] = 12;
    e[2] = ACPI_IOAPIC_ID;
    put32(e + 4, (uint32_t)PC_IOAPIC_BASE);
    put32(e + 8, 0);
    e += 12;
    for (uint32_t i = 0; i < n_iso; i++, e += 10) {  /* 5.2.12.5 */
        e[0] = 2;
        e[1] = 10;
        e[2] = 0;                               /* bus 0: ISA */
        e[3] = iso[i].irq;
        put32(e + 4, iso[i].gsi);
        put16(e + 8, iso[i].flags);
    }
    /* Local APIC NMI (5.2.12.7): all processors, LINT1, edge/active-high. */
    e[0] = 4;
    e[1] = 6;
    e[2] = 0xff;
    put16(e + 3, 0x0005);
    e[5] = 1;
    checksum(t, len, 9);
    return off;
}

/* RSDT (5.2.7) with 32-bit and XSDT (5.2.8) with 64-bit entries. */
static uint32_t build_sdt(struct builder *b, const char *sig, unsigned width,
                          const uint32_t *entries, unsigned n)
{
    uint32_t off, len = 36 + width * n;
    uint8_t *t = table(b, &off, sig, len, 1);
    for (unsigned i = 0; i < n; i++) {
        if (width == 4)
            put32(t + 36 + 4 * i, phys(entries[i]));
        else
            put64(t + 36 + 8 * i, phys(entries[i]));
    }
    checksum(t, len, 9);
    return off;
}

/* RSDP (5.2.5.3): revision 2, 36 bytes; the checksum covers the first 20
 * bytes (the ACPI 1.0 structure), the extended checksum all 36. */
static void build_rsdp(struct builder *b, uint32_t rsdp, uint32_t rsdt, uint32_t xsdt)
{
    uint8_t *t = b->base + rsdp;
    memcpy(t, "RSD PTR ", 8);
    memcpy(t + 9, OEM_ID, 6);
    t[15] = 2;
    put32(t + 16, phys(rsdt));
    put32(t + 20, 36);
    put64(t + 24, phys(xsdt));
    checksum(t, 20, 8);
    checksum(t, 36, 32);
}

static int build_tables(struct machine *m, char *err, size_t errlen)
{
    uint8_t *base = physmem_ptr(&m->mem, ACPI_TABLES_BASE, ACPI_TABLES_MAX);
    if (!base) {
        snprintf(err, errlen, "acpi: no RAM at %#llx for the ACPI tables",
                 (unsigned long long)ACPI_TABLES_BASE);
        return -1;
    }
    memset(base, 0, ACPI_TABLES_MAX);
    struct builder b = { base, 0 };
    uint32_t rsdp = reserve(&b, 36, 16);
    uint32_t facs = build_facs(&b);
    uint32_t dsdt = build_dsdt(&b);
    uint32_t sdts[2];
    sdts[0] = build_fadt(&b, facs, dsdt);
    sdts[1] = build_madt(&b);
    uint32_t rsdt = build_sdt(&b, "RSDT", 4, sdts, 2);
    uint32_t xsdt = build_sdt(&b, "XSDT", 8, sdts, 2);
    build_rsdp(&b, rsdp, rsdt, xsdt);
    return 0;
}

int acpi_build(struct machine *m, char *err, size_t errlen)
{
    if (build_tables(m, err, errlen))
        return -1;
    struct acpi *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    a->m = m;
    timer_init(&a->tmr_timer, tmr_fire, a);
    if (bus_add_ports(&m->bus, ACPI_PM_BASE, ACPI_PM_PORTS, &pm_ops, a, "acpi-pm")) {
        snprintf(err, errlen, "acpi: I/O ports %#x-%#x are already taken", ACPI_PM_BASE,
                 ACPI_PM_BASE + ACPI_PM_PORTS - 1);
        free(a);
        return -1;
    }
    m->pc->acpi = a;
    return 0;
}
