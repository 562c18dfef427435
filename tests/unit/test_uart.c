/*
 * The 16550A UART on a PC made by rs_create_pc: registers, loopback, the
 * divisor latch, FIFO trigger levels, every interrupt source with its
 * priority and how it is cleared, the character timeout in virtual time,
 * the host receive queue, OUT2 gating, and receive interrupts delivered to
 * a guest through the PIC.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pc.h"
#include "devices/uart.h"
#include "machine.h"
#include "ringscope/ringscope.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
       MSR = 6, SCR = 7 };

#define COM1 0x3f8
#define COM2 0x2f8
#define CPU_HZ 10000000ull          /* 10 MHz: character times are short in cycles */
#define SPIN 0x20000                /* a `jmp $` loop that lets virtual time pass */

static rs_machine *rm;
static struct machine *m;
static struct uart *u;
static uint8_t tx[4096];
static size_t tx_len;

static void capture(void *ctx, const uint8_t *data, size_t len)
{
    ck_assert_uint_le(tx_len + len, sizeof(tx));
    memcpy(tx + tx_len, data, len);
    tx_len += len;
}

static void setup(void)
{
    rs_pc_config cfg = { 0 };
    char err[128];
    cfg.cpu_hz = CPU_HZ;
    cfg.serial_out[0] = capture;
    tx_len = 0;
    ck_assert_int_eq(rs_create_pc(&cfg, &rm, err, sizeof(err)), RS_OK);
    ck_assert_int_eq(rs_set_cpu_model(rm, "one-cycle"), RS_OK);   /* timings count insns */
    m = (struct machine *)rm;       /* rs_machine is a struct machine (api.c) */
    u = m->pc->com[0];
    ck_assert_ptr_nonnull(u);
    static const uint8_t spin[] = { 0xeb, 0xfe };
    ck_assert_int_eq(rs_write_phys(rm, SPIN, spin, sizeof(spin)), RS_OK);
    ck_assert_int_eq(rs_set_mode(rm, RS_MODE_LONG64, 0), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, SPIN), RS_OK);
}

static void teardown(void)
{
    rs_destroy(rm);
}

static uint8_t in(unsigned reg) { return (uint8_t)bus_in(&m->bus, COM1 + reg, 1); }
static void out(unsigned reg, uint8_t v) { bus_out(&m->bus, COM1 + reg, 1, v); }

/* Let `cycles` of virtual time pass with the guest spinning. */
static void advance(uint64_t cycles)
{
    uint64_t target = m->cpu.cycles + cycles;
    while (m->cpu.cycles < target)
        ck_assert_int_eq(machine_run(m, target - m->cpu.cycles), RS_STOP_BUDGET);
}

/* Cycles of four characters at `divisor`, 10 bits per character (8N1). */
static uint64_t four_chars(unsigned divisor)
{
    return 4ull * 10 * 16 * divisor * CPU_HZ / 1843200;
}

START_TEST(reset_values)
{
    ck_assert_uint_eq(in(IER), 0x00);
    ck_assert_uint_eq(in(IIR), 0x01);
    ck_assert_uint_eq(in(LCR), 0x00);
    ck_assert_uint_eq(in(MCR), 0x00);
    ck_assert_uint_eq(in(LSR), 0x60);           /* THRE | TEMT */
    ck_assert_uint_eq(in(MSR), 0xb0);           /* DCD | DSR | CTS from the far end */
    out(SCR, 0x5a);
    ck_assert_uint_eq(in(SCR), 0x5a);
    ck_assert(!uart_irq_line(u));
    /* COM2 is a separate UART at 0x2F8. */
    bus_out(&m->bus, COM2 + SCR, 1, 0xa5);
    ck_assert_uint_eq(bus_in(&m->bus, COM2 + SCR, 1), 0xa5);
    ck_assert_uint_eq(in(SCR), 0x5a);
    ck_assert_uint_eq(bus_in(&m->bus, COM2 + LSR, 1), 0x60);
}
END_TEST

