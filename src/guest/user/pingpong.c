/*
 * pingpong: two processes hand a token back and forth through two pipes;
 * every round trip is two blocking reads, so two context switches.
 *
 * Run without arguments, it is the parent: it creates the pipes, then spawns
 * a second instance of itself with the argument string "child R W", R and W
 * being the descriptor numbers of the child's ends; the child finds them open
 * because spawn gives a child copies of its parent's open descriptors (an ABI
 * requirement on the kernel, as a Unix fork+exec would).
 */
#include "ulib.h"

#define ROUNDS 1000

static int child(const char *args)
{
    const char *p = args;
    char w[16];
    next_word(&p, w, sizeof w);             /* "child" */
    int rfd = (int)strtol_dec(&p);
    int wfd = (int)strtol_dec(&p);
    u32 token;
    for (int i = 0; i < ROUNDS; i++) {
        if (read_full(rfd, &token, sizeof token) != sizeof token) {
            printf("pingpong child: read failed at round %d\n", i);
            return 1;
        }
        token++;
        if (write_full(wfd, &token, sizeof token) != sizeof token) {
            printf("pingpong child: write failed at round %d\n", i);
            return 1;
        }
    }
    printf("pingpong child (pid %ld): returned the token %d times\n", sys_getpid(), ROUNDS);
    return 0;
}

int main(const char *args)
{
    if (args && !strncmp(args, "child", 5))
        return child(args);

    int down[2], up[2];         /* parent -> child, child -> parent */
    long r1 = sys_pipe(down), r2 = sys_pipe(up);
    if (r1 < 0 || r2 < 0) {
        printf("pingpong: pipe failed (%ld, %ld)\n", r1, r2);
        return 1;
    }
    char cargs[32];
    snprintf(cargs, sizeof cargs, "child %d %d", down[0], up[1]);
    long pid = sys_spawn("pingpong", cargs);
    if (pid < 0) {
        printf("pingpong: spawn failed (%ld)\n", pid);
        return 1;
    }
    sys_close(down[0]);
    sys_close(up[1]);
    printf("pingpong: parent pid %ld, child pid %ld, %d round trips through two pipes\n",
           sys_getpid(), pid, ROUNDS);

    u32 token = 0;
    int ok = 1;
    u64 t0 = rdtsc();
    for (int i = 0; i < ROUNDS && ok; i++) {
        u32 sent = token;
        if (write_full(down[1], &token, sizeof token) != sizeof token ||
            read_full(up[0], &token, sizeof token) != sizeof token || token != sent + 1) {
            printf("pingpong: round %d failed (token %u)\n", i, token);
            ok = 0;
        }
    }
    u64 t1 = rdtsc();
    int status = 0;
    sys_wait(pid, &status);
    if (!WAIT_EXITED(status) || WAIT_CODE(status) != 0)
        ok = 0;
    printf("pingpong: token came back as %u after %d round trips (%d context switches)\n",
           token, ROUNDS, 2 * ROUNDS);
    printf("pingpong: %llu cycles per round trip (RDTSC)\n", (t1 - t0) / ROUNDS);
    return ok ? 0 : 1;
}
