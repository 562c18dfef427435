/*
 * The multiboot test kernels' checks (mb-elf32, mb-aout64, mb-elf64). The
 * COM1 transcript holds what every multiboot loader must give and what the
 * test's command line and modules make certain, so QEMU and ringscope, and
 * ringscope's firmware and direct paths, print it identically. Port E9
 * gets what differs between loaders (names, addresses, the firmware's
 * handoff report), which only ringscope's tests compare.
 */
#include "boot/handoff.h"
#include "kernel.h"
#include "klib.h"

#ifndef KNAME
#error "KNAME (the kernel's name) must be defined"
#endif

#if defined(__x86_64__)
#define PHYS_OF(p) ((uint64_t)(uintptr_t)(p) - KVMA)
#else
#define PHYS_OF(p) ((uint64_t)(uintptr_t)(p))
#endif

extern char _end[];
static uint8_t bss_probe[16384];
static unsigned failures;

static uint32_t rd32(uint64_t phys)
{
    uintptr_t p = (uintptr_t)phys;
    __asm__("" : "+r"(p));  /* a physical address, not an object GCC can see */
    return *(volatile uint32_t *)p;
}

static uint64_t rd64(uint64_t phys)
{
    return rd32(phys) | (uint64_t)rd32(phys + 4) << 32;
}

static const char *cstr(uint32_t phys)
{
    return (const char *)(uintptr_t)phys;
}

static const char *yes(int ok)
{
    if (!ok)
        failures++;
    return ok ? "yes" : "NO (FAILED)";
}

static void check_cpu(const struct entry_state *es)
{
    say(KNAME ": EAX %08x at entry, the multiboot magic: %s\n", es->eax,
        yes(es->eax == 0x2badb002));
    unsigned pe = es->cr0 & 1, pg = es->cr0 >> 31, pae = (es->cr4 >> 5) & 1;
    unsigned lme = (es->efer >> 8) & 1;
    say(KNAME ": protected mode without paging: CR0.PE=%u CR0.PG=%u CR4.PAE=%u EFER.LME=%u: %s\n",
        pe, pg, pae, lme, yes(pe && !pg && !lme));
    unsigned ifl = (es->eflags >> 9) & 1, vm = (es->eflags >> 17) & 1;
    say(KNAME ": EFLAGS.IF=%u EFLAGS.VM=%u: %s\n", ifl, vm, yes(!ifl && !vm));
    int flat = 1;
    for (int i = 1; i < 6; i++)
        flat &= es->seg[i] == es->seg[0];
    say(KNAME ": ES CS SS DS FS GS flat 4 GiB (0xfffffff0 reads alike through all six): %s\n",
        yes(flat));
    say(KNAME ": A20 enabled (1 MiB + x does not alias x): %s\n", yes(es->a20 == 1));
}

static void check_memory(uint32_t info, uint32_t flags)
{
    uint32_t lower = rd32(info + 4), upper = rd32(info + 8);
    dbg(KNAME ": mem_lower %u KiB, mem_upper %u KiB\n", lower, upper);
    int sizes = 1, low = 0, hole_ram = 0;
    uint64_t high = 0;      /* length of the RAM entry at 1 MiB */
    if (flags & 0x40) {
        uint32_t p = rd32(info + 48), end = p + rd32(info + 44);
        for (unsigned n = 0; p < end && n < 64; n++) {
            uint32_t size = rd32(p);
            uint64_t base = rd64(p + 4), len = rd64(p + 12);
            uint32_t type = rd32(p + 20);
            dbg(KNAME ": mmap %08x%08x +%08x%08x type %u\n", (uint32_t)(base >> 32),
                (uint32_t)base, (uint32_t)(len >> 32), (uint32_t)len, type);
            sizes &= size == 20;
            if (type == 1 && base == 0 && len >= 600 * 1024)
                low = 1;
            if (type == 1 && base == 0x100000)
                high = len;
            if (type == 1 && base < 0x100000 && base + len > 0xa0000)
                hole_ram = 1;
            p += size + 4;
        }
    }
    /* Loaders differ in where RAM below 4 GiB ends (QEMU's BIOS keeps some
     * at the top for itself), so the transcript checks, not values. */
    say(KNAME ": mem_lower between 600 and 640 KiB: %s; mem_upper at least 250 MiB: %s\n",
        yes((flags & 1) && lower >= 600 && lower <= 640), yes(upper >= 250 * 1024));
    say(KNAME ": mmap entries of size 20: %s; RAM at 0 (>= 600 KiB): %s; RAM from 1 MiB as "
        "long as mem_upper says: %s; RAM in a0000-fffff: %s\n", yes(sizes), yes(low),
        yes(high && (high >> 10) == upper), hole_ram ? (failures++, "FOUND (FAILED)") : "none");
}

