/*
 * `ringscope run` (docs/cli.md): the options (run_options.c), the host side
 * of the guest's console (run_io.c) and the run loop (cmd_run.c).
 */
#ifndef RINGSCOPE_RUN_H
#define RINGSCOPE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/stats.h"
#include "ringscope/ringscope.h"

/* Exit statuses (docs/cli.md). The guest's isa-debug-exit status is odd,
 * (v << 1) | 1 as QEMU gives it, so ringscope's own are even. */
enum {
    RUN_EXIT_POWEROFF = 0,      /* orderly power-off (ACPI S5) */
    RUN_EXIT_ERROR = 2,         /* usage or host error: one line on stderr */
    RUN_EXIT_TRIPLE_FAULT = 4,
    RUN_EXIT_BUDGET = 6,        /* --max-cycles / --max-insns ran out */
    RUN_EXIT_HALTED = 8,        /* HLT that nothing can ever end */
    RUN_EXIT_RESET = 10,        /* the guest reset the machine under --no-reboot */
    RUN_EXIT_SIGNAL = 128,      /* + the signal number (Ctrl-C: 130) */
};

/* Where a serial port or the debug console goes. */
enum run_sink_kind { SINK_NONE, SINK_STDIO, SINK_FILE };
struct run_sink {
    enum run_sink_kind kind;
    const char *path;           /* SINK_FILE */
};

struct run_opts {
    const char *image;          /* multiboot kernel, or NULL */
    const char *append, *initrd;
    uint64_t ram_bytes;
    const char *disk[2];
    unsigned ndisks;
    bool disk_writeback;
    struct run_sink serial[2], debugcon;
    const char *input;          /* --input: STRING (escapes undone) or file:PATH */
    size_t input_len;
    char *input_buf;            /* the undone STRING, freed by cmd_run */
    uint64_t max_cycles, max_insns;     /* 0: no limit */
    const char *flat;
    unsigned flat_bits;
    uint64_t flat_load;
    bool flat_load_set;
    const char *bios;
    bool no_firmware;
    bool rtc_host;
    uint64_t cpu_hz;
    bool no_reboot;
    bool progress;
    bool event_digest;          /* diagnostic: a digest of the event stream at exit */
    const char *vga_dump;       /* --vga-dump PATH ("-": stdout): the text screen at exit */
    bool stats;                 /* --stats: the report on stderr at exit */
    const char *stats_json;     /* --stats-json FILE */
    const char *cpu_model;      /* --cpu-model NAME: the timing profile, or NULL (default) */
    const char *trace;          /* --trace FILE ("-": stdout), or NULL */
    const char *trace_format;   /* --trace-format jsonl|chrome, or NULL (jsonl) */
    const char *trace_events;   /* --trace-events KIND,... (names as rs_event_kind_name), or NULL */
    uint64_t trace_from_cycle;  /* --trace-from-cycle N */
    uint64_t trace_ring;        /* --trace-ring N: keep the last N, write on triple fault/panic */
    bool debug;                 /* --debug: the SDL2 window (frontend/debug/) */
    const char *debug_script;   /* --debug-script FILE */
};

/* The command (cmd_run.c); argv[0] is "run". Returns the exit status. */
int cmd_run(int argc, char **argv);


/* Parse argv (argv[0] is "run"). Returns 0, 1 after --help (printed), or
 * -1 after printing one line naming the problem. */
int run_parse_options(int argc, char **argv, struct run_opts *o);

/* ---- run_io.c: outputs, the guest's input, the terminal ---------------- */

struct run_io {
    FILE *out[3];               /* COM1, COM2, debug console; NULL: discarded */
    bool owned[3];              /* opened by us (closed at the end) */
    int stdin_mode;             /* RUN_STDIN_* */
    bool tty_raw;               /* the terminal's settings must be restored */
    char *input;                /* --input bytes */
    size_t input_len;
    /* A copy of every byte the guest writes to COM1 (0), COM2 (1) or the
     * debug console (2), e.g. for the debug window's console panel. */
    void (*tap)(void *ctx, unsigned port, const uint8_t *data, size_t len);
    void *tap_ctx;
    struct run_io_port { struct run_io *io; unsigned index; } port[3];  /* output contexts */
};
enum { RUN_STDIN_OFF, RUN_STDIN_TTY, RUN_STDIN_PIPE };

/* Open the sinks and, if COM1 is on stdio, connect standard input. Returns
 * 0, or -1 after printing one line. */
int run_io_open(struct run_io *io, const struct run_opts *o);
/* rs_output_fn; ctx is &io->port[i]: writes to io->out[i], copies to the tap. */
void run_io_write(void *ctx, const uint8_t *data, size_t len);
void run_io_flush(struct run_io *io);
/* Feed whatever standard input has ready to COM1; with `wait_ms` > 0 wait
 * that long for it. Returns the number of bytes fed, or -1 once standard
 * input has ended (or was never connected). */
long run_io_poll_stdin(struct run_io *io, rs_machine *m, int wait_ms);
/* Flush and close everything and restore the terminal. */
void run_io_close(struct run_io *io);

/* Parse helpers shared by the option parser (run_options.c). */
int run_parse_u64(const char *s, uint64_t *out, bool decimal_suffixes);
int run_parse_size(const char *s, uint64_t *bytes);

/* ---- cmd_run.c: the run loop's state, for the trace and the window ----- */

struct trace_writer;
struct debug_window;

/* Everything one `ringscope run` holds. */
struct run_state {
    struct run_opts o;
    struct run_io io;
    rs_machine *m;                      /* replaced on a guest reset (reboot) */
    uint64_t base_insns, base_cycles;   /* counted by machines before a reboot */
    uint64_t digest, events;            /* --event-digest: FNV-1a 64 of the stream */
    struct run_stats stats;             /* --stats, --stats-json */
    struct trace_writer *trace;         /* --trace (trace.c) */
    rs_stop last_stop;                  /* why the last run_slice's rs_run returned */
    uint64_t stop_cycle;                /* run_slice stops once run-wide virtual time
                                           reaches this (0: no such stop) */
    double started;                     /* host time at power-on */
    double progress_at;
    uint64_t progress_insns;
    /* Called with every new machine (at power-on and after each reboot),
     * once it is booted: subscribers attach here. */
    void (*attach)(void *ctx, rs_machine *m);
    void *attach_ctx;
};

/* Sentinel of run_slice: the guest goes on. */
#define RUN_CONTINUE (-1)

/* Run the machine for at most `steps` steps under every rule of the
 * headless loop (budgets, signals, host I/O, reboot, pacing). Returns
 * RUN_CONTINUE, or the exit status after printing why the run ended. */
int run_slice(struct run_state *st, uint64_t steps);

/* The exit status for a signal (SIGINT, SIGTERM, SIGHUP) that has arrived,
 * after printing so, or RUN_CONTINUE: for loops that wait without calling
 * run_slice. */
int run_pending_signal(void);

/* Instructions and cycles since power-on, across reboots. */
void run_totals(const struct run_state *st, uint64_t *insns, uint64_t *cycles);

#endif
