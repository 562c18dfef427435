/*
 * 16550A UART (National Semiconductor PC16550D datasheet; register and
 * interrupt rules cited per function). What a guest sees, and every
 * decision where the datasheet leaves room, is in docs/platform-devices.md.
 *
 * Transmit is immediate: each byte written to THR goes to the `out` callback
 * at once and the transmitter is empty again, so LSR.THRE and LSR.TEMT read 1
 * (no pacing at the baud rate). Receive is flow-controlled by the guest:
 * host bytes wait in an unbounded queue and move into the receive FIFO as it
 * has room, i.e. when uart_receive is called or when the guest reads RBR,
 * never on host timing; so the receiver never overruns from host input. The
 * only timer is the FIFO character timeout, in virtual time.
 */
#include "devices/uart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* Register bits (PC16550D, Table II). */
enum {
    IER_ERBFI = 0x01, IER_ETBEI = 0x02, IER_ELSI = 0x04, IER_EDSSI = 0x08,
    IIR_NONE = 0x01, IIR_RLS = 0x06, IIR_RDA = 0x04, IIR_CTI = 0x0c, IIR_THRE = 0x02,
    IIR_MSI = 0x00, IIR_FIFO = 0xc0,
    FCR_ENABLE = 0x01, FCR_RX_CLEAR = 0x02, FCR_TX_CLEAR = 0x04,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10,
    LSR_DR = 0x01, LSR_OE = 0x02, LSR_ERRORS = 0x1e, LSR_THRE = 0x20, LSR_TEMT = 0x40,
    MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08,
    MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80,
};

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200u              /* the PC's 1.8432 MHz crystal */
#define UART_QUEUE_MAX (64u << 20)          /* host bytes held before dropping */

struct uart {
    struct machine *m;
    unsigned index, irq;
    uint16_t base;
    rs_output_fn out;
    void *ctx;

    uint8_t ier, lcr, mcr, fcr, scr;
    uint16_t divisor;
    uint8_t lsr_err;            /* OE (and PE/FE/BI, never produced) until LSR is read */
    uint8_t msr_delta;          /* MSR bits 3:0 until MSR is read */
    uint8_t rx[UART_FIFO_SIZE]; /* receive FIFO; capacity 1 (the RBR) with FIFOs off */
    unsigned rx_head, rx_count;
    uint8_t last_read;          /* what RBR returns when the receiver is empty */
    bool thr_ipending;          /* THRE interrupt source (cleared by IIR read / THR write) */
    bool timeout_ipending;      /* character timeout interrupt source */
    bool out2_gate;
    bool line;                  /* the interrupt output as driven onto the ISA line */
    struct timer timeout;

    uint8_t *q;                 /* host receive queue (ring, power-of-two capacity) */
    size_t q_cap, q_head, q_len;
    bool q_dropped_reported;
};

static bool fifo_on(const struct uart *u) { return u->fcr & FCR_ENABLE; }
static unsigned rx_capacity(const struct uart *u) { return fifo_on(u) ? UART_FIFO_SIZE : 1; }

/* Receiver trigger level, FCR bits 7:6 (PC16550D, FCR description). */
static unsigned rx_trigger(const struct uart *u)
{
    static const unsigned level[4] = { 1, 4, 8, 14 };
    return fifo_on(u) ? level[u->fcr >> 6] : 1;
}

/* The modem-status inputs. In loopback the MCR outputs feed them
 * (CTS = RTS, DSR = DTR, RI = OUT1, DCD = OUT2); otherwise the far end is a
 * terminal that asserts CTS, DSR and DCD, as QEMU's serial port reports. */
static uint8_t msr_lines(const struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_CTS | MSR_DSR | MSR_DCD;
    uint8_t v = 0;
    if (u->mcr & MCR_RTS) v |= MSR_CTS;
    if (u->mcr & MCR_DTR) v |= MSR_DSR;
    if (u->mcr & MCR_OUT1) v |= MSR_RI;
    if (u->mcr & MCR_OUT2) v |= MSR_DCD;
    return v;
}

static uint8_t lsr_value(const struct uart *u)
{
    return (uint8_t)((u->rx_count ? LSR_DR : 0) | u->lsr_err | LSR_THRE | LSR_TEMT);
}