START_TEST(divisor_latch)
{
    out(IER, 0x0f);
    out(LCR, 0x83);                             /* DLAB */
    ck_assert_uint_eq(in(DLL), 12);             /* 9600 baud until programmed */
    ck_assert_uint_eq(in(DLM), 0);
    out(DLL, 0x01);
    out(DLM, 0x02);
    ck_assert_uint_eq(in(DLL), 0x01);
    ck_assert_uint_eq(in(DLM), 0x02);
    ck_assert_uint_eq(in(LCR), 0x83);
    out(LCR, 0x03);
    ck_assert_uint_eq(in(IER), 0x0f);           /* offset 1 is IER again */
    out(THR, 'x');                              /* offset 0 is THR again */
    ck_assert_uint_eq(tx_len, 1);
    out(LCR, 0x80);
    ck_assert_uint_eq(in(DLL) | in(DLM) << 8, 0x0201);
    out(IER, 0x00);                             /* writes the latch, not IER */
    out(LCR, 0x00);
    ck_assert_uint_eq(in(IER), 0x0f);
}
END_TEST

START_TEST(transmit)
{
    const char *s = "hello, world\n";
    for (const char *p = s; *p; p++) {
        ck_assert(in(LSR) & 0x20);
        out(THR, (uint8_t)*p);
    }
    ck_assert_uint_eq(tx_len, strlen(s));
    ck_assert(memcmp(tx, s, tx_len) == 0);
    ck_assert_uint_eq(in(LSR), 0x60);
}
END_TEST

START_TEST(loopback)
{
    out(MCR, 0x10);
    out(THR, 0x42);
    ck_assert_uint_eq(tx_len, 0);               /* nothing leaves the chip */
    ck_assert_uint_eq(in(LSR), 0x61);
    ck_assert_uint_eq(in(RBR), 0x42);
    ck_assert_uint_eq(in(LSR), 0x60);
    /* Entering loopback dropped CTS, DSR and DCD: deltas recorded. */
    ck_assert_uint_eq(in(MSR), 0x0b);
    ck_assert_uint_eq(in(MSR), 0x00);
    /* RTS -> CTS, DTR -> DSR, OUT1 -> RI, OUT2 -> DCD. */
    out(MCR, 0x12);
    ck_assert_uint_eq(in(MSR), 0x11);
    out(MCR, 0x11);
    ck_assert_uint_eq(in(MSR), 0x23);
    out(MCR, 0x14);
    ck_assert_uint_eq(in(MSR), 0x42);           /* RI rises: no TERI yet */
    out(MCR, 0x18);
    ck_assert_uint_eq(in(MSR), 0x8c);           /* RI fell: TERI; DCD rose: DDCD */
    out(MCR, 0x1f);
    ck_assert_uint_eq(in(MSR) & 0xf0, 0xf0);
    /* Linux's autoconfig check: LOOP | OUT2 | RTS reads DCD | CTS. */
    out(MCR, 0x1a);
    ck_assert_uint_eq(in(MSR) & 0xf0, 0x90);
    out(MCR, 0x00);
    ck_assert_uint_eq(in(MSR) & 0xf0, 0xb0);
    out(THR, 'z');
    ck_assert_uint_eq(tx_len, 1);
}
END_TEST

START_TEST(fifo_trigger_levels)
{
    static const unsigned level[4] = { 1, 4, 8, 14 };
    out(MCR, 0x10);
    out(IER, 0x01);
    for (unsigned t = 0; t < 4; t++) {
        out(FCR, (uint8_t)(0x07 | t << 6));     /* enable, clear both */
        ck_assert_uint_eq(in(IIR), 0xc1);       /* FIFOs enabled, nothing pending */
        for (unsigned n = 1; n <= 16; n++) {
            out(THR, (uint8_t)n);
            ck_assert_uint_eq(in(IIR), n >= level[t] ? 0xc4 : 0xc1);
            ck_assert_int_eq(uart_irq_line(u), n >= level[t]);
        }
        /* Reading below the trigger level clears the interrupt. */
        for (unsigned n = 16; n > 0; n--) {
            ck_assert_uint_eq(in(RBR), 17 - n);
            ck_assert_uint_eq(in(IIR), n - 1 >= level[t] ? 0xc4 : 0xc1);
        }
    }
    /* FIFOs off: 16450 mode, one byte, IIR bits 7:6 clear. */
    out(FCR, 0x00);
    ck_assert_uint_eq(in(IIR), 0x01);
    out(THR, 'a');
    ck_assert_uint_eq(in(IIR), 0x04);
}
END_TEST

