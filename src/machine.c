/*
 * Board assembly and the machine loop: the CPU runs until the next device
 * deadline, then the due timers fire; a halted CPU that can be woken skips
 * straight to the next deadline, so an idle guest costs no host time.
 */
#include "machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu/blockcache.h"
#include "devices/pc.h"

static uint32_t cpu_port_in(void *ctx, uint16_t port, unsigned size)
{
    return bus_in(&((struct machine *)ctx)->bus, port, size);
}

static void cpu_port_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
    bus_out(&((struct machine *)ctx)->bus, port, size, value);
}

static uint64_t cpu_mmio_read(void *ctx, uint64_t pa, unsigned size)
{
    return bus_mmio_read(&((struct machine *)ctx)->bus, pa, size);
}

static void cpu_mmio_write(void *ctx, uint64_t pa, unsigned size, uint64_t value)
{
    bus_mmio_write(&((struct machine *)ctx)->bus, pa, size, value);
}

struct machine *machine_create(void)
{
    struct machine *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    physmem_init(&m->mem);
    m->cpu.mem = &m->mem;
    m->cpu.blocks = blockcache_create();
    if (!m->cpu.blocks) {
        free(m);
        return NULL;
    }
    bus_init(&m->bus, m);
    /* The CPU reaches devices through the bus: ports, and MMIO for physical
     * addresses that are not RAM. The embedder may replace the port
     * handlers (rs_set_port_handlers) on a bare machine. */
    m->cpu.ports = (struct port_bus){ cpu_port_in, cpu_port_out, m };
    m->cpu.mmio = (struct mmio_bus){ cpu_mmio_read, cpu_mmio_write, m };
    m->cpu.cpu_hz = m->cpu.tsc_hz = MACHINE_DEFAULT_CPU_HZ;
    clock_init(&m->clock, &m->cpu, MACHINE_DEFAULT_CPU_HZ, MACHINE_DEFAULT_CPU_HZ);
    timing_set_profile(&m->cpu, timing_profile_at(0));
    cpu_reset(&m->cpu);
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    if (m->pc)
        pc_destroy(m);
    blockcache_destroy(m->cpu.blocks);
    physmem_free(&m->mem);
    free(m);
}

void machine_log(struct machine *m, const char *fmt, ...)
{
    if (!m->log)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    m->log(m->log_ctx, buf);
}

void machine_poweroff(struct machine *m, int status)
{
    m->request = MREQ_POWEROFF;
    m->exit_status = status;
    m->cpu.stop_request = true;
    m->cpu.stop_block = true;
}

void machine_request_reset(struct machine *m)
{
    m->request = MREQ_RESET;
    m->cpu.stop_request = true;
    m->cpu.stop_block = true;
}

/* A CPU reset with RAM kept, as a warm reboot does: the firmware at the
 * reset vector runs again. */
static void machine_reset(struct machine *m)
{
    cpu_reset(&m->cpu);
    blockcache_flush(m->cpu.blocks);
    if (m->pc)
        pc_reset(m);
}

static rs_stop stop_of(enum cpu_stop s)
{
    switch (s) {
    case CPU_STOP_EXCEPTION: return RS_STOP_EXCEPTION;
    case CPU_STOP_HALT: return RS_STOP_HALT;
    case CPU_STOP_SHUTDOWN: return RS_STOP_SHUTDOWN;
    case CPU_STOP_REQUESTED: return RS_STOP_REQUESTED;
    case CPU_STOP_BREAKPOINT: return RS_STOP_BREAKPOINT;
    default: return RS_STOP_BUDGET;
    }
}

/* Act on a device's power-off or reset request: TAKE_STOP when
 * machine_run must return *why, TAKE_RESET after a reboot, TAKE_NONE. */
enum take { TAKE_NONE, TAKE_STOP, TAKE_RESET };
static enum take take_request(struct machine *m, rs_stop *why)
{
    enum machine_request r = m->request;
    if (r == MREQ_NONE)
        return TAKE_NONE;
    m->request = MREQ_NONE;
    m->cpu.stop_request = false;
    if (r == MREQ_POWEROFF) {
        *why = RS_STOP_POWEROFF;
        return TAKE_STOP;
    }
    if (m->no_reboot) {
        *why = RS_STOP_RESET;
        return TAKE_STOP;
    }
    machine_reset(m);
    return TAKE_RESET;
}

rs_stop machine_run(struct machine *m, uint64_t max_steps)
{
    struct cpu *cpu = &m->cpu;
    uint64_t left = max_steps ? max_steps : UINT64_MAX;
    rs_stop why;
    for (;;) {
        if (m->cycle_limit && cpu->cycles >= m->cycle_limit)
            return RS_STOP_BUDGET;
        clock_fire_due(&m->clock);
        if (take_request(m, &why) == TAKE_STOP)     /* a timer's device may have asked */
            return why;
        uint64_t now = cpu->cycles, deadline = clock_next_deadline(&m->clock);
        if (deadline <= now)
            continue;                   /* due now: fire it first */
        if (m->cycle_limit && m->cycle_limit < deadline)
            deadline = m->cycle_limit;

        cpu->cycle_deadline = deadline;
        uint64_t before = cpu->icount + cpu->deliveries;
        enum cpu_stop s = cpu_run(cpu, left);
        cpu->cycle_deadline = UINT64_MAX;
        uint64_t used = cpu->icount + cpu->deliveries - before;   /* steps */
        left -= used < left ? used : left;

        enum take t = take_request(m, &why);
        if (t == TAKE_STOP)
            return why;
        if (t == TAKE_RESET) {
            if (left == 0)
                return RS_STOP_BUDGET;
            continue;
        }
        if (s == CPU_STOP_HALT && (cpu->rflags & F_IF) && clock_next_deadline(&m->clock) != UINT64_MAX) {
            /* HLT with interrupts enabled: nothing happens until the next
             * device deadline, so skip to it (virtual time, no host time).
             * It counts as a step, so a budget bounds an idle guest too. */
            uint64_t next = clock_next_deadline(&m->clock);
            if (m->cycle_limit && m->cycle_limit < next)
                next = m->cycle_limit;
            if (cpu->cycles < next)
                cpu->cycles = next;
            if (left != UINT64_MAX && --left == 0)
                return RS_STOP_BUDGET;
            continue;
        }
        if (s != CPU_STOP_BUDGET)
            return stop_of(s);
        if (left == 0)
            return RS_STOP_BUDGET;
    }
}
