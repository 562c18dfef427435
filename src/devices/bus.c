/*
 * The device bus: port and MMIO ranges with callbacks (see bus.h).
 */
#include "devices/bus.h"

#include <string.h>

#include "machine.h"

void bus_init(struct bus *b, struct machine *m)
{
    memset(b, 0, sizeof(*b));
    b->m = m;
}

int bus_add_ports(struct bus *b, uint16_t first, uint16_t count, const struct port_ops *ops,
                  void *dev, const char *name)
{
    if (b->nports == BUS_MAX_PORT_RANGES || count == 0 || (uint32_t)first + count > 0x10000)
        return -1;
    for (unsigned i = 0; i < b->nports; i++) {
        const struct port_range *r = &b->ports[i];
        if (first < r->first + r->count && r->first < first + count)
            return -1;
    }
    b->ports[b->nports++] = (struct port_range){ first, count, ops, dev, name };
    return 0;
}

static bool mmio_overlaps(const struct bus *b, uint64_t base, uint64_t size, const void *except)
{
    for (unsigned i = 0; i < b->nmmio; i++) {
        const struct mmio_range *r = &b->mmio[i];
        if (r->dev != except && base < r->base + r->size && r->base < base + size)
            return true;
    }
    return physmem_region(&b->m->mem, base) != NULL ||
           physmem_region(&b->m->mem, base + size - 1) != NULL;
}

int bus_add_mmio(struct bus *b, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                 void *dev, const char *name)
{
    if (b->nmmio == BUS_MAX_MMIO_RANGES || size == 0 || mmio_overlaps(b, base, size, NULL))
        return -1;
    b->mmio[b->nmmio++] = (struct mmio_range){ base, size, ops, dev, name };
    return 0;
}

int bus_move_mmio(struct bus *b, void *dev, uint64_t new_base)
{
    for (unsigned i = 0; i < b->nmmio; i++) {
        struct mmio_range *r = &b->mmio[i];
        if (r->dev != dev)
            continue;
        if (mmio_overlaps(b, new_base, r->size, dev))
            return -1;
        r->base = new_base;
        return 0;
    }
    return -1;
}

static const struct port_range *find_port(const struct bus *b, uint16_t port)
{
    for (unsigned i = 0; i < b->nports; i++) {
        const struct port_range *r = &b->ports[i];
        if ((uint16_t)(port - r->first) < r->count)
            return r;
    }
    return NULL;
}

/* An access no device claims: report it once per port (never a crash). */
static void unknown_port(struct bus *b, uint16_t port, bool write)
{
    if (b->reported[port >> 3] & (1u << (port & 7)))
        return;
    b->reported[port >> 3] |= (uint8_t)(1u << (port & 7));
    machine_log(b->m, "guest %s unknown I/O port %#06x (reads return all-ones; reported once)",
                write ? "wrote" : "read", port);
}

uint32_t bus_in(struct bus *b, uint16_t port, unsigned size)
{
    const struct port_range *r = find_port(b, port);
    if (r && r->ops->in)
        return r->ops->in(r->dev, port, size);
    if (!r)
        unknown_port(b, port, false);
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void bus_out(struct bus *b, uint16_t port, unsigned size, uint32_t value)
{
    const struct port_range *r = find_port(b, port);
    if (r && r->ops->out)
        r->ops->out(r->dev, port, size, value);
    else if (!r)
        unknown_port(b, port, true);
}

static const struct mmio_range *find_mmio(const struct bus *b, uint64_t pa)
{
    for (unsigned i = 0; i < b->nmmio; i++) {
        const struct mmio_range *r = &b->mmio[i];
        if (pa - r->base < r->size)
            return r;
    }
    return NULL;
}

uint64_t bus_mmio_read(struct bus *b, uint64_t pa, unsigned size)
{
    const struct mmio_range *r = find_mmio(b, pa);
    if (r && r->ops->read)
        return r->ops->read(r->dev, pa - r->base, size);
    return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

void bus_mmio_write(struct bus *b, uint64_t pa, unsigned size, uint64_t value)
{
    const struct mmio_range *r = find_mmio(b, pa);
    if (r && r->ops->write)
        r->ops->write(r->dev, pa - r->base, size, value);
}
