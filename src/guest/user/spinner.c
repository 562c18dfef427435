/*
 * spinner: CPU-bound processes preempted by the timer. Run without
 * arguments, it spawns three copies of itself ("A", "B", "C") and waits for
 * them. Each copy prints its letter LINES times with a busy loop in between
 * that never yields or blocks: the loop runs until the timer has ticked
 * SPIN_TICKS times (it polls SYS_ticks), so the copies can only take turns
 * when the timer interrupt preempts them, and their lines interleave. The
 * loop gives up after a fixed amount of work, so a kernel whose timer does
 * not tick still finishes (without interleaving).
 */
#include "ulib.h"

#define LINES       4
#define SPIN_TICKS  3
#define SPIN_MAX    (1ul << 22)     /* iterations: the bound when no tick comes */

static volatile unsigned long sink;

static void spin(void)
{
    long start = sys_ticks();
    unsigned long x = 1;
    for (unsigned long i = 0; i < SPIN_MAX; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        if ((i & 0xfff) == 0 && sys_ticks() - start >= SPIN_TICKS)
            break;
    }
    sink = x;
}

static int worker(const char *name)
{
    long pid = sys_getpid();
    for (int i = 1; i <= LINES; i++) {
        spin();
        printf("spinner %s (pid %ld): %s%s%s %d/%d\n", name, pid, name, name, name, i, LINES);
    }
    return 0;
}

int main(const char *args)
{
    char w[8];
    const char *p = args;
    if (next_word(&p, w, sizeof w))
        return worker(w);

    static const char *const names[] = { "A", "B", "C" };
    long pids[3];
    printf("spinner: starting 3 CPU-bound copies; the timer interleaves their lines\n");
    for (int i = 0; i < 3; i++) {
        pids[i] = sys_spawn("spinner", names[i]);
        if (pids[i] < 0)
            printf("spinner: spawn %s failed (%ld)\n", names[i], pids[i]);
    }
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        int st = 0;
        if (pids[i] < 0 || sys_wait(pids[i], &st) != pids[i] || !WAIT_EXITED(st) || WAIT_CODE(st))
            ok = 0;
    }
    printf("spinner: all copies done%s\n", ok ? "" : " (with errors)");
    return ok ? 0 : 1;
}
