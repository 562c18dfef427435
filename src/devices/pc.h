/*
 * The PC around the CPU (docs/platform.md): which devices exist, where they
 * sit, and how they are wired. pc.c builds it from an rs_pc_config.
 *
 * Each device lives in its own file with its own header and exposes a
 * constructor with the signature below; the constructor claims its ports /
 * MMIO on m->bus and its timers on m->clock, and returns NULL (with one
 * line in err) on failure.
 */
#ifndef RINGSCOPE_PC_H
#define RINGSCOPE_PC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ringscope/ringscope.h"

struct machine;
struct uart;
struct pic;
struct pit;
struct lapic;
struct ioapic;
struct cmos;
struct vga;
struct ata;
struct debugdev;
struct kbc;
struct acpi;

/* Memory map (docs/platform.md). */
#define PC_LOW_RAM_END      0x9fc00ull      /* conventional memory below the EBDA */
#define PC_EBDA_BASE        0x9fc00ull      /* 1 KiB extended BIOS data area */
#define PC_VGA_BASE         0xa0000ull      /* VGA window; text buffer at 0xb8000 */
#define PC_VGA_TEXT         0xb8000ull
#define PC_BIOS_AREA        0xe0000ull      /* ACPI RSDP and tables live in 0xe0000-0xeffff */
#define PC_BIOS_ROM         0xf0000ull      /* firmware alias below 1 MiB (64 KiB) */
#define PC_HIGH_RAM         0x100000ull
#define PC_IOAPIC_BASE      0xfec00000ull
#define PC_LAPIC_BASE       0xfee00000ull
#define PC_FIRMWARE_TOP     0xffff0000ull   /* 64 KiB firmware at the top of 4 GiB */

/* ISA IRQ lines. */
enum { IRQ_PIT = 0, IRQ_KBD = 1, IRQ_CASCADE = 2, IRQ_COM2 = 3, IRQ_COM1 = 4, IRQ_RTC = 8,
       IRQ_ATA_PRIMARY = 14 };

struct pc {
    struct uart *com[2];
    struct pic *pic;
    struct pit *pit;
    struct lapic *lapic;
    struct ioapic *ioapic;
    struct cmos *cmos;
    struct vga *vga;
    struct ata *ata;
    struct debugdev *debug;
    struct kbc *kbc;
    struct acpi *acpi;          /* the ACPI PM block (PM1a, PM timer) */
    uint64_t ram_bytes;
};

/* Device constructors and destructors (each device's own file). */
struct uart *uart_create(struct machine *m, unsigned index, uint16_t base, unsigned irq,
                         rs_output_fn out, void *ctx, char *err, size_t errlen);
void uart_destroy(struct uart *u);
void uart_receive(struct uart *u, const uint8_t *data, size_t len);

struct pic *pic_create(struct machine *m, char *err, size_t errlen);
void pic_destroy(struct pic *p);

struct pit *pit_create(struct machine *m, char *err, size_t errlen);
void pit_destroy(struct pit *p);

struct lapic *lapic_create(struct machine *m, char *err, size_t errlen);
void lapic_destroy(struct lapic *l);

struct ioapic *ioapic_create(struct machine *m, char *err, size_t errlen);
void ioapic_destroy(struct ioapic *io);

struct cmos *cmos_create(struct machine *m, const rs_pc_config *cfg, char *err, size_t errlen);
void cmos_destroy(struct cmos *c);

struct vga *vga_create(struct machine *m, char *err, size_t errlen);
void vga_destroy(struct vga *v);
void vga_text_dump(struct vga *v, char *buf, size_t len);

struct ata *ata_create(struct machine *m, const rs_pc_config *cfg, char *err, size_t errlen);
void ata_destroy(struct ata *a);

struct debugdev *debugdev_create(struct machine *m, rs_output_fn out, void *ctx, char *err,
                                 size_t errlen);
void debugdev_destroy(struct debugdev *d);

struct kbc *kbc_create(struct machine *m, char *err, size_t errlen);
void kbc_destroy(struct kbc *k);

/* ACPI tables in guest RAM (acpi.c): RSDP in the BIOS area, RSDT/XSDT,
 * MADT (LAPIC, IOAPIC, ISA overrides), FADT, DSDT. 0 or -1 with err. */
int acpi_build(struct machine *m, char *err, size_t errlen);

/* Interrupt wiring (irq.c): a device drives ISA line `irq`; the PIC and the
 * I/O APIC see every change; the CPU's INTR follows the local APIC (or the
 * PIC when the APIC is disabled / in virtual-wire mode). */
void irq_set(struct machine *m, unsigned irq, bool level);
void irq_pulse(struct machine *m, unsigned irq);

/* Device resets for a warm reboot (each device's own file). */
void pic_reset(struct pic *p);
void pit_reset(struct pit *p);
void lapic_reset(struct lapic *l);
void ioapic_reset(struct ioapic *io);
void uart_reset(struct uart *u);
void ata_reset(struct ata *a);
void acpi_reset(struct acpi *a);
void acpi_destroy(struct acpi *a);

/* The memory map a guest is told about (E820 types: 1 RAM, 2 reserved,
 * 3 ACPI reclaimable). Returns the number of entries written. */
struct e820_entry {
    uint64_t base, length;
    uint32_t type;
};
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
size_t pc_memory_map(const struct machine *m, struct e820_entry *out, size_t max);

/* Build, reset and free the PC of machine `m`. */
int pc_create(struct machine *m, const rs_pc_config *cfg, char *err, size_t errlen);
void pc_reset(struct machine *m);
void pc_destroy(struct machine *m);

#endif
