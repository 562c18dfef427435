/*
 * The test kernels' freestanding library (klib.c): COM1 and port E9 output,
 * a small printf, COM1 input, and isa-debug-exit. Built for 32-bit and for
 * 64-bit code (tests/boot/CMakeLists.txt); nothing here divides 64-bit
 * numbers, so the 32-bit build needs no libgcc.
 */
#ifndef KLIB_H
#define KLIB_H

#include <stdarg.h>
#include <stdint.h>

#define EXIT_PORT 0xf4
#define EXIT_PASS 0x10      /* QEMU and ringscope exit with (0x10 << 1) | 1 = 33 */
#define EXIT_FAIL 0x11      /* 35 */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void com1_init(void);
/* The transcript: COM1, which ringscope and QEMU both show. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Loader-specific details: port E9, shown by ringscope (QEMU runs without
 * a debug console, so they are not part of the cross-check). */
void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One byte from COM1, or -1 if none arrives within a bounded wait. */
int com1_getc(void);
__attribute__((noreturn)) void kexit(uint8_t code);

/* %s %c %u %d %x with an optional width, 0-padded with a leading 0 (%08x). */
int kvsnprintf(char *buf, unsigned size, const char *fmt, va_list ap);

unsigned kstrlen(const char *s);
int kstrncmp(const char *a, const char *b, unsigned n);
const char *kstrstr(const char *hay, const char *needle);

#endif
