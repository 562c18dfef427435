/* 64-bit system calls: SYSCALL with the number in RAX and the arguments in
 * RDI, RSI, RDX; the result in RAX; RCX and R11 are clobbered (abi.h). */
#include "ulib.h"

long sys64_syscall(long nr, long a, long b, long c)
{
    long r;
    __asm__ __volatile__("syscall"
                         : "=a"(r)
                         : "0"(nr), "D"(a), "S"(b), "d"(c)
                         : "rcx", "r11", "memory");
    return r;
}

long sys_read(int fd, void *buf, size_t n)   { return sys64_syscall(SYS64_read, fd, (long)buf, (long)n); }
long sys_write(int fd, const void *buf, size_t n) { return sys64_syscall(SYS64_write, fd, (long)buf, (long)n); }
long sys_close(int fd)                       { return sys64_syscall(SYS64_close, fd, 0, 0); }
long sys_pipe(int fds[2])                    { return sys64_syscall(SYS64_pipe, (long)fds, 0, 0); }
long sys_yield(void)                         { return sys64_syscall(SYS64_sched_yield, 0, 0, 0); }
long sys_getpid(void)                        { return sys64_syscall(SYS64_getpid, 0, 0, 0); }
long sys_wait(long pid, int *status)         { return sys64_syscall(SYS64_wait, pid, (long)status, 0); }
long sys_sleep(long ticks)                   { return sys64_syscall(SYS_sleep, ticks, 0, 0); }
long sys_spawn(const char *name, const char *args) { return sys64_syscall(SYS_spawn, (long)name, (long)args, 0); }
long sys_ticks(void)                         { return sys64_syscall(SYS_ticks, 0, 0, 0); }
long sys_poweroff(int status)                { return sys64_syscall(SYS_poweroff, status, 0, 0); }

void sys_exit(int code)
{
    for (;;)
        sys64_syscall(SYS64_exit, code, 0, 0);
}