START_TEST(fifo_overrun_and_clear)
{
    out(MCR, 0x10);
    out(FCR, 0xc7);
    for (unsigned n = 0; n < 17; n++)
        out(THR, (uint8_t)('a' + n));
    ck_assert_uint_eq(in(LSR), 0x63);           /* DR | OE */
    ck_assert_uint_eq(in(LSR), 0x61);           /* reading LSR cleared OE */
    for (unsigned n = 0; n < 16; n++)
        ck_assert_uint_eq(in(RBR), 'a' + n);    /* the 17th character was lost */
    ck_assert_uint_eq(in(LSR), 0x60);
    /* FCR bit 1 empties the receive FIFO. */
    out(THR, 'x');
    out(THR, 'y');
    out(FCR, 0xc3);
    ck_assert_uint_eq(in(LSR), 0x60);
    /* 16450 mode: an overrun overwrites RBR. */
    out(FCR, 0x00);
    out(THR, '1');
    out(THR, '2');
    ck_assert_uint_eq(in(LSR), 0x63);
    ck_assert_uint_eq(in(RBR), '2');
    ck_assert_uint_eq(in(LSR), 0x60);
}
END_TEST

/* Every source at once, then cleared one by one in priority order. */
START_TEST(interrupt_priority)
{
    out(MCR, 0x10);
    out(FCR, 0x01);                             /* FIFO, trigger level 1 */
    for (unsigned n = 0; n < 17; n++)           /* data + overrun */
        out(THR, (uint8_t)n);
    out(MCR, 0x12);                             /* DCTS */
    out(IER, 0x0f);                             /* ETBEI rising: THRE pending */
    ck_assert(uart_irq_line(u));
    ck_assert_uint_eq(in(IIR), 0xc6);           /* line status first */
    ck_assert_uint_eq(in(IIR), 0xc6);           /* an IIR read does not clear it */
    in(LSR);
    ck_assert_uint_eq(in(IIR), 0xc4);           /* received data */
    for (unsigned n = 0; n < 16; n++)
        in(RBR);
    ck_assert_uint_eq(in(IIR), 0xc2);           /* THR empty; this read clears it */
    ck_assert_uint_eq(in(IIR), 0xc0);           /* modem status */
    ck_assert(uart_irq_line(u));
    in(MSR);
    ck_assert_uint_eq(in(IIR), 0xc1);
    ck_assert(!uart_irq_line(u));
}
END_TEST

START_TEST(thre_interrupt)
{
    out(IER, 0x02);                             /* enabling ETBEI with THR empty */
    ck_assert(uart_irq_line(u));
    ck_assert_uint_eq(in(IIR), 0x02);
    ck_assert(!uart_irq_line(u));               /* the IIR read cleared it */
    ck_assert_uint_eq(in(IIR), 0x01);
    out(IER, 0x02);                             /* no rising edge: stays clear */
    ck_assert_uint_eq(in(IIR), 0x01);
    out(THR, 'a');                              /* sent; THR empty again */
    ck_assert(uart_irq_line(u));
    ck_assert_uint_eq(in(IIR), 0x02);
    /* Linux's start-up test: IER = THRI, IIR, IER = 0, IER = THRI, IIR. */
    out(IER, 0x00);
    out(IER, 0x02);
    ck_assert_uint_eq(in(IIR), 0x02);
    out(THR, 'b');
    out(IER, 0x00);                             /* disabling drops the line */
    ck_assert(!uart_irq_line(u));
    ck_assert_uint_eq(in(IIR), 0x01);
    /* Clearing the transmit FIFO reports THR empty. */
    out(IER, 0x02);
    in(IIR);
    out(FCR, 0x05);
    ck_assert_uint_eq(in(IIR), 0xc2);
}
END_TEST

