/*
 * hwbench: hardware-only round trips (README.md, docs/timing-model.md).
 *
 * From ring 3, each mechanism enters ring 0 and comes straight back:
 * SYSCALL/SYSRETQ, SYSENTER/SYSEXITQ, INT 0x80/IRETQ through a 64-bit
 * interrupt gate, and a far CALL through a 64-bit call gate with a far RET.
 * The handlers are the return instruction alone, as in J. Stecklina's
 * kernel_entry_benchmark, so the TSC difference per iteration (with the
 * loop's DEC and JNZ) is what the CPU spends on the transitions. One line
 * per mechanism on COM1: "hwbench: NAME CYCLES".
 */
#include <stdint.h>

#include "kernel.h"
#include "klib.h"

#define ITERATIONS 1000

/* Selectors (the order SYSRET and SYSEXIT need: README.md). */
enum { KCODE = 0x08, KDATA = 0x10, UCODE32 = 0x18, UDATA = 0x20, UCODE64 = 0x28,
       UDATA2 = 0x30, TSS_SEL = 0x38, GATE_SEL = 0x48 };

extern char enter_user[], back_to_kernel[], syscall_entry[], sysenter_entry[], int80_entry[],
    gate_entry[], user_syscall[], user_sysenter[], user_int80[], user_gate[];
uint64_t enter_user_fn(uint64_t rip, uint64_t rsp, uint64_t iters) __asm__("enter_user");

static uint64_t gdt[12] __attribute__((aligned(16)));
static uint64_t idt[2 * 256] __attribute__((aligned(16)));
static uint8_t tss[104] __attribute__((aligned(16)));
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));
static uint8_t user_stack[8192] __attribute__((aligned(4096)));

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t low_alias(const void *p)
{
    return (uint64_t)p - KVMA;      /* the identity map of the first GiB */
}

/* A 16-byte system descriptor (64-bit TSS or call gate) at gdt[i]. */
static void system_desc(unsigned i, uint64_t base, uint32_t limit, unsigned type)
{
    gdt[i] = (limit & 0xffff) | (base & 0xffffff) << 16 | (uint64_t)type << 40 | 1ull << 47 |
             (uint64_t)(limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
    gdt[i + 1] = base >> 32;
}

static void gate(uint64_t *slot, uint64_t target, unsigned type, unsigned dpl)
{
    slot[0] = (target & 0xffff) | (uint64_t)KCODE << 16 | (uint64_t)(type | dpl << 5 | 0x80) << 40 |
              (target >> 16 & 0xffff) << 48;
    slot[1] = target >> 32;
}

/* Make the identity map of the first GiB user-accessible (U/S at every
 * level of its path; the higher half stays supervisor-only). */
static void user_identity_map(void)
{
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    uint64_t *pml4 = (uint64_t *)(KVMA + (cr3 & ~0xfffull));
    pml4[0] |= 4;
    uint64_t *pdpt = (uint64_t *)(KVMA + (pml4[0] & 0xfffff000ull));
    pdpt[0] |= 4;
    uint64_t *pd = (uint64_t *)(KVMA + (pdpt[0] & 0xfffff000ull));
    for (int i = 0; i < 512; i++)
        pd[i] |= 4;
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

static void setup(void)
{
    gdt[1] = 0x00AF9A000000FFFFull;     /* 08: 64-bit kernel code */
    gdt[2] = 0x00CF92000000FFFFull;     /* 10: kernel data */
    gdt[3] = 0x00CFFA000000FFFFull;     /* 18: 32-bit user code (SYSRET's base) */
    gdt[4] = 0x00CFF2000000FFFFull;     /* 20: user data */
    gdt[5] = 0x00AFFA000000FFFFull;     /* 28: 64-bit user code */
    gdt[6] = 0x00CFF2000000FFFFull;     /* 30: user data (SYSEXIT's SS) */
    system_desc(7, (uint64_t)tss, sizeof(tss) - 1, 0x9);   /* 38: available 64-bit TSS */
    gate(&gdt[9], (uint64_t)gate_entry, 0xc, 3);           /* 48: 64-bit call gate, DPL 3 */
    *(uint64_t *)(tss + 4) = (uint64_t)(ring0_stack + sizeof(ring0_stack));   /* RSP0 */
    *(uint16_t *)(tss + 102) = sizeof(tss);                /* no I/O bitmap */
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gp = { sizeof(gdt) - 1,
                                                                            (uint64_t)gdt };
    __asm__ volatile("lgdt %0" : : "m"(gp));
    __asm__ volatile("pushq %0; lea 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
                     : : "i"(KCODE) : "rax", "memory");
    __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"(KDATA));
    __asm__ volatile("ltr %w0" : : "r"(TSS_SEL));

    gate(&idt[2 * 0x80], (uint64_t)int80_entry, 0xe, 3);
    gate(&idt[2 * 0x81], (uint64_t)back_to_kernel, 0xe, 3);
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } ip = { sizeof(idt) - 1,
                                                                            (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ip));

    wrmsr(0xC0000080, rdmsr(0xC0000080) | 1);     /* EFER.SCE */
    wrmsr(0xC0000081, (uint64_t)UCODE32 << 48 | (uint64_t)KCODE << 32);  /* STAR */
    wrmsr(0xC0000082, (uint64_t)syscall_entry);                         /* LSTAR */
    wrmsr(0xC0000084, 0x47700);         /* FMASK: TF, IF, DF, IOPL, NT, AC */
    wrmsr(0x174, KCODE);                /* SYSENTER_CS */
    wrmsr(0x175, (uint64_t)(ring0_stack + sizeof(ring0_stack)));
    wrmsr(0x176, (uint64_t)sysenter_entry);
    user_identity_map();
}

static void measure(const char *name, const char *loop)
{
    uint64_t rsp = low_alias(user_stack + sizeof(user_stack));
    uint64_t cycles = enter_user_fn(low_alias(loop), rsp, ITERATIONS);
    say("hwbench: %s %u\n", name, (unsigned)((cycles + ITERATIONS / 2) / ITERATIONS));
}

void kmain(void)
{
    com1_init();
    setup();
    measure("syscall+sysret", user_syscall);
    measure("sysenter+sysexit", user_sysenter);
    measure("int+iretq", user_int80);
    measure("callgate+lret", user_gate);
    kexit(EXIT_PASS);
}
