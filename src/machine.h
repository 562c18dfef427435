/*
 * The board: owns the CPU, guest-physical memory, the device bus, virtual
 * time and (for a PC) the devices. The embedding API (api.c) wraps it as
 * rs_machine.
 */
#ifndef RINGSCOPE_MACHINE_H
#define RINGSCOPE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "devices/bus.h"
#include "devices/clock.h"
#include "mmu/physmem.h"
#include "ringscope/ringscope.h"

struct pc;

/* What the machine was asked to do by a device. */
enum machine_request { MREQ_NONE, MREQ_POWEROFF, MREQ_RESET };

struct machine {
    struct cpu cpu;
    struct physmem mem;
    struct bus bus;
    struct clock clock;
    struct pc *pc;              /* the PC's devices; NULL for a bare machine */
    rs_log_fn log;              /* where machine-level reports go (NULL: dropped) */
    void *log_ctx;
    enum machine_request request;
    int exit_status;            /* with MREQ_POWEROFF: the guest's status */
    bool no_reboot;             /* a reset request stops the machine instead */
    uint64_t cycle_limit;       /* machine_run stops when virtual time reaches it (0: none) */
};

/* Default virtual clock: a 2.0 GHz core with the TSC at the same rate. */
#define MACHINE_DEFAULT_CPU_HZ 2000000000ull

/* Create a machine in the power-on state with no memory; NULL if the host
 * is out of memory. */
struct machine *machine_create(void);
void machine_destroy(struct machine *m);

/* Report something about the machine (an unknown port, a device error) to
 * the embedder's log. */
void machine_log(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Device requests: power off with the guest's exit status (isa-debug-exit,
 * ACPI), or reset (port CF9h, the 8042 pulse). They take effect after the
 * current instruction. */
void machine_poweroff(struct machine *m, int status);
void machine_request_reset(struct machine *m);

/* Run for at most `max_steps` steps (0: no limit) and until virtual time
 * reaches m->cycle_limit (if set), firing device timers at their deadlines
 * and fast-forwarding virtual time while the CPU halts with interrupts
 * enabled. A fast-forward counts as one step, so a budget also bounds an
 * idle guest whose timers keep firing. */
rs_stop machine_run(struct machine *m, uint64_t max_steps);

#endif
