/*
 * System calls: the two tables (sys_call_table for 64-bit programs with
 * x86-64 numbers, ia32_sys_call_table for 32-bit programs with i386 numbers,
 * as in Linux's arch/x86/entry/syscall_64.c / syscall_32.c), the C entry
 * points the stubs in entry.S call (do_syscall_64, do_int80_syscall_32,
 * do_fast_syscall_32: arch/x86/entry/common.c), and the calls themselves.
 * xv6: syscall.c, sysproc.c, sysfile.c.
 */
#include "kernel.h"

extern u64 vdso_page;

typedef long (*sys_call_ptr_t)(u64, u64, u64);

struct entry_stats entry_stats;

static struct file *fd_file(u64 fd)
{
    return fd < NOFILE ? current->ofile[fd] : 0;
}

static long sys_read(u64 fd, u64 buf, u64 n)
{
    struct file *f = fd_file(fd);
    return f ? file_read(f, buf, n) : -EBADF;
}

static long sys_write(u64 fd, u64 buf, u64 n)
{
    struct file *f = fd_file(fd);
    return f ? file_write(f, buf, n) : -EBADF;
}

static long sys_close(u64 fd, u64 a1, u64 a2)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    current->ofile[fd] = 0;
    file_close(f);
    return 0;
}

/* pipe(int fds[2]): fds[0] the read end, fds[1] the write end. */
static long sys_pipe(u64 ufds, u64 a1, u64 a2)
{
    int fd[2] = { -1, -1 };
    for (int i = 0, k = 0; i < NOFILE && k < 2; i++)
        if (!current->ofile[i] && (k == 0 || fd[0] != i))
            fd[k++] = i;
    if (fd[1] < 0)
        return -EMFILE;
    int probe[2];
    if (copy_from_user(probe, ufds, sizeof(probe)) || copy_to_user(ufds, probe, sizeof(probe)))
        return -EFAULT;
    struct file *r, *w;
    int err = pipe_alloc(&r, &w);
    if (err)
        return err;
    current->ofile[fd[0]] = r;
    current->ofile[fd[1]] = w;
    copy_to_user(ufds, fd, sizeof(fd));
    return 0;
}

static long sys_sched_yield(u64 a0, u64 a1, u64 a2)
{
    schedule();
    return 0;
}

static long sys_getpid(u64 a0, u64 a1, u64 a2)
{
    return current->pid;
}

static long sys_exit(u64 code, u64 a1, u64 a2)
{
    proc_exit(((int)code & 0xff) << 8);
}

/* wait4(pid or -1, &status) / waitpid(pid or -1, &status) */
static long sys_wait(u64 pid, u64 ustatus, u64 a2)
{
    int st = 0;
    if (ustatus && copy_to_user(ustatus, &st, sizeof(st)))
        return -EFAULT;                 /* check before reaping anything */
    int got = proc_wait((int)pid, &st);
    if (got > 0 && ustatus)
        copy_to_user(ustatus, &st, sizeof(st));
    return got;
}

static long sys_sleep(u64 n, u64 a1, u64 a2)
{
    u64 until = ticks + n;
    while (ticks < until)
        sleep_on((void *)&ticks);
    return 0;
}

static long sys_spawn(u64 uname, u64 uargs, u64 a2)
{
    char name[32], args[USER_ARGS_MAX];
    int n = strncpy_from_user(name, uname, sizeof(name));
    if (n < 0)
        return n == -EINVAL ? -ENOENT : n;
    args[0] = 0;
    if (uargs) {
        n = strncpy_from_user(args, uargs, sizeof(args));
        if (n < 0)
            return n;
    }
    return proc_spawn(name, args, current);
}

static long sys_ticks(u64 a0, u64 a1, u64 a2)
{
    return (long)ticks;
}

static long sys_poweroff(u64 status, u64 a1, u64 a2)
{
    if (current->pid != init_pid)
        return -EPERM;
    kprintf("kernel: poweroff(%d) by %s\n", (int)status, current->name);
    print_kstats();
    poweroff((int)status & 0xff);
}

#define NR_SYSCALLS 504

