/*
 * Debug devices with QEMU's ports and semantics, so the same test kernels
 * run on both (docs/platform-devices.md):
 *   0xE9        debug console (-debugcon): OUT sends the byte to `out`;
 *               IN reads 0xE9, QEMU's readback value that lets a guest
 *               detect the port.
 *   0xF4-0xF7   isa-debug-exit (iobase=0xf4, iosize=0x04): a write of v
 *               powers the machine off with status v; QEMU's process then
 *               exits with (v << 1) | 1. Reads return 0.
 *   0x80        POST code: stored and read back; no other effect (Linux
 *               writes it as an I/O delay).
 *   0xCF9       reset control (Intel PCH/ICH datasheets, "Reset Control
 *               Register"): bits 1 (SYS_RST) and 3 (FULL_RST) are stored;
 *               a write with bit 2 (RST_CPU) set resets the machine, as
 *               QEMU's PIIX does. Bit 2 reads back 0.
 */
#include "devices/debugdev.h"

#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

#define PORT_DEBUGCON 0xe9
#define PORT_DEBUG_EXIT 0xf4
#define DEBUG_EXIT_SIZE 4
#define PORT_POST 0x80
#define PORT_RESET_CONTROL 0xcf9

#define RC_SYS_RST 0x02
#define RC_RST_CPU 0x04
#define RC_FULL_RST 0x08

struct debugdev {
    struct machine *m;
    rs_output_fn out;
    void *ctx;
    uint8_t post_code;
    uint8_t reset_control;
};

/* Debug console. A wider OUT sends only the byte at 0xE9 (the next bytes
 * belong to ports 0xEA.., which are not the console). */
static uint32_t debugcon_in(void *dev, uint16_t port, unsigned size)
{
    return size == 1 ? 0xe9 : (0xe9 | (size == 4 ? 0xffffff00u : 0xff00u));
}

static void debugcon_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct debugdev *d = dev;
    uint8_t byte = (uint8_t)value;
    if (d->out)
        d->out(d->ctx, &byte, 1);
}

/* isa-debug-exit: any write in the range exits with the value written at
 * the access size, as QEMU's debug_exit_write does. */
static uint32_t debug_exit_in(void *dev, uint16_t port, unsigned size)
{
    return 0;
}

static void debug_exit_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct debugdev *d = dev;
    machine_poweroff(d->m, (int)(value & 0x7fffffff));  /* non-negative: ACPI S5 is -1 */
}

static uint32_t post_in(void *dev, uint16_t port, unsigned size)
{
    struct debugdev *d = dev;
    return size == 1 ? d->post_code : (d->post_code | (size == 4 ? 0xffffff00u : 0xff00u));
}

static void post_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    ((struct debugdev *)dev)->post_code = (uint8_t)value;
}

static uint32_t reset_control_in(void *dev, uint16_t port, unsigned size)
{
    struct debugdev *d = dev;
    return size == 1 ? d->reset_control : (d->reset_control | (size == 4 ? 0xffffff00u : 0xff00u));
}

static void reset_control_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct debugdev *d = dev;
    d->reset_control = (uint8_t)(value & (RC_SYS_RST | RC_FULL_RST));
    if (value & RC_RST_CPU)
        machine_request_reset(d->m);
}

static const struct port_ops debugcon_ops = { debugcon_in, debugcon_out };
static const struct port_ops debug_exit_ops = { debug_exit_in, debug_exit_out };
static const struct port_ops post_ops = { post_in, post_out };
static const struct port_ops reset_control_ops = { reset_control_in, reset_control_out };

struct debugdev *debugdev_create(struct machine *m, rs_output_fn out, void *ctx, char *err,
                                 size_t errlen)
{
    struct debugdev *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    d->m = m;
    d->out = out;
    d->ctx = ctx;
    static const struct {
        uint16_t first, count;
        const struct port_ops *ops;
        const char *name;
    } ranges[] = {
        { PORT_DEBUGCON, 1, &debugcon_ops, "debugcon" },
        { PORT_DEBUG_EXIT, DEBUG_EXIT_SIZE, &debug_exit_ops, "isa-debug-exit" },
        { PORT_POST, 1, &post_ops, "POST code" },
        { PORT_RESET_CONTROL, 1, &reset_control_ops, "reset control" },
    };
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if (bus_add_ports(&m->bus, ranges[i].first, ranges[i].count, ranges[i].ops, d,
                          ranges[i].name)) {
            snprintf(err, errlen, "%s: I/O port %#x is already claimed", ranges[i].name,
                     ranges[i].first);
            free(d);
            return NULL;
        }
    }
    return d;
}

void debugdev_destroy(struct debugdev *d)
{
    free(d);
}

uint8_t debugdev_post_code(const struct debugdev *d)
{
    return d->post_code;
}
