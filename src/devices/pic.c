/*
 * The 8259A pair of the PC/AT (Intel 8259A datasheet; the PIIX/ICH/PCH
 * "8259 interrupt controllers" chapter for the ELCR): master at 20h/21h,
 * slave at A0h/A1h cascaded on the master's IR2, edge/level control at
 * 4D0h/4D1h.
 *
 * Each chip keeps IRR, ISR and IMR, the initialization sequence (ICW1-ICW4)
 * and the operation commands (OCW1-OCW3). Priority is resolved in software
 * whenever something changes; the master's INT output is the CPU's INTR
 * (directly, or through the local APIC's LINT0 in ExtINT mode: irq.c).
 */
#include "devices/pic.h"

#include <stdio.h>
#include <stdlib.h>

#include "devices/pc.h"
#include "machine.h"

struct pic_chip {
    uint8_t irr, isr, imr;
    uint8_t lines;              /* input levels IR0-IR7 */
    uint8_t elcr, elcr_mask;    /* 1: level-triggered (ELCR); writable bits */
    uint8_t base;               /* ICW2: vector of IR0 (bits 7:3) */
    uint8_t icw3;               /* master: slave bitmap; slave: its ID */
    uint8_t lowest;             /* the lowest-priority line (rotation); 7 after ICW1 */
    uint8_t init_step;          /* 0: operational; 2, 3, 4: the ICW expected next */
    bool icw4_needed, single, auto_eoi, rotate_aeoi, sfnm;
    bool special_mask, read_isr, poll;
    bool is_master;
};

struct pic {
    struct machine *m;
    struct pic_chip c[2];       /* master, slave */
    bool logged_8080;
};

/* ------------------------------------------------------- priority resolution */

/* Priority rank of line `irq` (0 = highest): the line after `lowest` has
 * the highest priority (datasheet, "Rotating priority"). */
static unsigned rank(const struct pic_chip *c, unsigned irq)
{
    return (irq - c->lowest - 1) & 7;
}

/* The highest-priority line set in `bits`, or -1. */
static int highest(const struct pic_chip *c, uint8_t bits)
{
    for (unsigned r = 0; r < 8; r++) {
        unsigned irq = (c->lowest + 1 + r) & 7;
        if (bits & (1u << irq))
            return (int)irq;
    }
    return -1;
}

/* The request the chip would hand out now, or -1: the highest unmasked IRR
 * bit, if its priority is above every in-service level. In special mask
 * mode, masked in-service levels do not block lower ones; in special fully
 * nested mode the master's cascade level does not block the slave's
 * further requests (datasheet, OCW3 ESMM/SMM and ICW4 SFNM). */
static int pending(const struct pic_chip *c)
{
    int irq = highest(c, c->irr & ~c->imr);
    if (irq < 0)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= ~c->imr;
    if (c->is_master && c->sfnm)
        in_service &= ~(1u << IRQ_CASCADE);
    int busy = highest(c, in_service);
    if (busy >= 0 && rank(c, (unsigned)irq) >= rank(c, (unsigned)busy))
        return -1;
    return irq;
}

static bool cascaded(const struct pic *p)
{
    return !p->c[0].single && (p->c[0].icw3 & (1u << IRQ_CASCADE));
}

/* The slave's INT output drives the master's IR2. It is taken as a level
 * (whatever the master's trigger mode): a slave that keeps INT high across
 * an INTA because another request waits must not lose it for want of a
 * fresh edge. */
static void update(struct pic *p)
{
    struct pic_chip *m = &p->c[0];
    uint8_t bit = 1u << IRQ_CASCADE;
    if (cascaded(p)) {
        bool slave_int = pending(&p->c[1]) >= 0;
        m->lines = slave_int ? (m->lines | bit) : (m->lines & ~bit);
        m->irr = slave_int ? (m->irr | bit) : (m->irr & ~bit);
    }
    irq_update(p->m);
}

bool pic_intr(const struct pic *p)
{
    return pending(&p->c[0]) >= 0;
}

/* ------------------------------------------------------------ input lines */

static void set_line(struct pic_chip *c, unsigned line, bool level)
{
    uint8_t bit = 1u << line;
    bool was = c->lines & bit;
    c->lines = level ? (c->lines | bit) : (c->lines & ~bit);
    if (c->elcr & bit)
        c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
    else if (level && !was)
        c->irr |= bit;          /* rising edge */
    else if (!level)
        c->irr &= ~bit;         /* the request vanished before INTA */
}

void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
    if (irq >= 16 || (irq == IRQ_CASCADE && cascaded(p)))
        return;
    set_line(&p->c[irq >> 3], irq & 7, level);
    update(p);
}