START_TEST(receive_interrupt_and_queue)
{
    uint8_t data[100];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 3);
    out(IER, 0x01);
    ck_assert_int_eq(rs_serial_input(rm, 0, data, sizeof(data)), RS_OK);
    /* 16450 mode: one byte in RBR, 99 waiting. */
    ck_assert_uint_eq(uart_rx_queued(u), 99);
    ck_assert_uint_eq(in(IIR), 0x04);
    ck_assert(uart_irq_line(u));
    for (unsigned i = 0; i < 50; i++) {
        ck_assert_uint_eq(in(LSR), 0x61);
        ck_assert_uint_eq(in(RBR), data[i]);
    }
    /* FIFO mode: the FIFO fills from the queue as it has room. */
    out(FCR, 0x81);                             /* enable: clears the FIFO (data[50] gone) */
    ck_assert_uint_eq(uart_rx_queued(u), 49 - 16);
    ck_assert_uint_eq(in(IIR), 0xc4);
    for (unsigned i = 51; i < 100; i++) {
        ck_assert_uint_eq(in(LSR) & 0x03, 0x01);    /* never an overrun */
        ck_assert_uint_eq(in(RBR), data[i]);
    }
    ck_assert_uint_eq(in(LSR), 0x60);
    ck_assert_uint_eq(in(IIR), 0xc1);
    ck_assert(!uart_irq_line(u));
    ck_assert_uint_eq(uart_rx_queued(u), 0);
    /* Input waits while in loopback (the serial input is disconnected). */
    out(MCR, 0x10);
    ck_assert_int_eq(rs_serial_input(rm, 0, (const uint8_t *)"q", 1), RS_OK);
    ck_assert_uint_eq(in(LSR), 0x60);
    out(MCR, 0x00);
    ck_assert_uint_eq(in(LSR), 0x61);
    ck_assert_uint_eq(in(RBR), 'q');
    /* A large burst is queued whole. */
    static uint8_t big[1 << 20];
    memset(big, 'b', sizeof(big));
    ck_assert_int_eq(rs_serial_input(rm, 0, big, sizeof(big)), RS_OK);
    ck_assert_uint_eq(uart_rx_queued(u) + 16, sizeof(big));
    ck_assert_int_eq(rs_serial_input(rm, 2, big, 1), RS_ERR_ARG);
}
END_TEST

/* The FIFO character timeout: data below the trigger level raises IIR 0xCC
 * after four character times without a read or a new character. */
START_TEST(character_timeout)
{
    out(LCR, 0x83);
    out(DLL, 1);                                /* 115200 baud */
    out(DLM, 0);
    out(LCR, 0x03);
    out(FCR, 0x81);                             /* trigger level 8 */
    out(IER, 0x01);
    ck_assert_int_eq(rs_serial_input(rm, 0, (const uint8_t *)"abc", 3), RS_OK);
    ck_assert_uint_eq(in(IIR), 0xc1);
    uint64_t t = four_chars(1);
    advance(t - 5);
    ck_assert_uint_eq(in(IIR), 0xc1);
    ck_assert(!uart_irq_line(u));
    advance(10);
    ck_assert(uart_irq_line(u));
    ck_assert_uint_eq(in(IIR), 0xcc);
    ck_assert_uint_eq(in(RBR), 'a');            /* a read clears the timeout */
    ck_assert_uint_eq(in(IIR), 0xc1);
    ck_assert(!uart_irq_line(u));
    advance(t + 5);                             /* and restarts it */
    ck_assert_uint_eq(in(IIR), 0xcc);
    ck_assert_uint_eq(in(RBR), 'b');
    ck_assert_uint_eq(in(RBR), 'c');
    advance(2 * t);                             /* empty FIFO: no timeout */
    ck_assert_uint_eq(in(IIR), 0xc1);
    /* Timeout interrupts need ERBFI. */
    out(IER, 0x00);
    ck_assert_int_eq(rs_serial_input(rm, 0, (const uint8_t *)"d", 1), RS_OK);
    advance(2 * t);
    ck_assert_uint_eq(in(IIR), 0xc1);
    out(IER, 0x01);
    ck_assert_uint_eq(in(IIR), 0xcc);
}
END_TEST

