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
    default: return RS_STOP_BUDGET;
    }
}

rs_stop machine_run(struct machine *m, uint64_t max_steps)
{
    struct cpu *cpu = &m->cpu;
    uint64_t left = max_steps ? max_steps : UINT64_MAX;
    for (;;) {
        clock_fire_due(&m->clock);
        uint64_t now = cpu->cycles, deadline = clock_next_deadline(&m->clock);
        uint64_t slice = left;
        if (deadline != UINT64_MAX && deadline - now < slice)
            slice = deadline - now;
        if (slice == 0)
            continue;       /* a timer is due now: fire it first */

        uint64_t before = cpu->cycles;
        enum cpu_stop s = cpu_run(cpu, slice);
        uint64_t used = cpu->cycles - before;
        left -= used < left ? used : left;

        if (s == CPU_STOP_REQUESTED && m->request != MREQ_NONE) {
            enum machine_request r = m->request;
            m->request = MREQ_NONE;
            cpu->stop_request = false;
            if (r == MREQ_POWEROFF)
                return RS_STOP_POWEROFF;
            if (m->no_reboot)
                return RS_STOP_RESET;
            machine_reset(m);
            continue;
        }
        if (s == CPU_STOP_HALT && (cpu->rflags & F_IF) && deadline != UINT64_MAX) {
            /* HLT with interrupts enabled: nothing happens until the next
             * device deadline, so skip to it (virtual time, no host time). */
            if (cpu->cycles < deadline)
                cpu->cycles = deadline;
            continue;
        }
        if (s != CPU_STOP_BUDGET)
            return stop_of(s);
        if (left == 0)
            return RS_STOP_BUDGET;
    }
}
