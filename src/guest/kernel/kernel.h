/*
 * The ringscope guest kernel: shared definitions. docs/guest.md maps every
 * part of this kernel to its Linux and xv6 counterparts.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

/* ---- segment selectors: Linux's x86-64 GDT layout (arch/x86/include/asm/segment.h) ---- */
#define KERNEL32_CS   0x08      /* unused, as in Linux */
#define KERNEL_CS     0x10      /* 64-bit kernel code: STAR[47:32], SYSENTER_CS */
#define KERNEL_DS     0x18      /* kernel data = KERNEL_CS + 8, as SYSCALL/SYSENTER load SS */
#define USER32_CS     0x23      /* 32-bit user code: STAR[63:48]; SYSEXIT's CS (SYSENTER_CS + 16) */
#define USER_DS       0x2b      /* user data: SYSRET's SS (STAR[63:48] + 8), SYSEXIT's SS */
#define USER_CS       0x33      /* 64-bit user code: SYSRET's CS (STAR[63:48] + 16) */
#define GDT_TSS       0x40      /* 16-byte TSS descriptor (entries 8 and 9) */

/* ---- the higher-half layout ---- */
#define KERNEL_VMA    0xFFFFFFFF80000000ull   /* the image: PML4 511, PDPT 510 -> phys 0 */
#define PAGE_OFFSET   0xFFFF800000000000ull   /* the direct map of physical memory (PML4 256) */
#define DIRECT_MAP_GB 4                       /* GiB of physical address space mapped there */

/* ---- the pt_regs layout, in bytes (kept in step with struct pt_regs) ---- */
#define PTR_R15       0
#define PTR_RAX       (10 * 8)
#define PTR_ENTRY     (15 * 8)
#define PTR_ORIG_RAX  (16 * 8)
#define PTR_RIP       (17 * 8)
#define PTR_CS        (18 * 8)
#define PTR_RFLAGS    (19 * 8)
#define PTR_RSP       (20 * 8)
#define PTR_SS        (21 * 8)
#define PTR_SIZE      (22 * 8)

/* pt_regs.entry: the IDT vector for exceptions, interrupts and INT 0x80, or these */
#define ENTRY_SYSCALL  0x100
#define ENTRY_SYSENTER 0x101

/* ---- the per-CPU area reached through GS (after SWAPGS), offsets ---- */
#define PCPU_SELF          0
#define PCPU_TOP_OF_STACK  8     /* the current task's kernel stack top (= TSS.RSP0) */
#define PCPU_USER_RSP      16    /* scratch: the user RSP during entry_SYSCALL_64 */
#define PCPU_CURRENT       24

#define KSTACK_SIZE   16384
#define VEC_TIMER     0x20
#define VEC_COM1      0x24
#define VEC_PIC_BASE  0x30      /* the 8259s, remapped here and masked */
#define VEC_SYSCALL32 0x80
#define VEC_SPURIOUS  0xff

/* ---- MSRs ---- */
#define MSR_EFER            0xC0000080
#define MSR_STAR            0xC0000081
#define MSR_LSTAR           0xC0000082
#define MSR_CSTAR           0xC0000083
#define MSR_SYSCALL_MASK    0xC0000084
#define MSR_GS_BASE         0xC0000101
#define MSR_KERNEL_GS_BASE  0xC0000102
#define MSR_SYSENTER_CS     0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "abi.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t i64;

/*
 * struct pt_regs: what an entry stub saves on the task's kernel stack, in
 * Linux's order (arch/x86/include/asm/ptrace.h) with xv6's trap number added.
 * Lowest address first; each group says who pushed it.
 */
struct pt_regs {
    /* pushed by the entry stub (PUSH_REGS): every general register */
    u64 r15, r14, r13, r12, bp, bx;          /* callee-saved */
    u64 r11, r10, r9, r8, ax, cx, dx, si, di;
    /* pushed by the entry stub: how we got here (vector, ENTRY_SYSCALL, ENTRY_SYSENTER) */
    u64 entry;
    /* the CPU's error code for #DF #TS #NP #SS #GP #PF #AC..., else pushed by the stub:
     * 0 for an exception without one, the system-call number for the system-call entries */
    u64 orig_ax;
    /* the hardware frame: pushed by the CPU on an exception, interrupt or INT 0x80
     * (then popped by IRETQ); built by hand by entry_SYSCALL_64 (RIP from RCX, RFLAGS
     * from R11, the user RSP) and by entry_SYSENTER_compat (RSP from EBP) */
    u64 ip, cs, flags, sp, ss;
};
_Static_assert(sizeof(struct pt_regs) == PTR_SIZE, "pt_regs layout");

/* The callee-saved frame __switch_to_asm leaves on a sleeping task's stack
 * (Linux's struct inactive_task_frame, xv6's struct context). */
struct inactive_task_frame {
    u64 r15, r14, r13, r12, bx, bp;
    u64 ret_addr;
};

