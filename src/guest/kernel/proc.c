/*
 * Processes and the scheduler: the process table, round-robin schedule(),
 * context_switch() = switch_mm_irqs_off() (CR3, with PCID) + switch_to
 * (__switch_to_asm: kernel stacks; __switch_to: TSS.RSP0, the SYSCALL stack
 * pointer, current), sleep/wakeup on channels, spawn, exit, wait, and killing
 * a faulting process.
 * (Linux: kernel/sched/core.c schedule/context_switch, arch/x86/mm/tlb.c
 *  switch_mm_irqs_off, arch/x86/kernel/process_64.c __switch_to, kernel/exit.c;
 *  xv6: proc.c scheduler/sched/sleep/wakeup/exit/wait, swtch.S.)
 */
#include "kernel.h"

extern u8 boot_stack[], boot_stack_top[];

struct proc procs[NPROC];
static u8 kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(16)));
static struct proc idle_task;          /* pid 0: the boot thread, runs when no one else can */
static int next_pid = 1;
int init_pid;
/* One past the highest slot ever used: the scans below stop there rather
 * than at NPROC, so their cost follows the number of processes, not the
 * table's size (Linux keeps run queues and wait queues for the same reason). */
static int nslots;

void sched_init(void)
{
    idle_task.pid = 0;
    idle_task.state = P_RUNNING;
    strlcpy(idle_task.name, "idle", sizeof(idle_task.name));
    idle_task.kstack = boot_stack;
    idle_task.pml4 = kernel_pml4;
    current = &idle_task;
    cpu0.top_of_stack = (u64)boot_stack_top;
    tss_set_rsp0((u64)boot_stack_top);
}

/* switch_mm: load next's page tables. With PCIDs each process keeps its own
 * TLB entries (tagged with its PCID) across switches: CR3 bit 63 (no flush)
 * is set unless the PCID may still hold a previous owner's translations. */
static void switch_mm_irqs_off(struct proc *prev, struct proc *next)
{
    u64 cr3 = next->pml4;
    if (cpu_has_pcid) {
        cr3 |= next->pcid;
        if (!next->pcid_stale)
            cr3 |= 1ull << 63;
        next->pcid_stale = 0;
    } else if (prev->pml4 == next->pml4) {
        return;
    }
    write_cr3(cr3);
}

/* The C half of switch_to, entered from __switch_to_asm on next's stack:
 * the per-task CPU state that is not on the stack. Returns prev. */
struct proc *__switch_to(struct proc *prev, struct proc *next)
{
    u64 top = (u64)next->kstack + KSTACK_SIZE;
    tss_set_rsp0(top);                /* interrupts and INT 0x80 from user mode */
    cpu0.top_of_stack = top;          /* entry_SYSCALL_64 / entry_SYSENTER_compat (via GS) */
    cpu0.curr = next;
    next->switches++;
    entry_stats.switches++;
    return prev;
}

static void context_switch(struct proc *prev, struct proc *next)
{
    switch_mm_irqs_off(prev, next);
    __switch_to_asm(prev, next);      /* returns when prev is switched back in */
}

/* Round robin over the process table, starting after the current task. */
void schedule(void)
{
    struct proc *prev = current, *next = &idle_task;
    if (prev->state == P_RUNNING)
        prev->state = P_RUNNABLE;
    int start = prev == &idle_task ? 0 : (int)(prev - procs) + 1;
    for (int i = 0; i < nslots; i++) {
        int slot = start + i < nslots ? start + i : start + i - nslots;
        struct proc *p = &procs[slot];
        if (p->state == P_RUNNABLE) {
            next = p;
            break;
        }
    }
    next->state = P_RUNNING;
    if (next != prev)
        context_switch(prev, next);
}