/* The highest-priority pending interrupt (PC16550D, Table IV): line status
 * > received data available / character timeout > THR empty > modem status. */
static uint8_t iir_id(const struct uart *u)
{
    if ((u->ier & IER_ELSI) && u->lsr_err)
        return IIR_RLS;
    if ((u->ier & IER_ERBFI) && u->timeout_ipending)
        return IIR_CTI;
    if ((u->ier & IER_ERBFI) && u->rx_count && u->rx_count >= rx_trigger(u))
        return IIR_RDA;
    if ((u->ier & IER_ETBEI) && u->thr_ipending)
        return IIR_THRE;
    if ((u->ier & IER_EDSSI) && u->msr_delta)
        return IIR_MSI;
    return IIR_NONE;
}

/* Drive the ISA line whenever the interrupt output changes. On a PC the
 * INTRPT pin reaches the bus through a buffer enabled by OUT2; that gate is
 * modelled when enabled (uart_set_out2_gate). */
static void update_irq(struct uart *u)
{
    bool level = iir_id(u) != IIR_NONE && (!u->out2_gate || (u->mcr & MCR_OUT2));
    if (level == u->line)
        return;
    u->line = level;
    irq_set(u->m, u->irq, level);
}

/* Four character times at the current divisor and frame format, in core
 * cycles: the FIFO timeout (PC16550D, "FIFO Interrupt Mode Operation"). */
static uint64_t timeout_cycles(const struct uart *u)
{
    unsigned wl = 5 + (u->lcr & 3);
    unsigned half_bits = 2 * (1 + wl + ((u->lcr & 0x08) ? 1 : 0));
    half_bits += (u->lcr & 0x04) ? (wl == 5 ? 3 : 4) : 2;   /* 1, 1.5 or 2 stop bits */
    uint64_t divisor = u->divisor ? u->divisor : 65536;      /* 0 counts as 2^16 */
    return clock_cycles_from(&u->m->clock, 4ull * half_bits * 16 * divisor, 2ull * UART_CLOCK_HZ);
}

/* Restart the timeout after a character entered or left the FIFO. */
static void restart_timeout(struct uart *u)
{
    if (fifo_on(u) && u->rx_count)
        timer_arm(&u->m->clock, &u->timeout, clock_now(&u->m->clock) + timeout_cycles(u));
    else
        timer_disarm(&u->m->clock, &u->timeout);
}

static void timeout_fire(void *dev, uint64_t now)
{
    struct uart *u = dev;
    if (fifo_on(u) && u->rx_count) {
        u->timeout_ipending = true;
        update_irq(u);
    }
}

/* A character arrives at the receiver (host line or loopback). With the
 * receiver full it is an overrun: in FIFO mode the character is lost, in
 * 16450 mode it overwrites RBR (PC16550D, LSR bit 1). */
static void rx_push(struct uart *u, uint8_t byte)
{
    unsigned cap = rx_capacity(u);
    if (u->rx_count == cap) {
        u->lsr_err |= LSR_OE;
        if (!fifo_on(u))
            u->rx[u->rx_head] = byte;
    } else {
        u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
        u->rx_count++;
    }
    restart_timeout(u);
}

static void rx_clear(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
    u->timeout_ipending = false;
    timer_disarm(&u->m->clock, &u->timeout);
}

/* Move queued host bytes into the receiver while it has room. In loopback
 * the serial input is disconnected, so they wait. */
static void rx_refill(struct uart *u)
{
    if (u->mcr & MCR_LOOP)
        return;
    while (u->q_len && u->rx_count < rx_capacity(u)) {
        uint8_t b = u->q[u->q_head];
        u->q_head = (u->q_head + 1) & (u->q_cap - 1);
        u->q_len--;
        rx_push(u, b);
    }
}

/* RBR read: a FIFO read clears the timeout indication (PC16550D, IIR
 * table, "reading the receiver buffer register"). */
static uint8_t rx_read(struct uart *u)
{
    if (u->rx_count) {
        u->last_read = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
        u->rx_count--;
    }
    u->timeout_ipending = false;
    restart_timeout(u);
    rx_refill(u);
    update_irq(u);
    return u->last_read;
}

