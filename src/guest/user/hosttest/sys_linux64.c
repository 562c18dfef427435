/* Host test only: the guest ABI's calls on Linux, so the 64-bit programs'
 * logic can run as Linux processes. read/write/close/pipe/sched_yield/getpid/
 * exit have the same numbers; wait converts Linux's status (a SIGSEGV is
 * reported as #PF, vector 14 -- Linux cannot tell #PF from #GP here); spawn
 * is fork + execve("./NAME", {NAME, ARGS}); ticks are 10 ms units of
 * CLOCK_MONOTONIC; poweroff is exit_group. */
#include "ulib.h"

long sys64_syscall(long nr, long a, long b, long c)
{
    long r;
    __asm__ __volatile__("syscall" : "=a"(r) : "0"(nr), "D"(a), "S"(b), "d"(c)
                         : "rcx", "r11", "memory");
    return r;
}
static long sc4(long nr, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ __volatile__("syscall" : "=a"(r) : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                         : "rcx", "r11", "memory");
    return r;
}

long sys_read(int fd, void *buf, size_t n)   { return sys64_syscall(0, fd, (long)buf, (long)n); }
long sys_write(int fd, const void *buf, size_t n) { return sys64_syscall(1, fd, (long)buf, (long)n); }
long sys_close(int fd)                       { return sys64_syscall(3, fd, 0, 0); }
long sys_pipe(int fds[2])                    { return sys64_syscall(22, (long)fds, 0, 0); }
long sys_yield(void)                         { return sys64_syscall(24, 0, 0, 0); }
long sys_getpid(void)                        { return sys64_syscall(39, 0, 0, 0); }
void sys_exit(int code)                      { for (;;) sys64_syscall(231, code, 0, 0); }
long sys_poweroff(int status)                { sys_exit(status); }

long sys_wait(long pid, int *status)
{
    int st = 0;
    long r = sc4(61, pid, (long)&st, 0, 0);
    if (r > 0 && status) {
        if ((st & 0x7f) == 0)
            *status = st & 0xff00;                     /* exited */
        else
            *status = 128 + ((st & 0x7f) == 11 ? 14 : 99);
    }
    return r;
}

struct ts { long sec, nsec; };
long sys_ticks(void)
{
    struct ts t;
    sys64_syscall(228, 1, (long)&t, 0);
    return t.sec * 100 + t.nsec / 10000000;
}
long sys_sleep(long ticks)
{
    struct ts t = { ticks / 100, (ticks % 100) * 10000000 };
    return sys64_syscall(35, (long)&t, 0, 0);
}

long sys_spawn(const char *name, const char *args)
{
    char path[64];
    snprintf(path, sizeof path, "./%s", name);
    long pid = sys64_syscall(57, 0, 0, 0);             /* fork */
    if (pid == 0) {
        const char *argv[] = { name, args ? args : "", NULL };
        const char *envp[] = { NULL };
        sys64_syscall(59, (long)path, (long)argv, (long)envp);
        sys_exit(127);
    }
    return pid;
}
