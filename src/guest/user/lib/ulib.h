/*
 * The user programs' tiny runtime: system-call wrappers, printf, string
 * helpers, rdtsc. One header for both architectures; lib/sys64.c or
 * lib/sys32.c provides the calls (64-bit: SYSCALL; 32-bit: INT 0x80, or
 * SYSENTER through __kernel_vsyscall when sys32_use_sysenter(1) was called).
 */
#ifndef GUEST_ULIB_H
#define GUEST_ULIB_H

#include "abi.h"

typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned long size_t;
typedef long ssize_t;

#define NULL ((void *)0)

/* System calls: results are >= 0, or -errno. */
long sys_read(int fd, void *buf, size_t n);
long sys_write(int fd, const void *buf, size_t n);
long sys_close(int fd);
long sys_pipe(int fds[2]);
long sys_yield(void);
long sys_getpid(void);
void sys_exit(int code) __attribute__((noreturn));
long sys_wait(long pid, int *status);        /* pid or -1 -> pid reaped */
long sys_sleep(long ticks);
long sys_spawn(const char *name, const char *args);   /* -> pid */
long sys_ticks(void);
long sys_poweroff(int status);

#ifdef __i386__
/* Select the 32-bit entry mechanism: 0 = INT 0x80 (default), 1 = SYSENTER
 * through __kernel_vsyscall at VDSO32_ADDR. */
void sys32_use_sysenter(int on);
long sys32_int80(long nr, long a, long b, long c);
long sys32_vsyscall(long nr, long a, long b, long c);
#else
long sys64_syscall(long nr, long a, long b, long c);
#endif

/* The program's entry point, called by crt0 with the argument string. */
int main(const char *args);

/* Output: printf to fd 1. Formats: %d %i %u %x %s %c %p %%, with the
 * l / ll length modifiers (%ld %lu %lx %llu %lld %llx) and a field width
 * (%5d, %-8s, %08x). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int puts(const char *s);                      /* s and a newline */
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Strings and memory. */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *d, const char *s);
char *strchr(const char *s, int c);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* Parse a decimal number at *s (skipping leading blanks); advances *s. */
long strtol_dec(const char **s);
/* Copy the next blank-separated word of *s into buf (size n); advances *s.
 * Returns the word's length, 0 at the end of the string. */
size_t next_word(const char **s, char *buf, size_t n);
/* Does the blank-separated word list `s` contain `word`? */
int has_word(const char *s, const char *word);

/* Read / write exactly n bytes (looping over short transfers);
 * returns n, or the first error / 0 at end of file. */
long read_full(int fd, void *buf, size_t n);
long write_full(int fd, const void *buf, size_t n);

/* Time stamp counter. */
static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

/* Sort n values ascending and return the median. */
u64 median_u64(u64 *v, int n);

/* Describe a wait status like "exited 0" / "killed by #PF (vector 14)". */
const char *wait_status_str(int status, char *buf, size_t n);
const char *vector_name(int vector);

#endif
