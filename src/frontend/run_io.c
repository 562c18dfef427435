/*
 * The host side of the guest's console for `ringscope run`: where COM1,
 * COM2 and the debug console's bytes go, and what COM1 receives.
 *
 * Standard input feeds COM1 when COM1 is on stdio:
 *   - a terminal is put in raw mode (no echo, no line editing, no CR/NL
 *     translation on input, so Enter sends CR as a serial terminal does;
 *     output processing and Ctrl-C stay on) and restored at exit;
 *   - a pipe or socket is read as bytes become available, between run
 *     slices: when they reach the guest depends on host timing, so such
 *     runs are not reproducible (--input is);
 *   - a regular file is read whole at power-on, like --input file:PATH;
 *   - anything else (e.g. /dev/null) is ignored.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "frontend/run.h"

/* The terminal settings to restore. File-static because the atexit
 * handler that restores them takes no argument. */
static struct termios saved_tty;
static bool tty_saved;

static void restore_tty(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        tty_saved = false;
    }
}

static int say(const char *what, const char *path, const char *why)
{
    fprintf(stderr, "ringscope: cannot %s '%s': %s\n", what, path, why);
    return -1;
}

/* Read a whole file, appending to io->input. */
static int slurp(struct run_io *io, int fd, const char *path)
{
    for (;;) {
        char *grown = realloc(io->input, io->input_len + 65536);
        if (!grown)
            return say("read", path, "out of host memory");
        io->input = grown;
        ssize_t n = read(fd, io->input + io->input_len, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return say("read", path, strerror(errno));
        if (n == 0)
            return 0;
        io->input_len += (size_t)n;
    }
}

static int open_input(struct run_io *io, const struct run_opts *o)
{
    if (!o->input)
        return 0;
    if (!strncmp(o->input, "file:", 5)) {
        const char *path = o->input + 5;
        FILE *f = fopen(path, "rb");
        if (!f)
            return say("read --input file", path, strerror(errno));
        int r = slurp(io, fileno(f), path);
        fclose(f);
        return r;
    }
    io->input = malloc(o->input_len ? o->input_len : 1);
    if (!io->input)
        return say("keep", "--input", "out of host memory");
    memcpy(io->input, o->input, o->input_len);
    io->input_len = o->input_len;
    return 0;
}

static int open_stdin(struct run_io *io)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0)
        return 0;
    if (isatty(STDIN_FILENO)) {
        struct termios t;
        if (tcgetattr(STDIN_FILENO, &t) != 0)
            return 0;
        saved_tty = t;
        tty_saved = true;
        atexit(restore_tty);
        t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
        io->tty_raw = true;
        io->stdin_mode = RUN_STDIN_TTY;
    } else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        io->stdin_mode = RUN_STDIN_PIPE;
    } else if (S_ISREG(st.st_mode)) {
        return slurp(io, STDIN_FILENO, "standard input");
    }
    return 0;
}

int run_io_open(struct run_io *io, const struct run_opts *o)
{
    memset(io, 0, sizeof(*io));
    const struct run_sink *s[3] = { &o->serial[0], &o->serial[1], &o->debugcon };
    static const char *what[3] = { "write --serial file", "write --serial2 file",
                                   "write --debugcon file" };
    for (int i = 0; i < 3; i++) {
        if (s[i]->kind == SINK_STDIO) {
            io->out[i] = stdout;
        } else if (s[i]->kind == SINK_FILE) {
            /* Two outputs naming one file share it (in order of writing). */
            for (int k = 0; k < i; k++)
                if (s[k]->kind == SINK_FILE && !strcmp(s[k]->path, s[i]->path))
                    io->out[i] = io->out[k];
            if (!io->out[i]) {
                io->out[i] = fopen(s[i]->path, "wb");
                if (!io->out[i])
                    return say(what[i], s[i]->path, strerror(errno));
                io->owned[i] = true;
            }
        }
    }
    if (open_input(io, o))
        return -1;
    if (o->serial[0].kind == SINK_STDIO)
        return open_stdin(io);
    return 0;
}

void run_io_write(void *ctx, const uint8_t *data, size_t len)
{
    const struct run_io_port *p = ctx;
    struct run_io *io = p->io;
    if (io->out[p->index])
        fwrite(data, 1, len, io->out[p->index]);
    if (io->tap)
        io->tap(io->tap_ctx, p->index, data, len);
}

void run_io_flush(struct run_io *io)
{
    for (int i = 0; i < 3; i++)
        if (io->out[i])
            fflush(io->out[i]);
}

long run_io_poll_stdin(struct run_io *io, rs_machine *m, int wait_ms)
{
    if (io->stdin_mode == RUN_STDIN_OFF)
        return -1;
    struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
    int r = poll(&p, 1, wait_ms);
    if (r <= 0)
        return 0;
    uint8_t buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : (io->stdin_mode = RUN_STDIN_OFF, -1);
    if (n == 0) {
        io->stdin_mode = RUN_STDIN_OFF;     /* end of input */
        return -1;
    }
    rs_serial_input(m, 0, buf, (size_t)n);  /* no COM1 yet: the bytes are dropped */
    return n;
}

void run_io_close(struct run_io *io)
{
    run_io_flush(io);
    for (int i = 0; i < 3; i++) {
        if (!io->owned[i])
            continue;
        for (int k = i + 1; k < 3; k++)
            if (io->out[k] == io->out[i])
                io->owned[k] = false;
        fclose(io->out[i]);
    }
    free(io->input);
    io->input = NULL;
    if (io->tty_raw)
        restore_tty();
}
