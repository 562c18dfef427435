/*
 * The 8042 keyboard controller as PC firmware and kernels use it (IBM
 * PC/AT Technical Reference, "Keyboard Controller"; the PS/2 extensions for
 * the auxiliary port), plus port 0x92 (PS/2 system control port A).
 *
 * Modelled: the status register, the command byte and controller RAM
 * (0x20-0x3F / 0x60-0x7F), self-test 0xAA -> 0x55, interface tests 0xAB and
 * 0xA9 -> 0x00, keyboard and auxiliary enable/disable, the output port
 * (0xD0/0xD1, A20 and the reset line), 0xDD/0xDF A20 gate, 0xD2/0xD3 writes
 * to the output buffer, the pulse commands 0xF0-0xFF (0xFE = CPU reset), and
 * a keyboard that answers the usual commands (reset, identify, LEDs, scan
 * set, typematic, enable/disable) but never sends a key. Nothing is attached
 * to the auxiliary port: a byte sent there (0xD4) comes back as 0xFE with
 * the timeout bit, as a controller reports a missing device. Commands take
 * effect at once, so the input buffer is always empty.
 */
#include "devices/kbc.h"

#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

/* Status register bits. */
enum {
    ST_OBF = 0x01, ST_IBF = 0x02, ST_SYS = 0x04, ST_CMD = 0x08, ST_UNLOCKED = 0x10,
    ST_AUXB = 0x20, ST_TIMEOUT = 0x40,
};

/* Command byte bits. */
enum {
    CB_KBD_INT = 0x01, CB_AUX_INT = 0x02, CB_SYS = 0x04, CB_KBD_DISABLE = 0x10,
    CB_AUX_DISABLE = 0x20, CB_XLATE = 0x40,
};

/* Output port bits. */
enum { OP_RESET = 0x01, OP_A20 = 0x02, OP_KBD_OBF = 0x10, OP_AUX_OBF = 0x20 };

#define IRQ_AUX 12
#define KBC_QUEUE 16

/* Where a byte in the output buffer came from. */
enum source { SRC_CTRL, SRC_KBD, SRC_AUX };

struct out_byte {
    uint8_t value;
    uint8_t src;                /* enum source */
    bool timeout;
};

struct kbc {
    struct machine *m;
    uint8_t ram[32];            /* ram[0] is the command byte */
    bool sys, cmd_last;         /* status bits 2 and 3 */
    uint8_t outport;
    uint8_t port92;
    uint8_t pending;            /* controller command waiting for its data byte */
    uint8_t kbd_pending;        /* keyboard command waiting for its parameter */
    uint8_t scan_set;
    bool scanning;

    bool obf;                   /* the output buffer and what is in it */
    struct out_byte ob;
    uint8_t last_read;
    struct out_byte q[KBC_QUEUE];   /* bytes waiting for the output buffer */
    unsigned q_head, q_len;

    bool irq1, irq12;
};

static uint8_t command_byte(const struct kbc *k) { return k->ram[0]; }

static void drive(struct kbc *k, unsigned irq, bool *line, bool level)
{
    if (*line == level)
        return;
    *line = level;
    irq_set(k->m, irq, level);
}

/* IRQ 1 / IRQ 12 follow "output buffer full" for a keyboard / auxiliary
 * byte when the command byte enables that interrupt. Controller replies
 * count as keyboard bytes (IBM's 8042 firmware; QEMU does the same). */
static void update_irq(struct kbc *k)
{
    uint8_t cb = command_byte(k);
    bool aux = k->obf && k->ob.src == SRC_AUX;
    drive(k, IRQ_KBD, &k->irq1, k->obf && !aux && (cb & CB_KBD_INT));
    drive(k, IRQ_AUX, &k->irq12, aux && (cb & CB_AUX_INT));
}

/* Move the next deliverable byte into the empty output buffer. Keyboard
 * bytes wait while the keyboard interface is disabled (command byte bit 4). */
static void fill(struct kbc *k)
{
    if (k->obf)
        return;
    for (unsigned i = 0; i < k->q_len; i++) {
        unsigned idx = (k->q_head + i) % KBC_QUEUE;
        if (k->q[idx].src == SRC_KBD && (command_byte(k) & CB_KBD_DISABLE))
            continue;
        k->ob = k->q[idx];
        k->obf = true;
        /* Remove entry i, keeping the order of the rest. */
        for (unsigned j = i; j + 1 < k->q_len; j++)
            k->q[(k->q_head + j) % KBC_QUEUE] = k->q[(k->q_head + j + 1) % KBC_QUEUE];
        k->q_len--;
        break;
    }
}

