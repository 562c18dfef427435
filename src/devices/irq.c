/*
 * Interrupt wiring of the PC (docs/platform-interrupts.md).
 *
 * An ISA line goes to the 8259 pair and to the I/O APIC: ISA IRQ n is GSI
 * n, except IRQ 0 (the PIT), which is GSI 2 (the MADT's interrupt source
 * override), and IRQ 2, the cascade, which on the AT bus is IRQ 9. GSI 0
 * is the 8259's INTR output (ExtINT).
 *
 * The CPU's INTR line: with the local APIC globally enabled
 * (IA32_APIC_BASE[11]), the APIC decides: its own fixed interrupts above
 * PPR, or the PIC's INTR when LINT0 (or I/O APIC entry 0) is in ExtINT mode;
 * the INTA cycle then goes to the APIC first and to the PIC for ExtINT.
 * With the APIC disabled, the PIC's INTR is the CPU's INTR (SDM 11.4.3:
 * LINT0 becomes the INTR pin) and the PIC answers INTA.
 */
#include <stddef.h>

#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/pc.h"
#include "devices/pic.h"
#include "machine.h"

/* ISA IRQ -> the I/O APIC's global system interrupt. */
static unsigned isa_gsi(unsigned irq)
{
    return irq == IRQ_PIT ? 2 : irq;
}

static bool apic_on(const struct pc *pc)
{
    return pc->lapic && lapic_enabled(pc->lapic);
}

/* The PIC's INTR reaches the CPU through the APIC (ExtINT). */
static bool extint_open(const struct pc *pc)
{
    return lapic_lint0_extint(pc->lapic) || (pc->ioapic && ioapic_extint(pc->ioapic));
}

/* INTA. The APIC's own interrupts come first (QEMU does the same); then an
 * ExtINT request, which the PIC answers. When the request went away
 * between INTR and INTA: an APIC interrupt that got masked (e.g. TPR
 * raised) gives the APIC's spurious vector, which sets no ISR bit (SDM
 * 11.9); otherwise, with the ExtINT path open, the PIC gives its IR7
 * vector (a vanished PIC request). */
static int irq_ack(void *ctx)
{
    struct machine *m = ctx;
    struct pc *pc = m->pc;
    int v = -1;
    if (apic_on(pc)) {
        v = lapic_ack(pc->lapic);
        bool ext = pc->pic && extint_open(pc);
        if (v < 0 && ext && (pic_intr(pc->pic) || !lapic_has_request(pc->lapic)))
            v = pic_ack(pc->pic);
        if (v < 0)
            v = lapic_spurious_vector(pc->lapic);
    } else if (pc->pic) {
        v = pic_ack(pc->pic);
    }
    irq_update(m);
    return v;
}

void irq_update(struct machine *m)
{
    struct pc *pc = m->pc;
    if (!pc)
        return;
    struct cpu *cpu = &m->cpu;
    cpu->intr.ack = irq_ack;    /* cpu_reset() clears it: install it every time */
    cpu->intr.ack_ctx = m;
    bool pic = pc->pic && pic_intr(pc->pic), level;
    if (apic_on(pc)) {
        level = lapic_pending(pc->lapic) || (pic && extint_open(pc));
        lapic_watch_tpr(pc->lapic);
    } else {
        level = pic;
    }
    cpu_set_intr(cpu, level);
}

void irq_nmi(struct machine *m)
{
    m->cpu.intr.nmi_pending = true;
    m->cpu.stop_block = true;
}

/* Drive ISA line `irq` to `level` on both controllers; `init` sets the
 * PIC's idea of the line without producing an edge (a device's initial state). */
static void drive_line(struct machine *m, unsigned irq, bool level, bool init)
{
    struct pc *pc = m->pc;
    if (!pc || irq >= 16)
        return;
    if (irq == IRQ_CASCADE)
        irq = 9;
    if (pc->pic) {
        if (init)
            pic_init_line(pc->pic, irq, level);
        else
            pic_set_irq(pc->pic, irq, level);
    }
    if (pc->ioapic)
        ioapic_set_pin(pc->ioapic, isa_gsi(irq), level);
    irq_update(m);
}

void irq_set(struct machine *m, unsigned irq, bool level)
{
    drive_line(m, irq, level, false);
}

void irq_init_line(struct machine *m, unsigned irq, bool level)
{
    drive_line(m, irq, level, true);
}

/* A pulse: an edge for the PIC that stays latched until INTA, and a
 * rising then falling edge at the I/O APIC. */
void irq_pulse(struct machine *m, unsigned irq)
{
    struct pc *pc = m->pc;
    if (!pc || irq >= 16)
        return;
    if (irq == IRQ_CASCADE)
        irq = 9;
    if (pc->pic)
        pic_pulse_irq(pc->pic, irq);
    if (pc->ioapic) {
        ioapic_set_pin(pc->ioapic, isa_gsi(irq), true);
        ioapic_set_pin(pc->ioapic, isa_gsi(irq), false);
    }
    irq_update(m);
}