/* The first line of a module, at most 60 characters. */
static void first_line(uint32_t start, uint32_t end, char *out)
{
    unsigned n = 0;
    for (uint32_t a = start; a < end && n < 60; a++) {
        char c = *(const char *)(uintptr_t)a;
        if (c == '\n' || c == 0)
            break;
        out[n++] = c;
    }
    out[n] = 0;
}

static void check_modules(uint32_t info, uint32_t flags)
{
    if (!(flags & 8))
        return;
    uint32_t count = rd32(info + 20), list = rd32(info + 24);
    int aligned = 1, above = 1;
    for (uint32_t i = 0; i < count; i++) {
        aligned &= (rd32(list + i * 16) & 0xfff) == 0;
        above &= rd32(list + i * 16) >= PHYS_OF(_end);
    }
    say(KNAME ": %u modules, page-aligned: %s, above the kernel: %s\n", count, yes(aligned),
        yes(above));
    for (uint32_t i = 0; i < count && i < 8; i++) {
        uint32_t start = rd32(list + i * 16), end = rd32(list + i * 16 + 4);
        char line[64];
        first_line(start, end, line);
        say(KNAME ": module %u \"%s\": %u bytes, \"%s\"\n", i, cstr(rd32(list + i * 16 + 8)),
            end - start, line);
    }
}

/* With "echo" on the command line: one line from COM1's receiver. */
static void echo_input(const char *cmdline)
{
    if (!kstrstr(cmdline, "echo"))
        return;
    char line[80];
    unsigned n = 0;
    int c;
    while (n + 1 < sizeof(line) && (c = com1_getc()) >= 0 && c != '\n' && c != '\r')
        line[n++] = (char)c;
    line[n] = 0;
    say(KNAME ": COM1 received \"%s\"\n", line);
}

static void report_handoff(void)
{
    if (rd32(HANDOFF_ADDR + HO_MAGIC) != HANDOFF_MAGIC) {
        dbg(KNAME ": no ringscope handoff block\n");
        return;
    }
    uint32_t st = rd32(HANDOFF_ADDR + HO_FW_STATUS);
    if (!(st & FWS_RAN)) {
        dbg(KNAME ": direct boot: the firmware did not run\n");
        return;
    }
    if (st & FWS_TIMER_WOKE)
        dbg(KNAME ": firmware: STI; HLT woke on timer tick %u\n", rd32(HANDOFF_ADDR + HO_FW_TICKS));
    else
        dbg(KNAME ": firmware: the timer check %s\n",
            st & FWS_NO_TIMER ? "was skipped (no PIC or PIT)" : "FAILED");
    dbg(KNAME ": firmware: A20 %s\n", st & FWS_A20 ? "checked on" : "NOT on");
}

#if defined(__x86_64__)
static void check_long_mode(void)
{
    uint64_t cr0, cr4, rip;
    uint32_t lo, hi;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
    __asm__ volatile("lea 0(%%rip), %0" : "=r"(rip));
    unsigned lma = (lo >> 10) & 1;
    say(KNAME ": long mode on its own: CR0.PG=%u CR4.PAE=%u EFER.LMA=%u: %s; running in the "
        "higher half: %s\n", (unsigned)(cr0 >> 31), (unsigned)((cr4 >> 5) & 1), lma,
        yes((cr0 >> 31) && lma), yes(rip >= KVMA));
    (void)hi;
}
#endif

void kmain(void)
{
    const struct entry_state *es = &entry_state;
    com1_init();
    check_cpu(es);
#if defined(__x86_64__)
    check_long_mode();
#endif
    uint32_t info = es->ebx, flags = rd32(info);
    say(KNAME ": info flags: memory=%u cmdline=%u modules=%u mmap=%u boot-loader-name=%u\n",
        flags & 1, (flags >> 2) & 1, (flags >> 3) & 1, (flags >> 6) & 1, (flags >> 9) & 1);
    dbg(KNAME ": info at %08x, flags %08x\n", info, flags);
    if (flags & 0x200)
        dbg(KNAME ": boot loader \"%s\"\n", cstr(rd32(info + 64)));
    check_memory(info, flags);
    const char *cmdline = (flags & 4) ? cstr(rd32(info + 16)) : "";
    say(KNAME ": cmdline \"%s\"\n", cmdline);
    check_modules(info, flags);
    int zero = 1;
    for (unsigned i = 0; i < sizeof(bss_probe); i++)
        zero &= bss_probe[i] == 0;
    say(KNAME ": BSS zeroed: %s\n", yes(zero));
    echo_input(cmdline);
    report_handoff();
    if (failures) {
        say(KNAME ": %u checks FAILED\n", failures);
        kexit(EXIT_FAIL);
    }
    say(KNAME ": all checks passed\n");
    kexit(EXIT_PASS);
}
