/*
 * CMOS RAM and the MC146818 real-time clock (ports 0x70/0x71, IRQ 8).
 * Constructor and destructor in devices/pc.h.
 */
#ifndef RINGSCOPE_CMOS_H
#define RINGSCOPE_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pc.h"

/* Default RTC start when rs_pc_config.rtc_epoch is 0: 2026-01-01 00:00:00 UTC. */
#define CMOS_DEFAULT_EPOCH 1767225600ull

/* Bit 7 of the last write to port 0x70 (NMI disabled); stored only. */
bool cmos_nmi_masked(const struct cmos *c);

/* The level of IRQ 8 (register C bit 7, IRQF). */
bool cmos_irq_line(const struct cmos *c);

/* The RTC's time as Unix seconds (the time registers while updates are
 * inhibited). */
int64_t cmos_rtc_seconds(struct cmos *c);

#endif
