/* The test kernels' freestanding library (klib.h). */
#include "klib.h"

#define COM1 0x3f8
#define LSR_DR 0x01         /* 16550 line status: receiver data ready */
#define LSR_THRE 0x20       /* transmit holding register empty */

void com1_init(void)
{
    outb(COM1 + 1, 0x00);   /* IER: no interrupts */
    outb(COM1 + 3, 0x80);   /* LCR: DLAB */
    outb(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    /* FCR is left alone: enabling or clearing the FIFOs would drop bytes
     * already received (16550A datasheet, FCR bits 0-1), e.g. --input. */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void com1_putc(char c)
{
    /* Bounded: a missing UART reads all-ones (THRE set) anyway. */
    for (unsigned i = 0; i < 1000000 && !(inb(COM1 + 5) & LSR_THRE); i++)
        ;
    outb(COM1, (uint8_t)c);
}

int com1_getc(void)
{
    for (unsigned i = 0; i < 2000000; i++) {
        uint8_t lsr = inb(COM1 + 5);
        if (lsr == 0xff)
            return -1;      /* no UART */
        if (lsr & LSR_DR)
            return inb(COM1);
    }
    return -1;
}

void kexit(uint8_t code)
{
    outb(EXIT_PORT, code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

unsigned kstrlen(const char *s)
{
    unsigned n = 0;
    while (s[n])
        n++;
    return n;
}

int kstrncmp(const char *a, const char *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
        if (!a[i])
            return 0;
    }
    return 0;
}

const char *kstrstr(const char *hay, const char *needle)
{
    unsigned n = kstrlen(needle);
    for (; *hay; hay++)
        if (!kstrncmp(hay, needle, n))
            return hay;
    return 0;
}

struct out {
    char *buf;
    unsigned size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, unsigned width, char pad)
{
    char tmp[24];
    unsigned n = 0;
    if (base == 16) {
        do {
            tmp[n++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v);
    } else {
        uint32_t w = (uint32_t)v;  /* decimals are 32-bit: no 64-bit division */
        do {
            tmp[n++] = (char)('0' + w % 10);
            w /= 10;
        } while (w);
    }
    while (n < width--)
        put(o, pad);
    while (n)
        put(o, tmp[--n]);
}

int kvsnprintf(char *buf, unsigned size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        unsigned width = 0;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned)(*fmt++ - '0');
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (; *s; s++)
                put(&o, *s);
            break;
        }
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case 'u': put_num(&o, va_arg(ap, unsigned), 10, width, pad); break;
        case 'd': {
            int v = va_arg(ap, int);
            if (v < 0) {
                put(&o, '-');
                v = -v;
            }
            put_num(&o, (unsigned)v, 10, width, pad);
            break;
        }
        case 'x':
            put_num(&o, va_arg(ap, unsigned), 16, width, pad);
            break;
        case '%': put(&o, '%'); break;
        default: put(&o, '?'); break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
    return (int)o.len;
}

void say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++)
        com1_putc(*p);
}

void dbg(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++)
        outb(0xe9, (uint8_t)*p);
}
