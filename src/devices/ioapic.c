/*
 * The I/O APIC (Intel 82093AA datasheet; version 20h with 24 pins and the
 * EOI register, as in the ICH/PCH) at 0xFEC00000: IOREGSEL (offset 00h),
 * IOWIN (10h), EOI (40h); registers ID (0), version (1), arbitration (2)
 * and 24 redirection entries (10h-3Fh).
 *
 * Pins: GSI n is ISA IRQ n, except ISA IRQ 0 (the PIT) on GSI 2, and GSI 0
 * is the 8259's INTR output, usable in ExtINT mode (irq.c). A redirection
 * entry turns a pin's edges (or its level, until the EOI) into interrupt
 * messages for the local APIC.
 */
#include "devices/ioapic.h"

#include <stdio.h>
#include <stdlib.h>

#include "devices/lapic.h"
#include "devices/pc.h"
#include "devices/pic.h"
#include "machine.h"

#define IOAPIC_VERSION 0x00170020u     /* max redirection entry 23, version 20h */

/* Redirection entry bits (82093AA, "I/O Redirection Table Registers"). */
#define RTE_DELIVERY_STATUS (1ull << 12)
#define RTE_POLARITY_LOW    (1ull << 13)
#define RTE_REMOTE_IRR      (1ull << 14)
#define RTE_LEVEL           (1ull << 15)
#define RTE_MASKED          (1ull << 16)
#define RTE_LOGICAL         (1ull << 11)
/* Writable: vector, delivery mode, destination mode, polarity, trigger
 * mode, mask, destination; delivery status and remote IRR are read-only. */
#define RTE_WRITABLE        (0xff00000000000000ull | 0x1afffull)

struct ioapic {
    struct machine *m;
    uint8_t sel;                /* IOREGSEL */
    uint32_t id;                /* bits 27:24 */
    uint64_t rte[IOAPIC_PINS];
    uint32_t lines;             /* input levels, one bit per pin */
    bool logged_mode;
};

static bool asserted(const struct ioapic *io, unsigned pin)
{
    bool level = io->lines >> pin & 1;
    return level != !!(io->rte[pin] & RTE_POLARITY_LOW);
}

static struct lapic *target(const struct ioapic *io, uint64_t e)
{
    struct lapic *l = io->m->pc ? io->m->pc->lapic : NULL;
    if (!l || !lapic_enabled(l) || !lapic_match(l, e & RTE_LOGICAL, (uint8_t)(e >> 56)))
        return NULL;
    return l;
}

/* Send pin `pin`'s interrupt message. Fixed and lowest-priority (the one
 * CPU is the lowest) go into the local APIC's IRR; a level-triggered one
 * accepted sets remote IRR until the EOI. NMI raises NMI; ExtINT is the
 * PIC's path (irq.c); SMI and INIT are not modelled. */
static void deliver(struct ioapic *io, unsigned pin)
{
    uint64_t e = io->rte[pin];
    struct lapic *l = target(io, e);
    if (!l)
        return;
    switch ((e >> 8) & 7) {
    case APIC_DM_FIXED: case APIC_DM_LOWEST: {
        bool level = e & RTE_LEVEL;
        if (lapic_accept_message(l, (uint8_t)e, level) && level)
            io->rte[pin] |= RTE_REMOTE_IRR;
        break;
    }
    case APIC_DM_NMI:
        irq_nmi(io->m);
        break;
    case APIC_DM_EXTINT:
        break;
    default:
        if (!io->logged_mode) {
            io->logged_mode = true;
            machine_log(io->m, "I/O APIC: pin %u uses an SMI/INIT/reserved delivery mode; "
                               "its interrupts are dropped (reported once)", pin);
        }
        break;
    }
}

/* A level-triggered entry delivers while its pin is asserted, unmasked and
 * remote IRR is clear; NMI, SMI, INIT and ExtINT are always edge
 * (82093AA, "Delivery Mode"). */
static bool level_mode(uint64_t e)
{
    unsigned mode = (e >> 8) & 7;
    return (e & RTE_LEVEL) && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST);
}

static void service_level(struct ioapic *io, unsigned pin)
{
    uint64_t e = io->rte[pin];
    if (level_mode(e) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) && asserted(io, pin))
        deliver(io, pin);
}

/* Edges on a masked pin are discarded, not held (82093AA: "Edge-sensitive
 * interrupts signaled on a masked interrupt pin are ignored"). */