/* THR write clears a THRE interrupt; the byte leaves at once and the
 * holding register is empty again, which raises THRE anew (a falling then
 * rising edge on the line, as silicon gives one character time later). */
static void thr_write(struct uart *u, uint8_t byte)
{
    u->thr_ipending = false;
    update_irq(u);
    if (u->mcr & MCR_LOOP)
        rx_push(u, byte);
    else if (u->out)
        u->out(u->ctx, &byte, 1);
    u->thr_ipending = true;
    update_irq(u);
}

/* IER write. Setting ETBEI while THR is empty raises the THRE interrupt even
 * if an IIR read had cleared it before; Linux's 8250 start-up THRE test and
 * Windows depend on it (as QEMU and Bochs: sampled on the rising edge). */
static void ier_write(struct uart *u, uint8_t v)
{
    v &= 0x0f;
    uint8_t changed = u->ier ^ v;
    u->ier = v;
    if (changed & IER_ETBEI)
        u->thr_ipending = (v & IER_ETBEI) != 0;    /* THR is always empty */
    update_irq(u);
}

/* IIR read: reading it while THRE is the reported source clears THRE
 * (PC16550D, Table IV). Bits 7:6 say the FIFOs are enabled. */
static uint8_t iir_read(struct uart *u)
{
    uint8_t id = iir_id(u);
    if (id == IIR_THRE) {
        u->thr_ipending = false;
        update_irq(u);
    }
    return (uint8_t)(id | (fifo_on(u) ? IIR_FIFO : 0));
}

/* FCR write. Changing bit 0 clears both FIFOs; the other bits are only
 * programmed while bit 0 is written as 1 (PC16550D, FCR description).
 * Clearing the (always empty) transmit FIFO reports THR empty, as QEMU. */
static void fcr_write(struct uart *u, uint8_t v)
{
    bool was_on = fifo_on(u);
    if (!(v & FCR_ENABLE)) {
        if (was_on)
            rx_clear(u);
        u->fcr = 0;
    } else {
        if (!was_on || (v & FCR_RX_CLEAR))
            rx_clear(u);
        if (v & FCR_TX_CLEAR)
            u->thr_ipending = true;
        u->fcr = v & 0xc9;      /* enable, DMA mode select, trigger level */
    }
    rx_refill(u);
    update_irq(u);
}

/* MCR write: in loopback the inputs follow the outputs, so the MSR deltas
 * record the changes (TERI on a falling RI). */
static void mcr_write(struct uart *u, uint8_t v)
{
    uint8_t before = msr_lines(u);
    u->mcr = v & 0x1f;
    uint8_t after = msr_lines(u), diff = before ^ after;
    if (diff & MSR_CTS) u->msr_delta |= MSR_DCTS;
    if (diff & MSR_DSR) u->msr_delta |= MSR_DDSR;
    if ((before & MSR_RI) && !(after & MSR_RI)) u->msr_delta |= MSR_TERI;
    if (diff & MSR_DCD) u->msr_delta |= MSR_DDCD;
    rx_refill(u);
    update_irq(u);
}

static uint8_t reg_read(struct uart *u, unsigned reg)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case 0: return dlab ? (uint8_t)u->divisor : rx_read(u);
    case 1: return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
    case 2: return iir_read(u);
    case 3: return u->lcr;
    case 4: return u->mcr;
    case 5: {
        /* Reading LSR clears OE/PE/FE/BI and so the line-status interrupt. */
        uint8_t v = lsr_value(u);
        u->lsr_err = 0;
        update_irq(u);
        return v;
    }
    case 6: {
        /* Reading MSR clears the delta bits and the modem-status interrupt. */
        uint8_t v = (uint8_t)(msr_lines(u) | u->msr_delta);
        u->msr_delta = 0;
        update_irq(u);
        return v;
    }
    default: return u->scr;
    }
}

static void reg_write(struct uart *u, unsigned reg, uint8_t v)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case 0:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
        else
            thr_write(u, v);
        break;
    case 1:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        else
            ier_write(u, v);
        break;
    case 2: fcr_write(u, v); break;
    case 3: u->lcr = v; break;
    case 4: mcr_write(u, v); break;
    case 7: u->scr = v; break;
    default: break;             /* LSR and MSR are read-only here (factory test only) */
    }
}