START_TEST(modem_status_interrupt)
{
    out(IER, 0x08);
    ck_assert_uint_eq(in(IIR), 0x01);
    out(MCR, 0x10);                             /* inputs change on entering loopback */
    ck_assert_uint_eq(in(IIR), 0x00);
    ck_assert(uart_irq_line(u));
    ck_assert_uint_eq(in(MSR), 0x0b);
    ck_assert_uint_eq(in(IIR), 0x01);
    ck_assert(!uart_irq_line(u));
    out(MCR, 0x14);
    out(MCR, 0x10);                             /* RI trailing edge */
    ck_assert_uint_eq(in(IIR), 0x00);
    ck_assert_uint_eq(in(MSR), 0x04);
}
END_TEST

START_TEST(out2_gating)
{
    out(IER, 0x02);
    ck_assert(uart_irq_line(u));                /* default: not gated (as QEMU) */
    uart_set_out2_gate(u, true);
    ck_assert(!uart_irq_line(u));               /* MCR.OUT2 = 0 holds the line low */
    out(MCR, 0x08);
    ck_assert(uart_irq_line(u));
    out(MCR, 0x00);
    ck_assert(!uart_irq_line(u));
    ck_assert_uint_eq(in(IIR), 0x02);           /* the source itself is pending */
    out(MCR, 0x08);
    ck_assert(!uart_irq_line(u));               /* and that read cleared it */
    out(THR, 'x');
    ck_assert(uart_irq_line(u));
    uart_set_out2_gate(u, false);
    ck_assert(uart_irq_line(u));
}
END_TEST

START_TEST(master_reset)
{
    out(LCR, 0x83);
    out(DLL, 3);
    out(LCR, 0x03);
    out(IER, 0x0f);
    out(FCR, 0xc1);
    out(MCR, 0x1f);
    out(SCR, 0x77);
    uart_reset(u);
    ck_assert_uint_eq(in(IER), 0);
    ck_assert_uint_eq(in(IIR), 0x01);
    ck_assert_uint_eq(in(MCR), 0);
    ck_assert_uint_eq(in(SCR), 0x77);           /* not affected by MR */
    out(LCR, 0x80);
    ck_assert_uint_eq(in(DLL), 3);              /* nor is the divisor latch */
    ck_assert(!uart_irq_line(u));
}
END_TEST

/* A guest programs the PIC and the UART, spins with interrupts enabled,
 * and echoes each received byte from its IRQ 4 handler to the debug
 * console. (It spins rather than halts: an rs_run budget counts steps, and
 * a halted CPU fast-forwarding through PIT deadlines takes none.) */
static uint8_t debugcon[64];
static size_t debugcon_len;

static void debugcon_capture(void *ctx, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len && debugcon_len < sizeof(debugcon); i++)
        debugcon[debugcon_len++] = data[i];
}

