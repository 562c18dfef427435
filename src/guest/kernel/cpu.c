/*
 * The CPU's tables and MSRs: GDT (boot.S holds it), TSS, IDT, the system-call
 * MSRs (SYSCALL's STAR/LSTAR/SYSCALL_MASK, SYSENTER's CS/ESP/EIP), GS bases,
 * PCID; the local APIC (timer, EOI) and the I/O APIC (COM1's IRQ 4).
 * Linux: arch/x86/kernel/cpu/common.c (syscall_init, cpu_init), traps.c
 * (idt_setup_traps), apic/apic.c; xv6: vm.c seginit, trap.c tvinit, lapic.c.
 */
#include "kernel.h"

/* The 64-bit TSS (SDM Vol. 3A 9.7): RSP0 for ring 3 -> 0 transitions through
 * the IDT, IST1 for #DF. (Linux: struct tss_struct, cpu_tss_rw.) */
struct tss64 {
    u32 reserved0;
    u64 rsp0, rsp1, rsp2;
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __attribute__((packed));

struct idt_gate {
    u16 off0;
    u16 sel;
    u8 ist;
    u8 type_attr;
    u16 off1;
    u32 off2;
    u32 zero;
} __attribute__((packed));

extern u64 gdt_table[];
extern u8 gdt_ptr[];
extern u8 idt_stubs[];
extern void entry_SYSCALL_64(void), entry_INT80_compat(void), entry_SYSENTER_compat(void);

static struct tss64 tss __attribute__((aligned(64)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static u8 df_stack[8192] __attribute__((aligned(16)));       /* IST1: double faults */
static u8 sysenter_stack[256] __attribute__((aligned(16)));  /* SYSENTER_ESP: never used */
struct percpu cpu0;
int cpu_has_pcid;

static volatile u32 *lapic;
static volatile u32 *ioapic;

void tss_set_rsp0(u64 rsp0)
{
    tss.rsp0 = rsp0;
}

static void set_gate(int vec, void *handler, int dpl, int ist)
{
    u64 a = (u64)handler;
    idt[vec] = (struct idt_gate){
        .off0 = (u16)a, .sel = KERNEL_CS, .ist = (u8)ist,
        .type_attr = (u8)(0x8E | (dpl << 5)),   /* present, 64-bit interrupt gate */
        .off1 = (u16)(a >> 16), .off2 = (u32)(a >> 32), .zero = 0,
    };
}

void cpu_init(void)
{
    /* GDT: the TSS descriptor, then reload GDTR with the higher-half base. */
    u64 base = (u64)&tss, limit = sizeof(tss) - 1;
    gdt_table[GDT_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                             (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt_table[GDT_TSS / 8 + 1] = base >> 32;
    tss.ist[0] = (u64)df_stack + sizeof(df_stack);
    tss.iomap_base = sizeof(tss);                  /* no I/O permission bitmap */
    __asm__ volatile("lgdt (%0)" :: "r"(gdt_ptr) : "memory");
    __asm__ volatile("ltr %w0" :: "r"(GDT_TSS));

    /* IDT: every vector to its stub; #DF on IST1; INT 0x80 open to ring 3. */
    for (int v = 0; v < 256; v++)
        set_gate(v, idt_stubs + 16 * v, 0, 0);
    set_gate(8, idt_stubs + 16 * 8, 0, 1);
    set_gate(VEC_SYSCALL32, (void *)entry_INT80_compat, 3, 0);
    struct { u16 limit; u64 base; } __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)idt };
    __asm__ volatile("lidt %0" :: "m"(idtr));

    /* GS: the per-CPU area while in the kernel; user GS (0) in KERNEL_GS_BASE,
     * exchanged by SWAPGS on every entry from and exit to user mode. */
    cpu0.self = (u64)&cpu0;
    wrmsr(MSR_GS_BASE, (u64)&cpu0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);

    /* SYSCALL/SYSRET (syscall_init): EFER.SCE; STAR: kernel CS 10h (SS 18h),
     * SYSRET base 23h (32-bit CS 23h, SS 2Bh, 64-bit CS 33h); LSTAR; the RFLAGS
     * mask TF, DF, IF, IOPL, NT, AC. */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);
    wrmsr(MSR_STAR, ((u64)USER32_CS << 48) | ((u64)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
    wrmsr(MSR_CSTAR, 0);
    wrmsr(MSR_SYSCALL_MASK, 0x47700);
    /* SYSENTER/SYSEXIT: CS 10h (SS 18h; SYSEXIT: CS 23h, SS 2Bh). */
    wrmsr(MSR_SYSENTER_CS, KERNEL_CS);
    wrmsr(MSR_SYSENTER_ESP, (u64)sysenter_stack + sizeof(sysenter_stack));
    wrmsr(MSR_SYSENTER_EIP, (u64)entry_SYSENTER_compat);

    /* PCID when the CPU has it (CPUID.01H:ECX[17]). */
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (c & (1u << 17)) {
        write_cr4(read_cr4() | (1u << 17));
        cpu_has_pcid = 1;
    }
}

/* ---- local APIC and I/O APIC ---- */
#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0B0
#define LAPIC_SVR     0x0F0
#define LAPIC_LVT_TMR 0x320
#define LAPIC_LINT0   0x350
#define LAPIC_LINT1   0x360
#define LAPIC_LVT_ERR 0x370
#define LAPIC_TICR    0x380
#define LAPIC_TCCR    0x390
#define LAPIC_TDCR    0x3E0

static void lapic_w(u32 reg, u32 v) { lapic[reg / 4] = v; (void)lapic[LAPIC_ID / 4]; }
static u32 lapic_r(u32 reg) { return lapic[reg / 4]; }

void lapic_eoi(void)
{
    lapic_w(LAPIC_EOI, 0);
}

static void ioapic_w(u32 reg, u32 v)
{
    ioapic[0] = reg;
    ioapic[4] = v;
}

/* Count the APIC timer over 10 ms of the PIT's channel 2 (Linux's
 * calibrate_APIC_clock against the PIT; xv6 hardcodes a count instead). */
static u32 lapic_calibrate(void)
{
    u16 count = 11932;                            /* 1193182 Hz / 100 */
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);       /* gate on, speaker off */
    outb(0x43, 0xB0);                             /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xFF);
    outb(0x42, count >> 8);
    lapic_w(LAPIC_TDCR, 0x3);                     /* divide by 16 */
    u8 g = inb(0x61);
    outb(0x61, g & ~0x01);                        /* restart the count: gate low, */
    outb(0x61, g | 0x01);                         /* then high */
    lapic_w(LAPIC_TICR, 0xFFFFFFFF);
    while (!(inb(0x61) & 0x20))
        ;
    u32 elapsed = 0xFFFFFFFF - lapic_r(LAPIC_TCCR);
    lapic_w(LAPIC_TICR, 0);
    return elapsed;
}

void lapic_init(void)
{
    lapic = P2V(0xFEE00000);
    ioapic = P2V(0xFEC00000);

    /* The 8259s: remapped to 30h-3Fh (away from the exceptions), all masked. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, VEC_PIC_BASE); outb(0xA1, VEC_PIC_BASE + 8);
    outb(0x21, 4); outb(0xA1, 2);
    outb(0x21, 1); outb(0xA1, 1);
    outb(0x21, 0xFF); outb(0xA1, 0xFF);

    lapic_w(LAPIC_SVR, 0x100 | VEC_SPURIOUS);     /* enable, spurious vector */
    lapic_w(LAPIC_LINT0, 0x10000);                /* masked: no ExtINT from the 8259 */
    lapic_w(LAPIC_LINT1, 0x400);                  /* NMI */
    lapic_w(LAPIC_LVT_ERR, 0x10000);

    /* COM1: ISA IRQ 4 = I/O APIC input 4, edge, active high, to APIC 0. */
    ioapic_w(0x10 + 2 * 4, VEC_COM1);
    ioapic_w(0x10 + 2 * 4 + 1, 0);

    /* The timer: periodic at 100 Hz. */
    u32 per_tick = lapic_calibrate();
    if (per_tick == 0)
        per_tick = 1000000;
    lapic_w(LAPIC_TDCR, 0x3);
    lapic_w(LAPIC_LVT_TMR, 0x20000 | VEC_TIMER);  /* periodic */
    lapic_w(LAPIC_TICR, per_tick);
    lapic_eoi();
}
