/*
 * init: the first user process. By default it runs the demo sequence, each
 * program spawned and waited for in turn, checks each wait status against
 * what it should be, prints a summary and powers off with status 0 if every
 * program ended as expected, else 1. With "shell" in its argument string
 * (as a word, or as init=shell), it runs the shell instead and powers off
 * when the shell exits.
 */
#include "ulib.h"

struct demo {
    const char *name;
    const char *args;
    int fault;      /* 0: must exit with code 0; else the fault vector that must kill it */
};

static const struct demo demos[] = {
    { "hello64",          "", 0 },
    { "hello32-int80",    "", 0 },
    { "hello32-sysenter", "", 0 },
    { "pingpong",         "", 0 },
    { "spinner",          "", 0 },
    { "faulty-ptr",       "", 14 },    /* #PF */
    { "faulty-priv",      "", 13 },    /* #GP */
    { "transbench",       "", 0 },
};
#define NDEMOS ((int)(sizeof demos / sizeof demos[0]))

/* Spawn `name` and wait for it; returns the wait status, or -1. */
static int run(const char *name, const char *args, long *pidp)
{
    long pid = sys_spawn(name, args);
    *pidp = pid;
    if (pid < 0) {
        printf("init: spawn %s failed (error %ld)\n", name, -pid);
        return -1;
    }
    int status = 0;
    long r = sys_wait(pid, &status);
    if (r != pid) {
        printf("init: wait for %s (pid %ld) failed (%ld)\n", name, pid, r);
        return -1;
    }
    return status;
}

static int run_shell(void)
{
    long pid;
    printf("init: starting the shell\n");
    int st = run("shell", "", &pid);
    char buf[48];
    if (st >= 0)
        printf("init: shell %s, powering off\n", wait_status_str(st, buf, sizeof buf));
    int ok = st >= 0 && WAIT_EXITED(st) && WAIT_CODE(st) == 0;
    sys_poweroff(ok ? 0 : 1);
    return ok ? 0 : 1;
}

int main(const char *args)
{
    printf("init: pid %ld, args \"%s\"\n", sys_getpid(), args ? args : "");
    if (args && (has_word(args, "shell") || has_word(args, "init=shell")))
        return run_shell();

    int good = 0;
    for (int i = 0; i < NDEMOS; i++) {
        const struct demo *d = &demos[i];
        long pid;
        char got[48], want[48];
        printf("init: running %s\n", d->name);
        int st = run(d->name, d->args, &pid);
        int ok;
        if (d->fault) {
            ok = st >= 0 && !WAIT_EXITED(st) && WAIT_FAULT(st) == d->fault;
            snprintf(want, sizeof want, "killed by %s", vector_name(d->fault));
        } else {
            ok = st >= 0 && WAIT_EXITED(st) && WAIT_CODE(st) == 0;
            snprintf(want, sizeof want, "exited 0");
        }
        if (st >= 0)
            wait_status_str(st, got, sizeof got);
        else
            snprintf(got, sizeof got, "not run");
        printf("init: %s (pid %ld) %s: %s\n", d->name, pid, got,
               ok ? "as expected" : "UNEXPECTED");
        if (!ok)
            printf("init:   expected: %s\n", want);
        good += ok;
    }
    int all = good == NDEMOS;
    printf("init: %d of %d programs ended as expected: %s\n", good, NDEMOS,
           all ? "PASS" : "FAIL");
    printf("init: powering off with status %d\n", all ? 0 : 1);
    sys_poweroff(all ? 0 : 1);
    return all ? 0 : 1;     /* only if poweroff failed */
}