void ioapic_set_pin(struct ioapic *io, unsigned pin, bool level)
{
    if (pin >= IOAPIC_PINS)
        return;
    bool was = asserted(io, pin);
    io->lines = level ? (io->lines | 1u << pin) : (io->lines & ~(1u << pin));
    uint64_t e = io->rte[pin];
    if (e & RTE_MASKED)
        return;
    if (level_mode(e))
        service_level(io, pin);
    else if (!was && asserted(io, pin))
        deliver(io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        if ((uint8_t)io->rte[pin] != vector || !(io->rte[pin] & RTE_REMOTE_IRR))
            continue;
        io->rte[pin] &= ~RTE_REMOTE_IRR;
        service_level(io, pin);
    }
}

bool ioapic_extint(const struct ioapic *io)
{
    uint64_t e = io->rte[0];
    return !(e & RTE_MASKED) && ((e >> 8) & 7) == APIC_DM_EXTINT && target(io, e);
}

/* ------------------------------------------------------------- registers */

static uint32_t reg_read(const struct ioapic *io, uint8_t index)
{
    if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_PINS) {
        uint64_t e = io->rte[(index - 0x10) / 2];
        return index & 1 ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    switch (index) {
    case 0: return io->id;
    case 1: return IOAPIC_VERSION;
    case 2: return io->id;      /* arbitration ID: the APIC ID after reset */
    default: return 0;
    }
}

/* A redirection entry write. Switching an entry to edge clears remote IRR
 * (ICH/PCH behaviour that OSes rely on to recover a stuck level entry);
 * unmasking an asserted level pin delivers it. */
static void rte_write(struct ioapic *io, unsigned pin, bool high, uint32_t v)
{
    uint64_t e = io->rte[pin];
    uint64_t w = high ? (e & 0xffffffffull) | ((uint64_t)v << 32)
                      : (e & 0xffffffff00000000ull) | v;
    e = (e & ~RTE_WRITABLE) | (w & RTE_WRITABLE);
    if (!(e & RTE_LEVEL))
        e &= ~RTE_REMOTE_IRR;
    io->rte[pin] = e;
    service_level(io, pin);
    irq_update(io->m);      /* ExtINT on entry 0 may have opened or closed */
}

static void reg_write(struct ioapic *io, uint8_t index, uint32_t v)
{
    if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_PINS)
        rte_write(io, (index - 0x10) / 2, index & 1, v);
    else if (index == 0)
        io->id = v & 0x0f000000u;
}

/* MMIO: bytes of IOREGSEL (00h) and IOWIN (10h, a 32-bit window) at any
 * size; the EOI register (40h) takes a vector. Other offsets read 0. */
static uint64_t ioapic_mmio_read(void *dev, uint64_t offset, unsigned size)
{
    struct ioapic *io = dev;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = offset + i;
        uint8_t b = 0;
        if (a == 0x00)
            b = io->sel;
        else if (a >= 0x10 && a < 0x14)
            b = (uint8_t)(reg_read(io, io->sel) >> (8 * (a - 0x10)));
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void ioapic_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct ioapic *io = dev;
    if (offset == 0x00) {
        io->sel = (uint8_t)value;
    } else if (offset == 0x10 && size >= 4) {
        reg_write(io, io->sel, (uint32_t)value);
    } else if (offset >= 0x10 && offset < 0x14) {
        /* A narrower write to the window merges into the register. */
        unsigned shift = 8 * (unsigned)(offset - 0x10);
        uint32_t mask = (uint32_t)(((1ull << (8 * size)) - 1) << shift);
        uint32_t old = reg_read(io, io->sel);
        reg_write(io, io->sel, (old & ~mask) | (((uint32_t)value << shift) & mask));
    } else if (offset == 0x40) {
        ioapic_eoi(io, (uint8_t)value);
        irq_update(io->m);
    }
}

static const struct mmio_ops ioapic_mmio = { ioapic_mmio_read, ioapic_mmio_write };

/* ------------------------------------------------------------ life cycle */

/* Reset (82093AA): every entry masked, the rest 0; ID 0 (the MADT says
 * the same). Pin levels stay: the devices keep driving them. */
void ioapic_reset(struct ioapic *io)
{
    io->sel = 0;
    io->id = 0;
    for (unsigned i = 0; i < IOAPIC_PINS; i++)
        io->rte[i] = RTE_MASKED;
    irq_update(io->m);
}

struct ioapic *ioapic_create(struct machine *m, char *err, size_t errlen)
{
    struct ioapic *io = calloc(1, sizeof(*io));
    if (!io) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    io->m = m;
    if (bus_add_mmio(&m->bus, PC_IOAPIC_BASE, 0x1000, &ioapic_mmio, io, "I/O APIC")) {
        snprintf(err, errlen, "I/O APIC: its page at %#llx is already claimed",
                 (unsigned long long)PC_IOAPIC_BASE);
        free(io);
        return NULL;
    }
    ioapic_reset(io);
    return io;
}

void ioapic_destroy(struct ioapic *io)
{
    free(io);
}