void pic_init_line(struct pic *p, unsigned irq, bool level)
{
    if (irq >= 16 || (irq == IRQ_CASCADE && cascaded(p)))
        return;
    struct pic_chip *c = &p->c[irq >> 3];
    uint8_t bit = 1u << (irq & 7);
    c->lines = level ? (c->lines | bit) : (c->lines & ~bit);
    c->irr = (c->irr & ~(bit & ~c->elcr)) | (c->lines & c->elcr & bit);
    update(p);
}

void pic_pulse_irq(struct pic *p, unsigned irq)
{
    if (irq >= 16 || (irq == IRQ_CASCADE && cascaded(p)))
        return;
    struct pic_chip *c = &p->c[irq >> 3];
    if (!(c->elcr & (1u << (irq & 7))))
        c->irr |= 1u << (irq & 7);
    update(p);
}

/* ------------------------------------------------------------------- INTA */

/* Acknowledge `irq`: ISR set (not in auto-EOI mode, where the second INTA
 * pulse ends it, rotating if asked), an edge request consumed. A level
 * request stays in IRR while its line is high. */
static void intack(struct pic_chip *c, unsigned irq)
{
    uint8_t bit = 1u << irq;
    if (c->auto_eoi) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)irq;
    } else {
        c->isr |= bit;
    }
    if (!(c->elcr & bit) && !(c->is_master && irq == IRQ_CASCADE))
        c->irr &= ~bit;
}

int pic_ack(struct pic *p)
{
    struct pic_chip *m = &p->c[0], *s = &p->c[1];
    int irq = pending(m), vector;
    if (irq < 0) {
        vector = m->base + 7;   /* spurious IRQ 7: no ISR bit is set */
    } else if (irq == IRQ_CASCADE && cascaded(p)) {
        int irq2 = pending(s);
        if (irq2 < 0) {
            vector = s->base + 7;   /* spurious IRQ 15: the master's ISR2 is set */
        } else {
            intack(s, (unsigned)irq2);
            vector = s->base + irq2;
        }
        intack(m, IRQ_CASCADE);
    } else {
        intack(m, (unsigned)irq);
        vector = m->base + irq;
    }
    update(p);
    return vector;
}

/* OCW3 poll: the next read returns 80h | level of the highest request and
 * acknowledges it, or 0 when none (datasheet, "The Poll Command"). */
static uint8_t poll_read(struct pic_chip *c)
{
    c->poll = false;
    int irq = pending(c);
    if (irq < 0)
        return 0;
    intack(c, (unsigned)irq);
    return (uint8_t)(0x80 | irq);
}

/* ------------------------------------------------------------ programming */

/* ICW1: starts the initialization sequence (datasheet, "Initialization
 * Command Words"): the edge sense is reset (edge requests are dropped), IMR
 * cleared, IR7 lowest priority, special mask mode off, status read = IRR,
 * and without IC4 the ICW4 functions are zero. LTIM is ignored: the ELCR
 * decides the trigger mode, as on every PIIX/ICH/PCH. The ISR is cleared
 * too (the datasheet does not say; a re-initialized chip must not keep a
 * level stuck in service). */
static void icw1(struct pic_chip *c, uint8_t v)
{
    c->init_step = 2;
    c->icw4_needed = v & 0x01;
    c->single = v & 0x02;
    c->irr = c->lines & c->elcr;
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->auto_eoi = c->rotate_aeoi = c->sfnm = false;
}

static void ocw2(struct pic_chip *c, uint8_t v)
{
    unsigned level = v & 7;
    int irq;
    switch (v >> 5) {
    case 0: c->rotate_aeoi = false; break;              /* rotate in AEOI: clear */
    case 4: c->rotate_aeoi = true; break;               /* rotate in AEOI: set */
    case 1: case 5:                                     /* non-specific EOI (+rotate) */
        irq = highest(c, c->isr);
        if (irq >= 0) {
            c->isr &= ~(1u << irq);
            if (v >> 5 == 5)
                c->lowest = (uint8_t)irq;
        }
        break;
    case 3: case 7:                                     /* specific EOI (+rotate) */
        c->isr &= ~(1u << level);
        if (v >> 5 == 7)
            c->lowest = (uint8_t)level;
        break;
    case 6: c->lowest = (uint8_t)level; break;          /* set priority */
    default: break;                                     /* 2: no operation */
    }
}

static void ocw3(struct pic_chip *c, uint8_t v)
{
    if (v & 0x04)
        c->poll = true;
    if (v & 0x02)
        c->read_isr = v & 0x01;
    if (v & 0x40)
        c->special_mask = v & 0x20;
}

