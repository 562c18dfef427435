/*
 * kmain: the 64-bit kernel's start (Linux: start_kernel, rest_init; xv6:
 * main.c). boot.S arrives here in long mode on the boot stack, which becomes
 * the idle task's.
 */
#include "kernel.h"

extern u64 vdso_page;
int kstats;

static void setup_vdso(void)
{
    vdso_page = alloc_page();
    if (!vdso_page)
        panic("no memory for the vDSO");
    memcpy(P2V(vdso_page), vdso32_start, (u64)(vdso32_end - vdso32_start));
}

void kmain(u32 magic, u32 mbinfo)
{
    serial_init();
    kprintf("ringscope guest kernel\n");
    if (magic != 0x2BADB002)
        panic("not started by a multiboot loader (EAX %x)", magic);
    /* Copy the command line first: QEMU puts it just above the kernel's end,
     * in memory the page allocator is about to hand out. */
    static char cmdline[256];
    u32 *mb = P2V(mbinfo);
    if (mb[0] & 4)
        strlcpy(cmdline, P2V(mb[4]), sizeof(cmdline));
    cpu_init();
    mm_init(mbinfo);
    sched_init();
    setup_vdso();
    lapic_init();

    /* The command line: "IMAGE [--append text]"; init=NAME chooses init,
     * and the text after the image name is init's argument string. */
    const char *cmd = cmdline;
    while (*cmd && *cmd != ' ')
        cmd++;
    while (*cmd == ' ')
        cmd++;
    char args[USER_ARGS_MAX], init[32] = "init";
    strlcpy(args, cmd, sizeof(args));
    for (size_t n = strlen(args); n && args[n - 1] == ' '; n--)
        args[n - 1] = 0;
    for (const char *p = args; *p; p++) {
        if ((p == args || p[-1] == ' ') && !strncmp(p, "kstats", 6) && (!p[6] || p[6] == ' '))
            kstats = 1;
        if ((p == args || p[-1] == ' ') && !strncmp(p, "init=", 5)) {
            size_t i = 0;
            for (p += 5; *p && *p != ' ' && i < sizeof(init) - 1; p++)
                init[i++] = *p;
            init[i] = 0;
        }
    }
    kprintf("kernel: syscall, int 0x80 and sysenter entries ready; timer at 100 Hz\n");
    kprintf("kernel: starting %s (arguments '%s')\n", init, args);
    int pid = proc_spawn(init, args, 0);
    if (pid < 0)
        panic("cannot start %s (error %d)", init, -pid);
    init_pid = pid;
    idle_loop();
}
