/*
 * One bus for port I/O and memory-mapped I/O. Devices register ranges with
 * callbacks; the CPU's IN/OUT and its accesses to physical addresses that
 * are not RAM end up here. Unknown ports read as all-ones and are reported
 * once (machine log); unclaimed MMIO reads all-ones and ignores writes.
 */
#ifndef RINGSCOPE_BUS_H
#define RINGSCOPE_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

struct port_ops {
    uint32_t (*in)(void *dev, uint16_t port, unsigned size);
    void (*out)(void *dev, uint16_t port, unsigned size, uint32_t value);
};

struct mmio_ops {
    uint64_t (*read)(void *dev, uint64_t offset, unsigned size);
    void (*write)(void *dev, uint64_t offset, unsigned size, uint64_t value);
};

#define BUS_MAX_PORT_RANGES 64
#define BUS_MAX_MMIO_RANGES 16

struct port_range {
    uint16_t first, count;
    const struct port_ops *ops;
    void *dev;
    const char *name;
};

struct mmio_range {
    uint64_t base, size;
    const struct mmio_ops *ops;
    void *dev;
    const char *name;
};

struct bus {
    struct machine *m;
    struct port_range ports[BUS_MAX_PORT_RANGES];
    unsigned nports;
    struct mmio_range mmio[BUS_MAX_MMIO_RANGES];
    unsigned nmmio;
    uint8_t reported[8192];     /* one bit per port: unknown access already reported */
};

void bus_init(struct bus *b, struct machine *m);

/* Claim ports [first, first+count); 0 on success, -1 if full or overlapping. */
int bus_add_ports(struct bus *b, uint16_t first, uint16_t count, const struct port_ops *ops,
                  void *dev, const char *name);

/* Claim physical [base, base+size) for MMIO; 0 on success, -1 if full or
 * overlapping RAM or another range. */
int bus_add_mmio(struct bus *b, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                 void *dev, const char *name);

/* Move `dev`'s MMIO range to `new_base` (the local APIC through IA32_APIC_BASE). */
int bus_move_mmio(struct bus *b, void *dev, uint64_t new_base);

/* Port accesses from the CPU (size 1, 2 or 4). */
uint32_t bus_in(struct bus *b, uint16_t port, unsigned size);
void bus_out(struct bus *b, uint16_t port, unsigned size, uint32_t value);

/* MMIO accesses from the CPU for physical addresses that are not RAM. An
 * access no device claims reads all-ones and is otherwise ignored. */
uint64_t bus_mmio_read(struct bus *b, uint64_t pa, unsigned size);
void bus_mmio_write(struct bus *b, uint64_t pa, unsigned size, uint64_t value);

#endif
