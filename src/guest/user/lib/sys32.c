/* 32-bit (compatibility-mode) system calls: number in EAX, arguments in
 * EBX, ECX, EDX, result in EAX (abi.h); entered by INT 0x80, or by a CALL
 * to __kernel_vsyscall at the start of the vDSO page (VDSO32_ADDR), which
 * executes SYSENTER like Linux's. __kernel_vsyscall is expected to preserve
 * every register but EAX, as Linux's does; ECX and EDX are treated as
 * clobbered here all the same, since SYSEXIT consumes them. */
#include "ulib.h"

static int use_sysenter;

void sys32_use_sysenter(int on) { use_sysenter = on; }

long sys32_int80(long nr, long a, long b, long c)
{
    long r;
    __asm__ __volatile__("int $0x80"
                         : "=a"(r), "+b"(a), "+c"(b), "+d"(c)
                         : "0"(nr)
                         : "memory");
    return r;
}

long sys32_vsyscall(long nr, long a, long b, long c)
{
    long r;
    __asm__ __volatile__("call *%[vsys]"
                         : "=a"(r), "+b"(a), "+c"(b), "+d"(c)
                         : "0"(nr), [vsys] "S"(VDSO32_ADDR)
                         : "memory");
    return r;
}

static long sc(long nr, long a, long b, long c)
{
    return use_sysenter ? sys32_vsyscall(nr, a, b, c) : sys32_int80(nr, a, b, c);
}

long sys_read(int fd, void *buf, size_t n)   { return sc(SYS32_read, fd, (long)buf, (long)n); }
long sys_write(int fd, const void *buf, size_t n) { return sc(SYS32_write, fd, (long)buf, (long)n); }
long sys_close(int fd)                       { return sc(SYS32_close, fd, 0, 0); }
long sys_pipe(int fds[2])                    { return sc(SYS32_pipe, (long)fds, 0, 0); }
long sys_yield(void)                         { return sc(SYS32_sched_yield, 0, 0, 0); }
long sys_getpid(void)                        { return sc(SYS32_getpid, 0, 0, 0); }
long sys_wait(long pid, int *status)         { return sc(SYS32_wait, pid, (long)status, 0); }
long sys_sleep(long ticks)                   { return sc(SYS_sleep, ticks, 0, 0); }
long sys_spawn(const char *name, const char *args) { return sc(SYS_spawn, (long)name, (long)args, 0); }
long sys_ticks(void)                         { return sc(SYS_ticks, 0, 0, 0); }
long sys_poweroff(int status)                { return sc(SYS_poweroff, status, 0, 0); }

void sys_exit(int code)
{
    for (;;)
        sc(SYS32_exit, code, 0, 0);
}