static const sys_call_ptr_t sys_call_table[NR_SYSCALLS] = {
    [SYS64_read] = sys_read,
    [SYS64_write] = sys_write,
    [SYS64_close] = sys_close,
    [SYS64_pipe] = sys_pipe,
    [SYS64_sched_yield] = sys_sched_yield,
    [SYS64_getpid] = sys_getpid,
    [SYS64_exit] = sys_exit,
    [SYS64_wait] = sys_wait,
    [SYS_sleep] = sys_sleep,
    [SYS_spawn] = sys_spawn,
    [SYS_ticks] = sys_ticks,
    [SYS_poweroff] = sys_poweroff,
};

static const sys_call_ptr_t ia32_sys_call_table[NR_SYSCALLS] = {
    [SYS32_exit] = sys_exit,
    [SYS32_read] = sys_read,
    [SYS32_write] = sys_write,
    [SYS32_close] = sys_close,
    [SYS32_wait] = sys_wait,
    [SYS32_getpid] = sys_getpid,
    [SYS32_pipe] = sys_pipe,
    [SYS32_sched_yield] = sys_sched_yield,
    [SYS_sleep] = sys_sleep,
    [SYS_spawn] = sys_spawn,
    [SYS_ticks] = sys_ticks,
    [SYS_poweroff] = sys_poweroff,
};

/* SYSCALL from a 64-bit program: dispatch, then say whether SYSRET may
 * return (Linux's do_syscall_64 and its checks): SYSRET reloads RIP from RCX
 * and RFLAGS from R11 and, on Intel, faults in ring 0 on a non-canonical RCX,
 * so anything unusual goes back through IRET. */
int do_syscall_64(struct pt_regs *regs)
{
    u64 nr = regs->orig_ax;
    if (nr < NR_SYSCALLS && sys_call_table[nr])
        regs->ax = (u64)sys_call_table[nr](regs->di, regs->si, regs->dx);
    else
        regs->ax = (u64)-ENOSYS;
    int sysret = regs->cs == USER_CS && regs->ss == USER_DS &&
                 regs->cx == regs->ip && regs->r11 == regs->flags &&
                 regs->ip < 0x00007ffffffff000ull &&      /* canonical, below the top page */
                 !(regs->flags & (0x100 | 0x10000));       /* no TF, no RF */
    entry_stats.syscall++;
    entry_stats.syscall_iret += !sysret;
    return sysret;
}

static void ia32_dispatch(struct pt_regs *regs)
{
    u32 nr = (u32)regs->orig_ax;
    long r = -ENOSYS;
    if (nr < NR_SYSCALLS && ia32_sys_call_table[nr])
        r = ia32_sys_call_table[nr]((u32)regs->bx, (u32)regs->cx, (u32)regs->dx);
    regs->ax = (u64)(u32)r;
}

/* INT 0x80: 32-bit programs (and 64-bit ones that insist, as in Linux). */
void do_int80_syscall_32(struct pt_regs *regs)
{
    entry_stats.int80++;
    ia32_dispatch(regs);
}

/* SYSENTER through __kernel_vsyscall: return to the vDSO's landing, on the
 * stack whose pointer __kernel_vsyscall left in EBP; SYSEXIT when that is
 * an ordinary 32-bit return, IRET otherwise. */
int do_fast_syscall_32(struct pt_regs *regs)
{
    u64 landing = VDSO32_ADDR + (u64)(vdso32_landing - vdso32_start);
    regs->ip = landing;
    regs->sp = (u32)regs->bp;
    if (!current->is32) {
        regs->cs = USER_CS;             /* SYSENTER does not say where it came from */
        proc_kill_fault(regs, "SYSENTER from a 64-bit program", 0);
    }
    ia32_dispatch(regs);
    int sysexit = regs->cs == USER32_CS && regs->ss == USER_DS && regs->ip == landing &&
                  !(regs->flags & (0x100 | 0x10000 | 0x20000));  /* no TF, RF, VM */
    entry_stats.sysenter++;
    entry_stats.sysenter_iret += !sysexit;
    return sysexit;
}