static void put(struct kbc *k, uint8_t value, enum source src, bool timeout)
{
    if (k->q_len == KBC_QUEUE)
        return;                 /* cannot happen with the replies below; drop */
    k->q[(k->q_head + k->q_len) % KBC_QUEUE] = (struct out_byte){ value, (uint8_t)src, timeout };
    k->q_len++;
    fill(k);
    update_irq(k);
}

static void reset_request(struct kbc *k)
{
    machine_request_reset(k->m);
}

/* A byte for the keyboard (a write to port 0x60 with no controller command
 * pending): the PS/2 keyboard command set, answered at once. */
static void keyboard_write(struct kbc *k, uint8_t v)
{
    if (k->kbd_pending) {
        uint8_t cmd = k->kbd_pending;
        k->kbd_pending = 0;
        if (cmd == 0xf0 && v == 0) {            /* get scan code set */
            put(k, 0xfa, SRC_KBD, false);
            put(k, k->scan_set, SRC_KBD, false);
            return;
        }
        if (cmd == 0xf0 && v <= 3)
            k->scan_set = v;
        put(k, 0xfa, SRC_KBD, false);           /* LEDs, typematic, scan set */
        return;
    }
    switch (v) {
    case 0xed: case 0xf0: case 0xf3:            /* take a parameter byte */
        k->kbd_pending = v;
        put(k, 0xfa, SRC_KBD, false);
        break;
    case 0xee:                                  /* echo */
        put(k, 0xee, SRC_KBD, false);
        break;
    case 0xf2:                                  /* identify: MF2 keyboard */
        put(k, 0xfa, SRC_KBD, false);
        put(k, 0xab, SRC_KBD, false);
        put(k, 0x83, SRC_KBD, false);
        break;
    case 0xf4: k->scanning = true; put(k, 0xfa, SRC_KBD, false); break;
    case 0xf5: k->scanning = false; put(k, 0xfa, SRC_KBD, false); break;
    case 0xf6: k->scanning = true; k->scan_set = 2; put(k, 0xfa, SRC_KBD, false); break;
    case 0xff:                                  /* reset: ACK, then BAT passed */
        k->scanning = true;
        k->scan_set = 2;
        put(k, 0xfa, SRC_KBD, false);
        put(k, 0xaa, SRC_KBD, false);
        break;
    default:
        /* 0xF7-0xFE (scan set 3 key types, resend) are acknowledged;
         * anything else is not a command: "resend". */
        put(k, v >= 0xf7 ? 0xfa : 0xfe, SRC_KBD, false);
        break;
    }
}

/* The data byte of a controller command that takes one. */
static void command_data(struct kbc *k, uint8_t cmd, uint8_t v)
{
    if (cmd >= 0x60 && cmd <= 0x7f) {
        k->ram[cmd & 0x1f] = v;
        if (cmd == 0x60)
            k->sys = v & CB_SYS;                /* status bit 2 follows the command byte */
        fill(k);
        update_irq(k);
        return;
    }
    switch (cmd) {
    case 0xd1:                                  /* write output port */
        k->outport = v;
        if (!(v & OP_RESET))
            reset_request(k);                   /* bit 0 low holds the CPU in reset */
        break;
    case 0xd2: put(k, v, SRC_KBD, false); break;
    case 0xd3: put(k, v, SRC_AUX, false); break;
    case 0xd4: put(k, 0xfe, SRC_AUX, true); break;  /* no auxiliary device */
    default: break;
    }
}

static void controller_command(struct kbc *k, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3f) {
        put(k, k->ram[cmd & 0x1f], SRC_CTRL, false);
        return;
    }
    if ((cmd >= 0x60 && cmd <= 0x7f) || (cmd >= 0xd1 && cmd <= 0xd4)) {
        k->pending = cmd;
        return;
    }
    if (cmd >= 0xf0) {
        /* Pulse the output-port bits whose command bit is 0; bit 0 is the
         * CPU reset line (0xFE: the classic reboot). */
        if (!(cmd & 1))
            reset_request(k);
        return;
    }
    switch (cmd) {
    case 0xa4: put(k, 0xf1, SRC_CTRL, false); break;     /* no password installed */
    case 0xa7: k->ram[0] |= CB_AUX_DISABLE; break;
    case 0xa8: k->ram[0] &= (uint8_t)~CB_AUX_DISABLE; break;
    case 0xa9: put(k, 0x00, SRC_CTRL, false); break;     /* aux interface test: OK */
    case 0xaa:                                           /* self-test passed */
        k->sys = true;
        k->ram[0] |= CB_SYS;
        put(k, 0x55, SRC_CTRL, false);
        break;
    case 0xab: put(k, 0x00, SRC_CTRL, false); break;     /* keyboard interface test: OK */
    case 0xad: k->ram[0] |= CB_KBD_DISABLE; break;
    case 0xae: k->ram[0] &= (uint8_t)~CB_KBD_DISABLE; fill(k); break;
    case 0xc0: put(k, 0xa0, SRC_CTRL, false); break;     /* input port: not inhibited, colour */
    case 0xd0: {                                         /* read output port */
        uint8_t v = k->outport & (uint8_t)~(OP_KBD_OBF | OP_AUX_OBF);
        if (k->obf)
            v |= k->ob.src == SRC_AUX ? OP_AUX_OBF : OP_KBD_OBF;
        put(k, v, SRC_CTRL, false);
        break;
    }
    case 0xdd: k->outport &= (uint8_t)~OP_A20; break;    /* A20 gate off */
    case 0xdf: k->outport |= OP_A20; break;              /* A20 gate on */
    case 0xe0: put(k, 0x00, SRC_CTRL, false); break;     /* test inputs */
    default: break;                                      /* not modelled: ignored */
    }
    update_irq(k);
}

