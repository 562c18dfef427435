/*
 * ATA PIO disk on the primary IDE channel (docs/platform-storage-acpi.md):
 * command block 1F0h-1F7h, control block 3F6h, IRQ 14; master and slave
 * backed by image files (ATA/ATAPI-6, T13/1410D).
 *
 * The constructor and destructor are declared in devices/pc.h
 * (ata_create, ata_destroy); this header adds what tests and the ACPI
 * glue need.
 */
#ifndef RINGSCOPE_ATA_H
#define RINGSCOPE_ATA_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pc.h"

#define ATA_CMD_BASE    0x1f0   /* command block: data .. status/command */
#define ATA_CTRL_PORT   0x3f6   /* control block: alternate status / device control */
#define ATA_SECTOR_SIZE 512u
#define ATA_MAX_MULTIPLE 16u    /* IDENTIFY word 47: sectors per DRQ block in multiple mode */

/* Hardware reset (the PC's reset line, a warm reboot): both devices return
 * to their power-on state. pc_reset() should call it. */
void ata_reset(struct ata *a);

/* The level the channel drives on IRQ 14 right now (the selected device's
 * pending interrupt, unless nIEN masks it). */
bool ata_irq_line(const struct ata *a);

/* Capacity in sectors of device `dev` (0 master, 1 slave); 0 if absent. */
uint64_t ata_sectors(const struct ata *a, unsigned dev);


#endif
