/*
 * Stack pointers from the task-state segment (SDM Vol. 3A, 8.2 and 8.7),
 * shared by interrupt delivery, far calls through call gates and task code.
 * Implemented in cpu/tss.c. Each reads through the current TR's cache and
 * raises #TS(TR selector) when the field lies beyond the TSS limit.
 */
#ifndef RINGSCOPE_TSS_H
#define RINGSCOPE_TSS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Legacy (16- or 32-bit) TSS: SSn:ESPn for privilege level n (0..2). */
void tss_legacy_stack(struct cpu *cpu, unsigned n, uint16_t *ss, uint32_t *esp);

/* 64-bit TSS: RSPn (ist false, n 0..2) or ISTn (ist true, n 1..7). */
uint64_t tss64_stack(struct cpu *cpu, unsigned n, bool ist);

#endif
