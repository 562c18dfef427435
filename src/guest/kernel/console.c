/*
 * The serial console (COM1, a 16550A): polled output, interrupt-driven input
 * into a ring buffer that read(0, ...) sleeps on; kprintf; panic with a
 * register dump; power-off. (Linux: drivers/tty/serial/8250, printk, panic;
 * xv6: uart.c, console.c, printf.c.)
 */
#include "kernel.h"

#define COM1 0x3F8

void serial_init(void)
{
    outb(COM1 + 1, 0x00);        /* IER: nothing while we set it up */
    outb(COM1 + 3, 0x80);        /* LCR: DLAB */
    outb(COM1 + 0, 0x01);        /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);        /* 8N1 */
    /* FCR untouched: FIFOs off, as at reset (enabling them would clear input
     * already waiting); one interrupt per received byte. */
    outb(COM1 + 4, 0x0B);        /* DTR, RTS, OUT2 (the IRQ line) */
    outb(COM1 + 1, 0x01);        /* IER: received data available */
}

void serial_putc(char c)
{
    for (int i = 0; i < 1000000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (u8)c);
}

/* ---- input: the receive interrupt fills a ring buffer ---- */
static char rxbuf[256];
static u32 rx_r, rx_w;

void serial_irq(void)
{
    while (inb(COM1 + 5) & 0x01) {
        char c = (char)inb(COM1);
        if (c == '\r')
            c = '\n';                       /* ICRNL, as a tty does */
        if (rx_w - rx_r < sizeof(rxbuf))
            rxbuf[rx_w++ % sizeof(rxbuf)] = c;
    }
    wakeup(rxbuf);
}

/* Read at least one byte: sleep while there is none (the task sleeps, others
 * run, COM1's interrupt wakes it). */
int console_read(char *buf, int n)
{
    serial_irq();                           /* anything the interrupt has not taken yet */
    while (rx_r == rx_w) {
        sleep_on(rxbuf);
        serial_irq();
    }
    int i = 0;
    while (i < n && rx_r != rx_w) {
        char c = rxbuf[rx_r++ % sizeof(rxbuf)];
        buf[i++] = c;
        if (c == '\n')
            break;
    }
    return i;
}

/* ---- kprintf: %d %i %u %x %lx %llx %p %s %c %%, widths and 0 padding ---- */
static void put_num(u64 v, int base, int neg, int width, int zero)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    for (int i = n; i < width; i++)
        serial_putc(zero ? '0' : ' ');
    while (n)
        serial_putc(tmp[--n]);
}

int kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        fmt++;
        int zero = 0, width = 0, lng = 0, left = 0;
        if (*fmt == '-') {
            left = 1;
            fmt++;
        }
        if (*fmt == '0') {
            zero = 1;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            i64 v = lng ? va_arg(ap, i64) : va_arg(ap, int);
            put_num(v < 0 ? (u64)-v : (u64)v, 10, v < 0, width, zero);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, 0, width, zero);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, 0, width, zero);
            break;
        case 'p':
            serial_putc('0');
            serial_putc('x');
            put_num((u64)va_arg(ap, void *), 16, 0, width, zero);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = (int)strlen(s);
            if (!left)
                for (int i = len; i < width; i++)
                    serial_putc(' ');
            while (*s)
                serial_putc(*s++);
            if (left)
                for (int i = len; i < width; i++)
                    serial_putc(' ');
            break;
        }
        case 'c':
            serial_putc((char)va_arg(ap, int));
            break;
        case '%':
            serial_putc('%');
            break;
        default:
            serial_putc('%');
            serial_putc(*fmt);
            break;
        }
    }
    return 0;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    return 0;
}

/* Power off: status 0 through ACPI S5 (PM1a_CNT = 604h, SLP_TYP 0 with SLP_EN:
 * ringscope and QEMU end with status 0); anything else through isa-debug-exit,
 * which ends the run with (status << 1) | 1. */
void poweroff(int status)
{
    __asm__ volatile("cli");
    if (status == 0) {
        outw(0x604, 0x2000);
        /* QEMU powers off asynchronously: give it a few timer ticks before
         * falling back to isa-debug-exit (which would end with status 1). */
        for (u64 until = ticks + 10; ticks < until;)
            __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    outb(0xF4, (u8)status);
    for (;;)
        __asm__ volatile("cli; hlt");
}

#define PANIC_STATUS 0x7F      /* isa-debug-exit: the run ends with status 255 */

void panic(const char *fmt, ...)
{
    __asm__ volatile("cli");
    va_list ap;
    va_start(ap, fmt);
    kprintf("\nkernel panic: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    poweroff(PANIC_STATUS);
}

void panic_regs(struct pt_regs *r, const char *fmt, ...)
{
    __asm__ volatile("cli");
    va_list ap;
    va_start(ap, fmt);
    kprintf("\nkernel panic: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    kprintf(" RIP %016lx  CS %04lx  RFLAGS %016lx  RSP %016lx  SS %04lx\n",
            r->ip, r->cs, r->flags, r->sp, r->ss);
    kprintf(" RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", r->ax, r->bx, r->cx, r->dx);
    kprintf(" RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n", r->si, r->di, r->bp, r->r8);
    kprintf(" R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
    kprintf(" R13 %016lx  R14 %016lx  R15 %016lx\n", r->r13, r->r14, r->r15);
    kprintf(" vector %lu  error %lx  CR2 %016lx  CR3 %016lx  task %s (pid %d)\n", r->entry,
            r->orig_ax, read_cr2(), read_cr3(), current ? current->name : "-",
            current ? current->pid : -1);
    poweroff(PANIC_STATUS);
}
