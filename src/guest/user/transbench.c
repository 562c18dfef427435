/*
 * transbench: round-trip costs measured in the guest with RDTSC, printed as
 * medians of SAMPLES samples, each sample one operation between two RDTSCs
 * minus the median cost of an empty RDTSC pair:
 *   - a null system call (getpid) through SYSCALL (here);
 *   - through INT 0x80 and SYSENTER (by the 32-bit helper transbench32,
 *     which this program spawns and waits for);
 *   - a page-fault round trip: the first touch of each page of a 256 KiB
 *     stack array, measured in a child ("transbench pf") so that a kernel
 *     which does not grow the user stack on demand only kills the child;
 *   - a context switch: pingpong through two pipes with a child
 *     ("transbench pong R W", which relies on spawn passing the parent's
 *     descriptors to the child); a round trip is two switches.
 */
#include "ulib.h"

#define SAMPLES   201
#define PF_PAGES  64                    /* 256 KiB of fresh stack */

static u64 samples[SAMPLES];

static u64 rdtsc_overhead(void)
{
    for (int i = 0; i < SAMPLES; i++) {
        u64 t0 = rdtsc();
        u64 t1 = rdtsc();
        samples[i] = t1 - t0;
    }
    return median_u64(samples, SAMPLES);
}

static u64 net(u64 m, u64 overhead) { return m > overhead ? m - overhead : 0; }

/* ---- page faults (child) ---- */

static __attribute__((noinline)) int pf_probe(u64 overhead)
{
    char stack_area[PF_PAGES * 4096];
    volatile char *area = stack_area;
    u64 first[PF_PAGES], again[PF_PAGES];
    /* Touch from the top down, the direction the stack grows. */
    for (int i = PF_PAGES - 1; i >= 0; i--) {
        u64 t0 = rdtsc();
        area[i * 4096] = 1;
        u64 t1 = rdtsc();
        first[PF_PAGES - 1 - i] = t1 - t0;
    }
    for (int i = PF_PAGES - 1; i >= 0; i--) {
        u64 t0 = rdtsc();
        area[i * 4096] = 2;
        u64 t1 = rdtsc();
        again[PF_PAGES - 1 - i] = t1 - t0;
    }
    u64 mf = net(median_u64(first, PF_PAGES), overhead);
    u64 ma = net(median_u64(again, PF_PAGES), overhead);
    printf("transbench: page fault (first touch of a stack page): median %llu cycles"
           " (a touch of a mapped page: %llu)\n", mf, ma);
    return 0;
}

/* ---- context switch ---- */

static int pong(const char *p)
{
    int rfd = (int)strtol_dec(&p);
    int wfd = (int)strtol_dec(&p);
    u32 token;
    for (int i = 0; i < SAMPLES; i++) {
        if (read_full(rfd, &token, sizeof token) != sizeof token)
            return 1;
        if (write_full(wfd, &token, sizeof token) != sizeof token)
            return 1;
    }
    return 0;
}

static int bench_switch(u64 overhead)
{
    int down[2], up[2];
    if (sys_pipe(down) < 0 || sys_pipe(up) < 0) {
        printf("transbench: context switch: skipped (no pipe)\n");
        return 1;
    }
    char a[32];
    snprintf(a, sizeof a, "pong %d %d", down[0], up[1]);
    long pid = sys_spawn("transbench", a);
    if (pid < 0) {
        printf("transbench: context switch: skipped (spawn failed: %ld)\n", pid);
        return 1;
    }
    sys_close(down[0]);
    sys_close(up[1]);
    int ok = 1;
    for (int i = 0; i < SAMPLES; i++) {
        u32 token = (u32)i;
        u64 t0 = rdtsc();
        if (write_full(down[1], &token, sizeof token) != sizeof token ||
            read_full(up[0], &token, sizeof token) != sizeof token) {
            ok = 0;
            break;
        }
        u64 t1 = rdtsc();
        samples[i] = t1 - t0;
    }
    int st = 0;
    sys_wait(pid, &st);
    if (!ok || !WAIT_EXITED(st) || WAIT_CODE(st)) {
        printf("transbench: context switch: the pipe round trip failed\n");
        return 1;
    }
    u64 m = net(median_u64(samples, SAMPLES), overhead);
    printf("transbench: pipe round trip (2 context switches): median %llu cycles,"
           " %llu per switch\n", m, m / 2);
    return 0;
}

/* Spawn and wait for a helper; returns its wait status or -1. */
static int run(const char *name, const char *args)
{
    long pid = sys_spawn(name, args);
    if (pid < 0)
        return -1;
    int st = 0;
    if (sys_wait(pid, &st) != pid)
        return -1;
    return st;
}

int main(const char *args)
{
    char w[16];
    const char *p = args;
    next_word(&p, w, sizeof w);
    if (!strcmp(w, "pf"))
        return pf_probe(rdtsc_overhead());
    if (!strcmp(w, "pong"))
        return pong(p);

    int ok = 1;
    u64 overhead = rdtsc_overhead();
    printf("transbench: medians of %d samples, RDTSC cycles, minus an empty RDTSC pair (%llu)\n",
           SAMPLES, overhead);

    for (int i = 0; i < SAMPLES; i++) {
        u64 t0 = rdtsc();
        sys_getpid();
        u64 t1 = rdtsc();
        samples[i] = t1 - t0;
    }
    printf("transbench: null system call (getpid) via SYSCALL: median %llu cycles\n",
           net(median_u64(samples, SAMPLES), overhead));

    int st = run("transbench32", "");
    if (st < 0 || !WAIT_EXITED(st) || WAIT_CODE(st)) {
        printf("transbench: transbench32 failed\n");
        ok = 0;
    }

    st = run("transbench", "pf");
    if (st < 0 || !WAIT_EXITED(st) || WAIT_CODE(st)) {
        char b[48];
        printf("transbench: page fault: skipped (the probe %s: the kernel does not grow"
               " the user stack on demand)\n",
               st < 0 ? "could not run" : wait_status_str(st, b, sizeof b));
    }

    if (bench_switch(overhead))
        ok = 0;
    return ok ? 0 : 1;
}
