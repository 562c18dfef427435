/*
 * The board: owns the CPU, guest-physical memory and (later) the devices and
 * the event stream. The embedding API (api.c) wraps it as rs_machine.
 */
#ifndef RINGSCOPE_MACHINE_H
#define RINGSCOPE_MACHINE_H

#include "cpu/cpu.h"
#include "mmu/physmem.h"

struct machine {
    struct cpu cpu;
    struct physmem mem;
};

/* Create a machine in the power-on state with no memory; NULL if the host
 * is out of memory. */
struct machine *machine_create(void);
void machine_destroy(struct machine *m);

#endif
