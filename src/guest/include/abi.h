/*
 * The bundled guest's user/kernel ABI, shared by the kernel (src/guest/kernel)
 * and the user programs (src/guest/user). Like Linux, 64-bit programs and
 * 32-bit (compatibility-mode) programs have separate system-call tables with
 * their architectures' own numbers; calls Linux does not have use 500+ in both.
 *
 * 64-bit: SYSCALL, number in RAX, arguments RDI, RSI, RDX; result in RAX
 *         (RCX and R11 are clobbered, as the instruction defines).
 * 32-bit: INT 0x80, or CALL to __kernel_vsyscall in the vDSO page (SYSENTER);
 *         number in EAX, arguments EBX, ECX, EDX; result in EAX.
 * Errors are returned as -errno (the values below).
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

/* x86-64 numbers (Linux arch/x86/entry/syscalls/syscall_64.tbl). */
#define SYS64_read        0
#define SYS64_write       1
#define SYS64_close       3
#define SYS64_pipe        22
#define SYS64_sched_yield 24
#define SYS64_getpid      39
#define SYS64_exit        60
#define SYS64_wait        61      /* wait4(pid or -1, &status): only the first two arguments */

/* i386 numbers (Linux arch/x86/entry/syscalls/syscall_32.tbl). */
#define SYS32_exit        1
#define SYS32_read        3
#define SYS32_write       4
#define SYS32_close       6
#define SYS32_wait        7       /* waitpid(pid or -1, &status) */
#define SYS32_getpid      20
#define SYS32_pipe        42
#define SYS32_sched_yield 158

/* ringscope calls, the same number in both tables. */
#define SYS_sleep         500     /* sleep(ticks): the timer wakes the task */
#define SYS_spawn         501     /* spawn(name, argstring) -> pid, or -ENOENT */
#define SYS_ticks         502     /* timer ticks since boot */
#define SYS_poweroff      503     /* poweroff(status): init only; isa-debug-exit */

/* errno values (Linux). */
#define EPERM   1
#define ENOENT  2
#define ESRCH   3
#define EINTR   4
#define EBADF   9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EFAULT  14
#define EINVAL  22
#define EMFILE  24
#define ENOSYS  38

/* Standard descriptors: 0 is the serial console's input, 1 and 2 its output. */

/* Address-space layout. */
#define USER64_LOAD       0x400000ull         /* 64-bit programs link here */
#define USER64_STACK_TOP  0x7ffffff000ull
#define USER32_LOAD       0x08048000u         /* 32-bit programs link here */
#define USER32_STACK_TOP  0xbffff000u
#define VDSO32_ADDR       0xffffe000u         /* 32-bit vDSO page: __kernel_vsyscall at its start */
#define USER_ARGS_MAX     128                 /* bytes of the argument string */

/* A new process receives its argument string (NUL-terminated) at the top of
 * its stack; at entry: 64-bit RDI / 32-bit first stack argument (the word
 * above the return address slot) point at it. */

/* Exit status: wait stores (code << 8) | signal-like fault number, as the
 * WEXITSTATUS/WTERMSIG macros of POSIX decode it: a program killed by a fault
 * gets the exception vector + 128 in the low byte. */
#define WAIT_EXITED(st)   (((st) & 0xff) == 0)
#define WAIT_CODE(st)     (((st) >> 8) & 0xff)
#define WAIT_FAULT(st)    ((st) & 0x7f)

#endif