static uint8_t status(const struct kbc *k)
{
    uint8_t v = ST_UNLOCKED;
    if (k->obf) {
        v |= ST_OBF;
        if (k->ob.src == SRC_AUX)
            v |= ST_AUXB;
        if (k->ob.timeout)
            v |= ST_TIMEOUT;
    }
    if (k->sys)
        v |= ST_SYS;
    if (k->cmd_last)
        v |= ST_CMD;
    return v;
}

static uint32_t kbc_in(void *dev, uint16_t port, unsigned size)
{
    struct kbc *k = dev;
    uint8_t v;
    if (port == 0x64) {
        v = status(k);
    } else {
        /* Reading the data port empties the output buffer; with the buffer
         * empty it returns the last byte again. */
        if (k->obf) {
            k->last_read = k->ob.value;
            k->obf = false;
            update_irq(k);
            fill(k);
            update_irq(k);
        }
        v = k->last_read;
    }
    return size == 1 ? v : (v | (size == 4 ? 0xffffff00u : 0xff00u));
}

static void kbc_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct kbc *k = dev;
    uint8_t v = (uint8_t)value;
    if (port == 0x64) {
        k->cmd_last = true;
        k->pending = 0;
        controller_command(k, v);
        return;
    }
    k->cmd_last = false;
    if (k->pending) {
        uint8_t cmd = k->pending;
        k->pending = 0;
        command_data(k, cmd, v);
    } else {
        keyboard_write(k, v);
    }
}

/* Port 0x92: bit 1 is the fast A20 gate (stored), bit 0 the fast reset,
 * which resets the CPU on a 0 -> 1 transition. */
static uint32_t port92_in(void *dev, uint16_t port, unsigned size)
{
    struct kbc *k = dev;
    return size == 1 ? k->port92 : (k->port92 | (size == 4 ? 0xffffff00u : 0xff00u));
}

static void port92_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct kbc *k = dev;
    uint8_t v = (uint8_t)value & 0x03;
    bool reset = (v & 1) && !(k->port92 & 1);
    k->port92 = v;
    if (reset)
        reset_request(k);
}

static const struct port_ops kbc_data_ops = { kbc_in, kbc_out };
static const struct port_ops port92_ops = { port92_in, port92_out };

struct kbc *kbc_create(struct machine *m, char *err, size_t errlen)
{
    struct kbc *k = calloc(1, sizeof(*k));
    if (!k) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    k->m = m;
    /* The state a PC firmware leaves: self-test passed (system flag),
     * keyboard interrupt on, translation on, auxiliary port disabled; A20
     * enabled through the output port and port 0x92. */
    k->ram[0] = CB_KBD_INT | CB_SYS | CB_AUX_DISABLE | CB_XLATE;
    k->sys = true;
    k->outport = OP_RESET | OP_A20;
    k->port92 = 0x02;
    k->scan_set = 2;
    k->scanning = true;
    if (bus_add_ports(&m->bus, 0x60, 1, &kbc_data_ops, k, "8042 data") ||
        bus_add_ports(&m->bus, 0x64, 1, &kbc_data_ops, k, "8042 status/command") ||
        bus_add_ports(&m->bus, 0x92, 1, &port92_ops, k, "system control port A")) {
        snprintf(err, errlen, "8042: I/O ports 0x60/0x64/0x92 are already claimed");
        free(k);
        return NULL;
    }
    return k;
}

void kbc_destroy(struct kbc *k)
{
    free(k);
}

bool kbc_a20_requested(const struct kbc *k)
{
    return (k->outport & OP_A20) || (k->port92 & 0x02);
}

bool kbc_irq1_line(const struct kbc *k)
{
    return k->irq1;
}
