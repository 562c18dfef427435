/*
 * ACPI tables and the fixed power-management hardware they describe
 * (ACPI 6.5; docs/platform-storage-acpi.md). acpi_build (devices/pc.h)
 * writes RSDP, RSDT, XSDT, FADT, FACS, MADT and DSDT into guest RAM in the
 * BIOS area and claims the PM1a event/control and PM timer ports.
 */
#ifndef RINGSCOPE_ACPI_H
#define RINGSCOPE_ACPI_H

#include <stdint.h>

#include "devices/pc.h"

/* Where the tables go: the RSDP first (16-byte aligned, found by the
 * standard scan of E0000h-FFFFFh), the rest after it. */
#define ACPI_TABLES_BASE    PC_BIOS_AREA
#define ACPI_TABLES_MAX     0x1000u

/* Fixed hardware, at the ports QEMU's PIIX4 PM uses. */
#define ACPI_PM_BASE        0x600u
#define ACPI_PM1A_EVT       (ACPI_PM_BASE + 0)  /* PM1_STS (2 bytes), PM1_EN (2 bytes) */
#define ACPI_PM1A_CNT       (ACPI_PM_BASE + 4)  /* PM1_CNT (2 bytes) */
#define ACPI_PM_TMR         (ACPI_PM_BASE + 8)  /* 32-bit PM timer */
#define ACPI_PM_PORTS       12u
#define ACPI_PM_TIMER_HZ    3579545u
#define ACPI_SCI_IRQ        9u
#define ACPI_SLP_TYP_S5     0u                  /* \_S5 = Package {0, 0, 0, 0}, as PIIX4 */

/* MADT contents. */
#define ACPI_IOAPIC_ID      0u
#define ACPI_LAPIC_ID       0u

/* PM1 register bits (ACPI 6.5, "PM1 Event Grouping", "PM1 Control Grouping"). */
#define PM1_TMR_STS         0x0001u
#define PM1_TMR_EN          0x0001u
#define PM1_SCI_EN          0x0001u
#define PM1_SLP_TYP_SHIFT   10
#define PM1_SLP_EN          0x2000u

struct acpi;
/* Reset the PM registers (a warm reboot); tables stay where they are. */
void acpi_reset(struct acpi *acpi);
void acpi_destroy(struct acpi *acpi);

#endif