static void data_write(struct pic *p, struct pic_chip *c, uint8_t v)
{
    switch (c->init_step) {
    case 2:                                             /* ICW2: T7-T3 */
        c->base = v & 0xf8;
        c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
        break;
    case 3:                                             /* ICW3 */
        c->icw3 = v;
        c->init_step = c->icw4_needed ? 4 : 0;
        break;
    case 4:                                             /* ICW4: uPM, AEOI, BUF, M/S, SFNM */
        if (!(v & 0x01) && !p->logged_8080) {
            p->logged_8080 = true;
            machine_log(p->m, "8259A: ICW4 selects 8080/8085 mode; vectors are delivered as in "
                              "8086 mode (reported once)");
        }
        c->auto_eoi = v & 0x02;
        c->sfnm = v & 0x10;
        c->init_step = 0;
        break;
    default:                                            /* OCW1 */
        c->imr = v;
        break;
    }
}

static uint8_t chip_in(struct pic *p, struct pic_chip *c, bool a0)
{
    if (c->poll)
        return poll_read(c);
    if (a0)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void chip_out(struct pic *p, struct pic_chip *c, bool a0, uint8_t v)
{
    if (a0)
        data_write(p, c, v);
    else if (v & 0x10)
        icw1(c, v);
    else if (v & 0x08)
        ocw3(c, v);
    else
        ocw2(c, v);
}

/* Ports 20h/21h and A0h/A1h (A0 = port bit 0); 4D0h/4D1h ELCR. A wider
 * access is a sequence of byte accesses, as on the ISA bus. */
static uint32_t pic_port_in(void *dev, uint16_t port, unsigned size)
{
    struct pic *p = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t a = (uint16_t)(port + i);
        uint8_t b;
        if (a == 0x4d0 || a == 0x4d1)
            b = p->c[a & 1].elcr;
        else if (a >= 0x20 && a <= 0x21)
            b = chip_in(p, &p->c[0], a & 1);
        else if (a >= 0xa0 && a <= 0xa1)
            b = chip_in(p, &p->c[1], a & 1);
        else
            b = 0xff;
        v |= (uint32_t)b << (8 * i);
    }
    update(p);      /* a poll read acknowledges */
    return v;
}

static void pic_port_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct pic *p = dev;
    for (unsigned i = 0; i < size; i++) {
        uint16_t a = (uint16_t)(port + i);
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (a == 0x4d0 || a == 0x4d1) {
            struct pic_chip *c = &p->c[a & 1];
            c->elcr = b & c->elcr_mask;
            c->irr = (c->irr & ~c->elcr) | (c->lines & c->elcr);
        } else if (a >= 0x20 && a <= 0x21) {
            chip_out(p, &p->c[0], a & 1, b);
        } else if (a >= 0xa0 && a <= 0xa1) {
            chip_out(p, &p->c[1], a & 1, b);
        }
    }
    update(p);
}

static const struct port_ops pic_ports = { pic_port_in, pic_port_out };

/* ------------------------------------------------------------ life cycle */

/* The state a PC BIOS leaves (SeaBIOS's pic_setup, which QEMU guests see):
 * ICW1 11h (edge, cascade, ICW4), vectors 08h and 70h, cascade on IR2,
 * 8086 mode, normal EOI; IMR F8h on the master (timer, keyboard, cascade
 * enabled) and FFh on the slave. The ELCR is all edge (no PCI devices).
 * The input line levels survive: the devices keep driving them. */
void pic_reset(struct pic *p)
{
    static const uint8_t base[2] = { 0x08, 0x70 }, icw3[2] = { 0x04, 0x02 },
                         imr[2] = { 0xf8, 0xff };
    for (unsigned i = 0; i < 2; i++) {
        struct pic_chip *c = &p->c[i];
        c->elcr = 0;
        icw1(c, 0x11);
        c->base = base[i];
        c->icw3 = icw3[i];
        c->init_step = 0;
        c->imr = imr[i];
    }
    update(p);
}

struct pic *pic_create(struct machine *m, char *err, size_t errlen)
{
    struct pic *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    p->m = m;
    p->c[0].is_master = true;
    /* ELCR bits of IRQ 0, 1, 2, 8 and 13 are reserved as edge (PCH ELCR1/ELCR2). */
    p->c[0].elcr_mask = 0xf8;
    p->c[1].elcr_mask = 0xde;
    if (bus_add_ports(&m->bus, 0x20, 2, &pic_ports, p, "8259A master") ||
        bus_add_ports(&m->bus, 0xa0, 2, &pic_ports, p, "8259A slave") ||
        bus_add_ports(&m->bus, 0x4d0, 2, &pic_ports, p, "8259A ELCR")) {
        snprintf(err, errlen, "8259A: I/O ports 20h, A0h or 4D0h already claimed");
        free(p);
        return NULL;
    }
    pic_reset(p);
    return p;
}

void pic_destroy(struct pic *p)
{
    free(p);
}
