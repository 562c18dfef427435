/*
 * The PC: RAM layout, the devices on the bus, the memory map guests are
 * told about (docs/platform.md).
 */
#include "devices/pc.h"

#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

#define MIB (1024ull * 1024)
#define PCI_HOLE 0xe0000000ull          /* RAM below 4 GiB ends here at most */

static int map(struct machine *m, uint64_t base, uint64_t size, char *err, size_t errlen)
{
    if (size == 0)
        return 0;
    if (physmem_map_ram(&m->mem, base, size) == 0)
        return 0;
    snprintf(err, errlen, "cannot reserve %llu MiB of guest RAM at %#llx",
             (unsigned long long)(size / MIB), (unsigned long long)base);
    return -1;
}

/* RAM: conventional memory, the VGA text buffer, the BIOS area (ACPI tables
 * and the firmware's low alias), extended memory up to the PCI hole (the
 * rest above 4 GiB), and 64 KiB at the top of 4 GiB for the firmware. The
 * VGA graphics window 0xa0000-0xb7fff is left unmapped (reads all-ones). */
static int map_ram(struct machine *m, uint64_t ram, char *err, size_t errlen)
{
    uint64_t below4g = ram < PCI_HOLE ? ram : PCI_HOLE;
    if (map(m, 0, PC_VGA_BASE, err, errlen) ||
        map(m, PC_VGA_TEXT, 0xc0000 - PC_VGA_TEXT, err, errlen) ||
        map(m, 0xc0000, PC_HIGH_RAM - 0xc0000, err, errlen) ||
        map(m, PC_HIGH_RAM, below4g - PC_HIGH_RAM, err, errlen) ||
        map(m, PC_FIRMWARE_TOP, 0x10000, err, errlen))
        return -1;
    if (ram > PCI_HOLE)
        return map(m, 0x100000000ull, ram - PCI_HOLE, err, errlen);
    return 0;
}

size_t pc_memory_map(const struct machine *m, struct e820_entry *out, size_t max)
{
    uint64_t ram = m->pc ? m->pc->ram_bytes : 0;
    uint64_t below4g = ram < PCI_HOLE ? ram : PCI_HOLE;
    struct e820_entry all[] = {
        { 0, PC_EBDA_BASE, E820_RAM },
        { PC_EBDA_BASE, PC_VGA_BASE - PC_EBDA_BASE, E820_RESERVED },
        { PC_BIOS_AREA, PC_HIGH_RAM - PC_BIOS_AREA, E820_RESERVED },  /* ACPI, firmware */
        { PC_HIGH_RAM, below4g - PC_HIGH_RAM, E820_RAM },
        { PC_IOAPIC_BASE, 0x1000, E820_RESERVED },
        { PC_LAPIC_BASE, 0x1000, E820_RESERVED },
        { PC_FIRMWARE_TOP, 0x10000, E820_RESERVED },
        { 0x100000000ull, ram > PCI_HOLE ? ram - PCI_HOLE : 0, E820_RAM },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && n < max; i++)
        if (all[i].length)
            out[n++] = all[i];
    return n;
}

int pc_create(struct machine *m, const rs_pc_config *cfg, char *err, size_t errlen)
{
    struct pc *pc = calloc(1, sizeof(*pc));
    if (!pc) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    m->pc = pc;
    pc->ram_bytes = cfg->ram_bytes ? cfg->ram_bytes : 256 * MIB;
    if (pc->ram_bytes < 2 * MIB || pc->ram_bytes % MIB || pc->ram_bytes > 64 * 1024 * MIB) {
        snprintf(err, errlen, "memory size must be a whole number of MiB between 2 MiB and 64 GiB");
        return -1;
    }
    m->no_reboot = cfg->no_reboot;
    uint64_t cpu_hz = cfg->cpu_hz ? cfg->cpu_hz : MACHINE_DEFAULT_CPU_HZ;
    uint64_t tsc_hz = cfg->tsc_hz ? cfg->tsc_hz : cpu_hz;
    m->cpu.cpu_hz = cpu_hz;
    m->cpu.tsc_hz = tsc_hz;
    clock_init(&m->clock, &m->cpu, cpu_hz, tsc_hz);
    if (map_ram(m, pc->ram_bytes, err, errlen))
        return -1;

    /* Interrupt controllers first: the other devices drive their lines. */
    if (!(pc->pic = pic_create(m, err, errlen)))
        return -1;
    if (!(pc->ioapic = ioapic_create(m, err, errlen)))
        return -1;
    if (!(pc->lapic = lapic_create(m, err, errlen)))
        return -1;
    if (!(pc->pit = pit_create(m, err, errlen)))
        return -1;
    if (!(pc->cmos = cmos_create(m, cfg, err, errlen)))
        return -1;
    static const uint16_t com_base[2] = { 0x3f8, 0x2f8 };
    static const unsigned com_irq[2] = { IRQ_COM1, IRQ_COM2 };
    for (unsigned i = 0; i < 2; i++)
        if (!(pc->com[i] = uart_create(m, i, com_base[i], com_irq[i], cfg->serial_out[i],
                                       cfg->serial_ctx[i], err, errlen)))
            return -1;
    if (!(pc->vga = vga_create(m, err, errlen)))
        return -1;
    if (!(pc->ata = ata_create(m, cfg, err, errlen)))
        return -1;
    if (!(pc->debug = debugdev_create(m, cfg->debugcon_out, cfg->debugcon_ctx, err, errlen)))
        return -1;
    if (!(pc->kbc = kbc_create(m, err, errlen)))
        return -1;
    if (acpi_build(m, err, errlen))
        return -1;
    return 0;
}

void pc_reset(struct machine *m)
{
    struct pc *pc = m->pc;
    if (pc->pic)
        pic_reset(pc->pic);
    if (pc->pit)
        pit_reset(pc->pit);
    if (pc->ioapic)
        ioapic_reset(pc->ioapic);
    if (pc->lapic)
        lapic_reset(pc->lapic);
    for (unsigned i = 0; i < 2; i++)
        if (pc->com[i])
            uart_reset(pc->com[i]);
    if (pc->ata)
        ata_reset(pc->ata);
    if (pc->acpi)
        acpi_reset(pc->acpi);
}

void pc_destroy(struct machine *m)
{
    struct pc *pc = m->pc;
    if (!pc)
        return;
    if (pc->acpi) acpi_destroy(pc->acpi);
    if (pc->kbc) kbc_destroy(pc->kbc);
    if (pc->debug) debugdev_destroy(pc->debug);
    if (pc->ata) ata_destroy(pc->ata);
    if (pc->vga) vga_destroy(pc->vga);
    for (unsigned i = 0; i < 2; i++)
        if (pc->com[i]) uart_destroy(pc->com[i]);
    if (pc->cmos) cmos_destroy(pc->cmos);
    if (pc->pit) pit_destroy(pc->pit);
    if (pc->lapic) lapic_destroy(pc->lapic);
    if (pc->ioapic) ioapic_destroy(pc->ioapic);
    if (pc->pic) pic_destroy(pc->pic);
    free(pc);
    m->pc = NULL;
}
