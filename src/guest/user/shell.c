/*
 * shell: a small serial shell. Reads lines from fd 0 (raw serial bytes; the
 * shell echoes what it reads and handles backspace itself), runs
 * "NAME [ARGS...]" with spawn + wait and prints the exit status. Built-ins:
 * help, exit. End of input (a read returning 0 or an error) ends it too.
 */
#include "ulib.h"

#define LINE_MAX 128

/* Read one line into buf; returns its length, or -1 at end of input. */
static int read_line(char *buf, int size)
{
    int n = 0;
    for (;;) {
        char c;
        long r = sys_read(0, &c, 1);
        if (r <= 0)
            return n ? n : -1;
        if (c == '\r' || c == '\n') {
            sys_write(1, "\n", 1);
            buf[n] = 0;
            return n;
        }
        if (c == 0x7f || c == 0x08) {
            if (n > 0) {
                n--;
                sys_write(1, "\b \b", 3);
            }
            continue;
        }
        if ((unsigned char)c < 0x20 || n + 1 >= size)
            continue;
        buf[n++] = c;
        sys_write(1, &c, 1);
    }
}

int main(const char *args)
{
    char line[LINE_MAX], name[LINE_MAX];
    printf("shell: type a program name (hello64, hello32-int80, hello32-sysenter, pingpong,\n"
           "shell: spinner, faulty-ptr, faulty-priv, transbench), \"help\" or \"exit\"\n");
    for (;;) {
        printf("$ ");
        int n = read_line(line, sizeof line);
        if (n < 0) {
            printf("\nshell: end of input\n");
            return 0;
        }
        const char *p = line;
        if (!next_word(&p, name, sizeof name))
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strcmp(name, "exit"))
            return 0;
        if (!strcmp(name, "help")) {
            printf("shell: NAME [ARGS] runs a program and waits for it; exit leaves\n");
            continue;
        }
        long pid = sys_spawn(name, p);
        if (pid < 0) {
            printf("shell: %s: %s (error %ld)\n", name,
                   pid == -ENOENT ? "no such program" : "spawn failed", -pid);
            continue;
        }
        int st = 0;
        long r = sys_wait(pid, &st);
        char b[48];
        if (r != pid)
            printf("shell: wait for %s failed (%ld)\n", name, r);
        else
            printf("shell: %s (pid %ld) %s\n", name, pid, wait_status_str(st, b, sizeof b));
    }
}