enum proc_state { P_UNUSED, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

#define NPROC   64
#define NOFILE  16
#define NFILE   128

struct file;

struct proc {
    u64 thread_sp;             /* saved kernel RSP while switched out (thread.sp): offset 0 */
    int pid;
    enum proc_state state;
    char name[24];
    u8 *kstack;                /* its kernel stack: KSTACK_SIZE bytes */
    u64 pml4;                  /* physical address of its PML4: what CR3 gets */
    u16 pcid;                  /* its PCID (slot + 1) when the CPU has PCIDs */
    int pcid_stale;            /* the PCID may hold another address space's entries */
    int is32;                  /* a compatibility-mode program */
    struct proc *parent;
    int exit_status;           /* wait's status: code << 8 | fault */
    void *chan;                /* what it sleeps on */
    u64 wake_tick;             /* SYS_sleep: the tick it wakes at */
    struct file *ofile[NOFILE];
    u64 switches;              /* times switched in */
};

struct percpu {
    u64 self;
    u64 top_of_stack;
    u64 user_rsp;
    struct proc *curr;         /* Linux: current_task */
};
_Static_assert(offsetof(struct percpu, top_of_stack) == PCPU_TOP_OF_STACK, "percpu");
_Static_assert(offsetof(struct percpu, user_rsp) == PCPU_USER_RSP, "percpu");
_Static_assert(offsetof(struct percpu, curr) == PCPU_CURRENT, "percpu");

extern struct percpu cpu0;
#define current (cpu0.curr)

/* ---- port I/O, MSRs, control registers ---- */
static inline void outb(u16 p, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(u16 p, u16 v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline u8 inb(u16 p) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void wrmsr(u32 msr, u64 v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}
static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}
static inline u64 read_cr2(void) { u64 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(u64 v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline u64 read_cr4(void) { u64 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(u64 v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline void invlpg(u64 va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }


static inline void *P2V(u64 pa) { return (void *)(pa + PAGE_OFFSET); }
static inline u64 V2P(const void *va)
{
    u64 v = (u64)va;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - PAGE_OFFSET;
}

/* ---- lib.c ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void strlcpy(char *d, const char *s, size_t n);

/* ---- console.c ---- */
void serial_init(void);
void serial_putc(char c);
void serial_irq(void);
int console_read(char *buf, int n);     /* blocks; called with a kernel buffer */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void panic_regs(struct pt_regs *r, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void poweroff(int status) __attribute__((noreturn));

/* ---- cpu.c: GDT, TSS, IDT, MSRs, LAPIC ---- */
extern int cpu_has_pcid;
void cpu_init(void);
void tss_set_rsp0(u64 rsp0);
void lapic_init(void);
void lapic_eoi(void);

/* ---- trap.c ---- */
void do_trap(struct pt_regs *regs);
extern volatile u64 ticks;

/* ---- mm.c ---- */
#define PAGE_SIZE 4096ull
#define PTE_P   0x1ull
#define PTE_W   0x2ull
#define PTE_U   0x4ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS  0x80ull
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define USER_STACK_PAGES 8             /* mapped at load */
#define USER_STACK_MAX   (1ull << 20)  /* the rest of the stack area: paged on demand */
extern u64 kernel_pml4;                         /* physical */
void mm_init(u32 mbinfo);
u64 alloc_page(void);                           /* physical, zeroed; 0 when out */
void free_page(u64 pa);
u64 free_pages_count(void);
u64 pgtable_create(void);                       /* a PML4 with the kernel half */
int map_page(u64 pml4, u64 va, u64 pa, u64 flags);
u64 walk_user(u64 pml4, u64 va, int write);     /* phys of va, or 0 if not user-accessible */
void pgtable_free(u64 pml4);
int demand_page(u64 addr);
u64 user_page(u64 va, int write);
int copy_from_user(void *dst, u64 src, u64 n);
int copy_to_user(u64 dst, const void *src, u64 n);
int strncpy_from_user(char *dst, u64 src, u64 n); /* length, or -EFAULT / -EINVAL */

/* ---- proc.c ---- */
extern struct proc procs[NPROC];
void sched_init(void);
void schedule(void);
void sleep_on(void *chan);
void wakeup(void *chan);
void timer_tick(void);
int proc_spawn(const char *name, const char *args, struct proc *parent);
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(int pid, int *status);
void proc_kill_fault(struct pt_regs *regs, const char *what, u64 addr);
void idle_loop(void) __attribute__((noreturn));
void ret_from_fork(void);
struct proc *__switch_to_asm(struct proc *prev, struct proc *next);
extern int init_pid;

/* ---- exec.c: programs and the ELF loader ---- */
struct user_program { const char *name; const u8 *data; u64 size; };
extern const struct user_program user_programs[];
const struct user_program *find_program(const char *name);
int load_program(struct proc *p, const struct user_program *prog, const char *args,
                 struct pt_regs *regs);
extern const u8 vdso32_start[], vdso32_end[], vdso32_landing[];

/* ---- file.c: files and pipes ---- */
enum file_type { F_NONE, F_CONSOLE, F_PIPE };
struct pipe;
struct file {
    enum file_type type;
    int ref;
    int readable, writable;
    struct pipe *pipe;
};
struct file *console_file(int readable, int writable);
void file_dup(struct file *f);
void file_close(struct file *f);
long file_read(struct file *f, u64 ubuf, u64 n);
long file_write(struct file *f, u64 ubuf, u64 n);
int pipe_alloc(struct file **rf, struct file **wf);

/* ---- syscall.c ---- */
struct entry_stats {           /* printed at power-off with the kstats option */
    u64 syscall, syscall_iret, int80, sysenter, sysenter_iret, switches, irqs, faults, demand_faults;
};
extern struct entry_stats entry_stats;
extern int kstats;
void print_kstats(void);
int do_syscall_64(struct pt_regs *regs);
void do_int80_syscall_32(struct pt_regs *regs);
int do_fast_syscall_32(struct pt_regs *regs);

#endif /* !__ASSEMBLER__ */
#endif