/* The idle task: halt until an interrupt makes someone runnable. */
void idle_loop(void)
{
    for (;;) {
        schedule();
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
}

/* Sleep on a channel (xv6's sleep without the lock: interrupts are off in the
 * kernel, so no wakeup is lost between the caller's check and this). */
void sleep_on(void *chan)
{
    current->chan = chan;
    current->state = P_SLEEPING;
    schedule();
    current->chan = 0;
}

void wakeup(void *chan)
{
    for (int i = 0; i < nslots; i++)
        if (procs[i].state == P_SLEEPING && procs[i].chan == chan)
            procs[i].state = P_RUNNABLE;
}

void timer_tick(void)
{
    ticks++;
    wakeup((void *)&ticks);
}

int proc_spawn(const char *name, const char *args, struct proc *parent)
{
    const struct user_program *prog = find_program(name);
    if (!prog)
        return -ENOENT;
    struct proc *p = 0;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == P_UNUSED) {
            p = &procs[i];
            break;
        }
    if (!p)
        return -EAGAIN;
    int slot = (int)(p - procs);
    if (slot >= nslots)
        nslots = slot + 1;
    memset(p, 0, sizeof(*p));
    p->kstack = kstacks[slot];
    p->pcid = (u16)(slot + 1);
    p->pcid_stale = 1;                /* a new address space in a used PCID: flush once */
    p->pml4 = pgtable_create();
    if (!p->pml4)
        return -ENOMEM;
    strlcpy(p->name, prog->name, sizeof(p->name));

    /* The new task's kernel stack: the pt_regs it will IRET with on top, below
     * it the frame __switch_to_asm pops, returning into ret_from_fork. */
    struct pt_regs *regs = (struct pt_regs *)(p->kstack + KSTACK_SIZE) - 1;
    memset(regs, 0, sizeof(*regs));
    int err = load_program(p, prog, args, regs);
    if (err) {
        pgtable_free(p->pml4);
        p->state = P_UNUSED;
        return err;
    }
    struct inactive_task_frame *f = (struct inactive_task_frame *)regs - 1;
    memset(f, 0, sizeof(*f));
    f->ret_addr = (u64)ret_from_fork;
    p->thread_sp = (u64)f;

    p->parent = parent;
    if (parent) {
        for (int i = 0; i < NOFILE; i++)      /* the open files are inherited */
            if ((p->ofile[i] = parent->ofile[i]))
                file_dup(p->ofile[i]);
    } else {
        p->ofile[0] = console_file(1, 0);
        p->ofile[1] = console_file(0, 1);
        p->ofile[2] = console_file(0, 1);
    }
    p->pid = next_pid++;
    p->state = P_RUNNABLE;
    return p->pid;
}

/* With "kstats" on the command line: how the kernel was entered and left. */
void print_kstats(void)
{
    if (kstats)
        kprintf("kernel: %lu SYSCALL (%lu returned by IRET), %lu INT 0x80, %lu SYSENTER "
                "(%lu returned by IRET), %lu context switches, %lu interrupts, %lu fatal user faults, "
                "%lu demand-paged stack pages\n",
                entry_stats.syscall, entry_stats.syscall_iret, entry_stats.int80,
                entry_stats.sysenter, entry_stats.sysenter_iret, entry_stats.switches,
                entry_stats.irqs, entry_stats.faults, entry_stats.demand_faults);
}

void proc_exit(int status)
{
    struct proc *p = current;
    if (p == &idle_task)
        panic("the idle task exited");
    for (int i = 0; i < NOFILE; i++)
        if (p->ofile[i]) {
            file_close(p->ofile[i]);
            p->ofile[i] = 0;
        }
    if (p->pid == init_pid) {
        int code = (status & 0xff) ? (status & 0xff) : (status >> 8) & 0xff;
        kprintf("kernel: init exited with status %d; powering off\n", code);
        print_kstats();
        poweroff(code);
    }
    struct proc *init = 0;
    for (int i = 0; i < nslots; i++)
        if (procs[i].pid == init_pid && procs[i].state != P_UNUSED)
            init = &procs[i];
    for (int i = 0; i < nslots; i++)
        if (procs[i].parent == p && procs[i].state != P_UNUSED) {
            procs[i].parent = init;               /* orphans go to init */
            if (procs[i].state == P_ZOMBIE && init)
                wakeup(init);
        }
    p->exit_status = status;
    p->state = P_ZOMBIE;
    if (p->parent)
        wakeup(p->parent);
    schedule();
    panic("a zombie ran");
}

int proc_wait(int pid, int *status)
{
    for (;;) {
        int have = 0;
        for (int i = 0; i < nslots; i++) {
            struct proc *p = &procs[i];
            if (p->state == P_UNUSED || p->parent != current || (pid != -1 && p->pid != pid))
                continue;
            have = 1;
            if (p->state == P_ZOMBIE) {
                int got = p->pid;
                *status = p->exit_status;
                pgtable_free(p->pml4);        /* its kernel stack is static */
                p->state = P_UNUSED;
                p->pid = 0;
                p->parent = 0;
                return got;
            }
        }
        if (!have)
            return -ECHILD;
        sleep_on(current);
    }
}

/* A fault in user mode: say what, where and who, then exit with the
 * vector + 128 as the wait status (a "signal" in its low byte). */
void proc_kill_fault(struct pt_regs *regs, const char *what, u64 addr)
{
    kprintf("kernel: killed %s (pid %d): %s at address %lx (rip %lx, error %lx)\n",
            current->name, current->pid, what, addr, regs->ip, regs->orig_ax);
    proc_exit((int)(regs->entry + 128));
}