/* The UART is an 8-bit device: a wider access is a sequence of byte
 * accesses to consecutive ports, as the ISA bus splits it. */
static uint32_t uart_in(void *dev, uint16_t port, unsigned size)
{
    struct uart *u = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned reg = (uint16_t)(port + i - u->base);
        v |= (uint32_t)(reg < 8 ? reg_read(u, reg) : 0xff) << (8 * i);
    }
    return v;
}

static void uart_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct uart *u = dev;
    for (unsigned i = 0; i < size; i++) {
        unsigned reg = (uint16_t)(port + i - u->base);
        if (reg < 8)
            reg_write(u, reg, (uint8_t)(value >> (8 * i)));
    }
}

static const struct port_ops uart_ports = { uart_in, uart_out };

/* Master reset values (PC16550D, Table III): IER, FCR, LCR, MCR, the
 * interrupt sources and the FIFOs cleared; the divisor latch and SCR are not
 * affected by MR. */
void uart_reset(struct uart *u)
{
    u->ier = u->lcr = u->mcr = u->fcr = 0;
    u->lsr_err = u->msr_delta = 0;
    u->thr_ipending = false;
    rx_clear(u);
    rx_refill(u);
    update_irq(u);
}

struct uart *uart_create(struct machine *m, unsigned index, uint16_t base, unsigned irq,
                         rs_output_fn out, void *ctx, char *err, size_t errlen)
{
    struct uart *u = calloc(1, sizeof(*u));
    if (!u) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    u->m = m;
    u->index = index;
    u->base = base;
    u->irq = irq;
    u->out = out;
    u->ctx = ctx;
    u->divisor = 12;            /* 9600 baud, what a PC BIOS programs */
    timer_init(&u->timeout, timeout_fire, u);
    static const char *names[2] = { "COM1", "COM2" };
    if (bus_add_ports(&m->bus, base, 8, &uart_ports, u, index < 2 ? names[index] : "COM")) {
        snprintf(err, errlen, "COM%u: I/O ports %#x-%#x are already claimed", index + 1,
                 base, base + 7);
        free(u);
        return NULL;
    }
    uart_reset(u);
    return u;
}

void uart_destroy(struct uart *u)
{
    if (!u)
        return;
    timer_disarm(&u->m->clock, &u->timeout);
    free(u->q);
    free(u);
}

/* Append host bytes to the receive queue (a ring that doubles as needed, up
 * to UART_QUEUE_MAX bytes; beyond that bytes are dropped and reported
 * once), then fill the receiver. */
void uart_receive(struct uart *u, const uint8_t *data, size_t len)
{
    size_t room = UART_QUEUE_MAX - u->q_len;
    if (len > room) {
        if (!u->q_dropped_reported)
            machine_log(u->m, "COM%u: receive queue full (%u MiB); dropped %zu bytes of input",
                        u->index + 1, UART_QUEUE_MAX >> 20, len - room);
        u->q_dropped_reported = true;
        len = room;
    }
    if (u->q_len + len > u->q_cap) {
        size_t cap = u->q_cap ? u->q_cap : 256;
        while (cap < u->q_len + len)
            cap *= 2;
        uint8_t *q = malloc(cap);
        if (!q) {
            machine_log(u->m, "COM%u: out of host memory; dropped %zu bytes of input",
                        u->index + 1, len);
            return;
        }
        for (size_t i = 0; i < u->q_len; i++)
            q[i] = u->q[(u->q_head + i) & (u->q_cap - 1)];
        free(u->q);
        u->q = q;
        u->q_cap = cap;
        u->q_head = 0;
    }
    for (size_t i = 0; i < len; i++)
        u->q[(u->q_head + u->q_len + i) & (u->q_cap - 1)] = data[i];
    u->q_len += len;
    rx_refill(u);
    update_irq(u);
}

bool uart_irq_line(const struct uart *u) { return u->line; }

size_t uart_rx_queued(const struct uart *u) { return u->q_len; }

void uart_set_out2_gate(struct uart *u, bool gate)
{
    u->out2_gate = gate;
    update_irq(u);
}