START_TEST(guest_receive_interrupts)
{
    rs_destroy(rm);
    rs_pc_config cfg = { 0 };
    char err[128];
    cfg.cpu_hz = CPU_HZ;
    cfg.debugcon_out = debugcon_capture;
    debugcon_len = 0;
    ck_assert_int_eq(rs_create_pc(&cfg, &rm, err, sizeof(err)), RS_OK);
    ck_assert_int_eq(rs_set_cpu_model(rm, "one-cycle"), RS_OK);   /* timings count insns */
    m = (struct machine *)rm;
    if (!m->pc->pic)
        return;                                 /* no PIC in this build yet */
    /* Real mode at 0x7c00; the IVT entry for vector 0x0C points at 0x7d00. */
    static const uint8_t code[] = {
        0xfa,                                   /* cli */
        0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0,     /* xor ax,ax; mov ds,ax; mov ss,ax */
        0xbc, 0x00, 0x7c,                       /* mov sp, 0x7c00 */
        0xc7, 0x06, 0x30, 0x00, 0x00, 0x7d,     /* mov word [0x30], 0x7d00 */
        0xc7, 0x06, 0x32, 0x00, 0x00, 0x00,     /* mov word [0x32], 0 */
        0xb0, 0x11, 0xe6, 0x20,                 /* ICW1 */
        0xb0, 0x08, 0xe6, 0x21,                 /* ICW2: vectors 8-15 */
        0xb0, 0x04, 0xe6, 0x21,                 /* ICW3 */
        0xb0, 0x01, 0xe6, 0x21,                 /* ICW4 */
        0xb0, 0xef, 0xe6, 0x21,                 /* OCW1: only IRQ 4 */
        0xba, 0xf9, 0x03, 0xb0, 0x01, 0xee,     /* IER = ERBFI */
        0xba, 0xfc, 0x03, 0xb0, 0x08, 0xee,     /* MCR = OUT2 */
        0xfb,                                   /* sti */
        0xeb, 0xfe,                             /* 1: jmp 1b (no HLT: see below) */
    };
    static const uint8_t isr[] = {
        0x50, 0x52,                             /* push ax; push dx */
        0xba, 0xfd, 0x03, 0xec,                 /* 1: in al, LSR */
        0xa8, 0x01, 0x74, 0x08,                 /* test al,1; jz 2f */
        0xba, 0xf8, 0x03, 0xec,                 /* in al, RBR */
        0xe6, 0xe9,                             /* out 0xe9, al */
        0xeb, 0xf0,                             /* jmp 1b */
        0xb0, 0x20, 0xe6, 0x20,                 /* 2: EOI */
        0x5a, 0x58, 0xcf,                       /* pop dx; pop ax; iret */
    };
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x7d00, isr, sizeof(isr)), RS_OK);
    rs_segment cs = { 0, 0x9b, 0xffff, 0 };
    ck_assert_int_eq(rs_set_segment(rm, RS_CS, &cs), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, 0x7c00), RS_OK);
    rs_stop why;
    ck_assert_int_eq(rs_run(rm, 10000, &why, NULL), RS_OK);
    ck_assert_uint_eq(debugcon_len, 0);
    ck_assert_int_eq(rs_serial_input(rm, 0, (const uint8_t *)"ping", 4), RS_OK);
    ck_assert_int_eq(rs_run(rm, 10000, &why, NULL), RS_OK);
    ck_assert_uint_eq(debugcon_len, 4);
    ck_assert(memcmp(debugcon, "ping", 4) == 0);
    ck_assert_int_eq(rs_serial_input(rm, 0, (const uint8_t *)"!", 1), RS_OK);
    ck_assert_int_eq(rs_run(rm, 10000, &why, NULL), RS_OK);
    ck_assert_uint_eq(debugcon_len, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uart");
    TCase *tc = tcase_create("16550A");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_values);
    tcase_add_test(tc, divisor_latch);
    tcase_add_test(tc, transmit);
    tcase_add_test(tc, loopback);
    tcase_add_test(tc, fifo_trigger_levels);
    tcase_add_test(tc, fifo_overrun_and_clear);
    tcase_add_test(tc, interrupt_priority);
    tcase_add_test(tc, thre_interrupt);
    tcase_add_test(tc, receive_interrupt_and_queue);
    tcase_add_test(tc, character_timeout);
    tcase_add_test(tc, modem_status_interrupt);
    tcase_add_test(tc, out2_gating);
    tcase_add_test(tc, master_reset);
    tcase_add_test(tc, guest_receive_interrupts);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
