/*
 * `ringscope run [OPTIONS] [IMAGE]`: boot a guest on the emulated PC,
 * headless (docs/cli.md). The machine runs in slices of at most a million
 * steps; between slices the outputs are flushed, standard input is fed to
 * COM1, the budgets and Ctrl-C are checked and --progress reports. The exit
 * status says how the guest ended (run.h, docs/cli.md).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "frontend/commands.h"
#include "frontend/debug/debug_window.h"
#include "frontend/trace.h"
#include "frontend/stats.h"
#include "frontend/run.h"

#define SLICE_STEPS 1000000u
#define PACE_SLICES_PER_SECOND 100     /* on a terminal: 10 ms of virtual time per slice */


static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static void on_log(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "ringscope: %s\n", line);
}

static double host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- --event-digest ------------------------------------------------------ */

static void fnv(uint64_t *h, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        *h ^= (uint8_t)(v >> (8 * i));
        *h *= 0x100000001b3ull;
    }
}

/* Every field, in a fixed order and width (never the struct's padding). */
static void on_event(void *ctx, const rs_event *e)
{
    struct run_state *st = ctx;
    uint64_t *h = &st->digest;
    fnv(h, e->cycle, 8);
    fnv(h, (uint64_t)e->kind, 4);
    fnv(h, (uint64_t)(uint16_t)e->vector, 2);
    fnv(h, e->has_error_code, 1);
    fnv(h, e->error_code, 4);
    fnv(h, e->cpl_before, 1);
    fnv(h, e->cpl_after, 1);
    fnv(h, (uint64_t)e->mode_before, 1);
    fnv(h, (uint64_t)e->mode_after, 1);
    fnv(h, e->cs_before, 2);
    fnv(h, e->cs_after, 2);
    fnv(h, e->ss_before, 2);
    fnv(h, e->ss_after, 2);
    fnv(h, e->rip_before, 8);
    fnv(h, e->rip_after, 8);
    fnv(h, e->rsp_before, 8);
    fnv(h, e->rsp_after, 8);
    fnv(h, e->cr3_before, 8);
    fnv(h, e->cr3_after, 8);
    fnv(h, e->rflags_before, 8);
    fnv(h, e->rflags_after, 8);
    fnv(h, (uint64_t)e->stack_source, 1);
    fnv(h, e->stack_index, 1);
    fnv(h, e->cycles, 8);
    st->events++;
}

/* ---- Building and booting the machine ------------------------------------ */

static int check_disks(const struct run_opts *o)
{
    for (int i = 0; i < 2; i++) {
        const char *p = o->disk[i];
        if (!p)
            continue;
        int fd = open(p, o->disk_writeback ? O_RDWR : O_RDONLY);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0) {
            fprintf(stderr, "ringscope: cannot open disk image '%s': %m\n", p);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
        if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
            fprintf(stderr, "ringscope: disk image '%s' is not a file\n", p);
            return -1;
        }
    }
    return 0;
}

static int boot(struct run_state *st, char *err, size_t errlen)
{
    const struct run_opts *o = &st->o;
    rs_machine *m = st->m;
    if (o->flat)
        return rs_boot_flat(m, o->flat, o->flat_bits, o->flat_load, err, errlen) ? -1 : 0;
    if (o->bios) {
        if (rs_load_firmware_file(m, o->bios, err, errlen))
            return -1;
    } else if (!o->no_firmware) {
        const uint8_t *rom;
        size_t len;
        if (rs_builtin_firmware(&rom, &len)) {
            snprintf(err, errlen, "this build has no built-in firmware (use --no-firmware)");
            return -1;
        }
        if (rs_load_firmware(m, rom, len, err, errlen))
            return -1;
    }
    if (!o->image)
        return 0;           /* --bios alone: the firmware is the guest */
    rs_multiboot_config mb = {
        .image = o->image, .append = o->append, .initrd = o->initrd,
        .start = o->no_firmware ? RS_BOOT_DIRECT : RS_BOOT_FIRMWARE,
    };
    return rs_boot_multiboot(m, &mb, err, errlen) ? -1 : 0;
}

static int build_machine(struct run_state *st, bool first)
{
    const struct run_opts *o = &st->o;
    rs_pc_config cfg = { 0 };
    cfg.ram_bytes = o->ram_bytes;
    cfg.cpu_hz = o->cpu_hz;
    for (unsigned i = 0; i < 3; i++)
        st->io.port[i] = (struct run_io_port){ &st->io, i };
    /* A port is connected when it has a sink or the debug window taps it. */
    for (int i = 0; i < 2; i++) {
        cfg.serial_out[i] = st->io.out[i] || st->io.tap ? run_io_write : NULL;
        cfg.serial_ctx[i] = &st->io.port[i];
        cfg.disk[i] = o->disk[i];
    }
    cfg.debugcon_out = st->io.out[2] || st->io.tap ? run_io_write : NULL;
    cfg.debugcon_ctx = &st->io.port[2];
    cfg.disk_writeback = o->disk_writeback;
    cfg.rtc_host = o->rtc_host;
    cfg.no_reboot = true;       /* a reset comes back here: see run_loop */
    char err[512] = "";
    if (rs_create_pc(&cfg, &st->m, err, sizeof(err)) != RS_OK) {
        fprintf(stderr, "ringscope: %s\n", err[0] ? err : "cannot create the machine");
        return -1;
    }
    rs_set_log(st->m, on_log, NULL);
    if (o->cpu_model && rs_set_cpu_model(st->m, o->cpu_model) != RS_OK) {
        fprintf(stderr, "ringscope: unknown --cpu-model '%s' (try --cpu-model help)\n",
                o->cpu_model);
        return -1;
    }
    if (boot(st, err, sizeof(err))) {
        fprintf(stderr, "ringscope: %s\n", err);
        return -1;
    }
    if (o->event_digest)
        rs_subscribe(st->m, on_event, st);
    if (o->stats || o->stats_json)
        stats_attach(&st->stats, st->m);
    if (st->trace)
        trace_attach(st->trace, st->m);
    if (st->attach)
        st->attach(st->attach_ctx, st->m);
    if (first && st->io.input_len &&
        rs_serial_input(st->m, 0, (const uint8_t *)st->io.input, st->io.input_len) != RS_OK)
        fprintf(stderr, "ringscope: this machine has no COM1 receiver; the input is dropped\n");
    return 0;
}

/* ---- Reports -------------------------------------------------------------- */

static const char *mode_name(rs_machine *m)
{
    rs_mode mode = RS_MODE_REAL;
    rs_get_mode(m, &mode);
    return rs_mode_name(mode);
}

/* The virtual core clock of the running machine. */
static uint64_t core_hz(rs_machine *m)
{
    uint64_t hz = 0;
    rs_get_clock(m, &hz, NULL);
    return hz ? hz : 1;
}

static unsigned current_cpl(rs_machine *m)
{
    rs_mode mode;
    rs_segment ss;
    if (rs_get_mode(m, &mode) || mode == RS_MODE_REAL || rs_get_segment(m, RS_SS, &ss))
        return 0;
    return (ss.attr >> 5) & 3;     /* CPL = SS.DPL (SDM Vol. 3A, 5.5) */
}

static void where(rs_machine *m, char *buf, size_t len)
{
    rs_segment cs = { 0 };
    uint64_t rip = 0;
    rs_get_segment(m, RS_CS, &cs);
    rs_get_reg(m, RS_RIP, &rip);
    snprintf(buf, len, "%04x:%08llx (%s)", cs.selector, (unsigned long long)rip, mode_name(m));
}

void run_totals(const struct run_state *st, uint64_t *insns, uint64_t *cycles)
{
    uint64_t i = 0, c = 0;
    if (st->m)
        rs_counters(st->m, &i, &c);
    *insns = st->base_insns + i;
    *cycles = st->base_cycles + c;
}

static void progress(struct run_state *st, bool force)
{
    double now = host_seconds();
    if (!force && now - st->progress_at < 1.0)
        return;
    uint64_t insns, cycles;
    run_totals(st, &insns, &cycles);
    double mips = (double)(insns - st->progress_insns) / (now - st->progress_at) / 1e6;
    uint64_t hz = core_hz(st->m);
    fprintf(stderr, "ringscope: %llu cycles (%.3f s virtual), %llu instructions, %.1f MIPS, %s, "
            "CPL %u\n", (unsigned long long)cycles, (double)cycles / (double)hz,
            (unsigned long long)insns, mips, mode_name(st->m), current_cpl(st->m));
    st->progress_at = now;
    st->progress_insns = insns;
}

static const char *exc_name(unsigned v)
{
    static const char *n[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
                               "vector 9", "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC",
                               "#MC", "#XM", "#VE", "#CP" };
    return v < sizeof(n) / sizeof(n[0]) ? n[v] : "vector";
}

static void report_triple_fault(rs_machine *m)
{
    rs_shutdown_report r = { 0 };
    rs_get_shutdown_report(m, &r);
    char at[64], chain[160] = "";
    size_t n = 0;
    for (unsigned i = 0; i < r.count && i < 3; i++) {
        const rs_exception *e = &r.exc[i];
        n += (size_t)snprintf(chain + n, sizeof(chain) - n, "%s%s", i ? ", then " : "",
                              exc_name(e->vector));
        if (e->vector >= 22 && n < sizeof(chain))
            n += (size_t)snprintf(chain + n, sizeof(chain) - n, " %u", e->vector);
        if (e->has_error_code && n < sizeof(chain))
            n += (size_t)snprintf(chain + n, sizeof(chain) - n, "(%04x)", e->error_code);
    }
    where(m, at, sizeof(at));
    fprintf(stderr, "ringscope: triple fault at %s%s%s; the machine shut down\n", at,
            r.count ? ": " : "", chain);
}

/* ---- The run loop --------------------------------------------------------- */

static int budget_left(struct run_state *st, uint64_t steps, uint64_t *slice)
{
    uint64_t insns, cycles;
    run_totals(st, &insns, &cycles);
    const struct run_opts *o = &st->o;
    if (o->max_insns && insns >= o->max_insns) {
        fprintf(stderr, "ringscope: the --max-insns budget ran out (%llu instructions)\n",
                (unsigned long long)insns);
        return 0;
    }
    if (o->max_cycles && cycles >= o->max_cycles) {
        fprintf(stderr, "ringscope: the --max-cycles budget ran out (%llu cycles)\n",
                (unsigned long long)cycles);
        return 0;
    }
    /* One step retires at most one instruction. */
    *slice = steps;
    if (o->max_insns && o->max_insns - insns < *slice)
        *slice = o->max_insns - insns;
    /* Virtual time: the cycle budget, and on a terminal at most PACE_CYCLES
     * of it per slice (see pace()). The limit is in this machine's cycles. */
    uint64_t mine = cycles - st->base_cycles, limit = 0;
    if (o->max_cycles)
        limit = o->max_cycles - st->base_cycles;
    if (st->stop_cycle && st->stop_cycle > st->base_cycles &&
        (!limit || st->stop_cycle - st->base_cycles < limit))
        limit = st->stop_cycle - st->base_cycles;
    if (st->io.stdin_mode == RUN_STDIN_TTY) {
        uint64_t step = core_hz(st->m) / PACE_SLICES_PER_SECOND;
        if (!limit || mine + step < limit)
            limit = mine + step;
    }
    rs_set_cycle_limit(st->m, limit);
    return 1;
}

/* Sleep `ms` milliseconds, or less if input arrives for the guest. */
static void wait_host(struct run_state *st, int ms)
{
    if (run_io_poll_stdin(&st->io, st->m, ms) >= 0)
        return;
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* On a terminal, virtual time may not run ahead of host time: a guest that
 * idles (HLT fast-forwards to its next timer tick) would otherwise spin
 * through ticks at full host speed. Off a terminal the run is not paced, so
 * it stays reproducible and as fast as it can be. */
static void pace(struct run_state *st)
{
    if (st->io.stdin_mode != RUN_STDIN_TTY)
        return;
    uint64_t insns, cycles;
    run_totals(st, &insns, &cycles);
    double hz = (double)core_hz(st->m);
    double ahead = (double)cycles / hz - (host_seconds() - st->started);
    if (ahead > 0.001)
        wait_host(st, ahead > 0.1 ? 100 : (int)(ahead * 1000));
}

/* A guest reset is a cold boot: a new machine with the images loaded
 * again, as QEMU reloads -kernel. */
static int reboot(struct run_state *st)
{
    uint64_t i = 0, c = 0;
    rs_counters(st->m, &i, &c);
    st->base_insns += i;
    st->base_cycles += c;
    if (st->m && (st->o.stats || st->o.stats_json))
        stats_detach(&st->stats, st->m);
    rs_destroy(st->m);
    st->m = NULL;
    return build_machine(st, false);
}

int run_pending_signal(void)
{
    if (!got_signal)
        return RUN_CONTINUE;
    fprintf(stderr, "ringscope: stopped by signal %d\n", (int)got_signal);
    return RUN_EXIT_SIGNAL + got_signal;
}

int run_slice(struct run_state *st, uint64_t steps)
{
    int sig = run_pending_signal();
    if (sig != RUN_CONTINUE)
        return sig;
    uint64_t slice;
    if (!budget_left(st, steps, &slice))
        return RUN_EXIT_BUDGET;
    rs_stop why = RS_STOP_BUDGET;
    uint64_t retired = 0, c0 = 0, c1 = 0;
    rs_counters(st->m, NULL, &c0);
    rs_run(st->m, slice, &why, &retired);
    st->last_stop = why;
    rs_counters(st->m, NULL, &c1);
    run_io_flush(&st->io);
    if (ferror(stdout)) {
        fprintf(stderr, "ringscope: cannot write to standard output\n");
        return RUN_EXIT_ERROR;
    }
    run_io_poll_stdin(&st->io, st->m, 0);
    pace(st);
    if (st->o.progress)
        progress(st, false);

    char at[64];
    switch (why) {
    case RS_STOP_BUDGET:
        if (slice >= SLICE_STEPS && retired == 0 && c1 - c0 >= SLICE_STEPS * 100000ull &&
            st->io.stdin_mode == RUN_STDIN_OFF) {
            /* A whole slice of steps, no instruction retired, and virtual
             * time leapt: the CPU sat in HLT while a million timer
             * deadlines passed and none woke it (every interrupt it could
             * take is masked). (A long REP string instruction also
             * retires nothing for many steps, but moves time slowly.) */
            where(st->m, at, sizeof(at));
            fprintf(stderr, "ringscope: the guest halted at %s and a million timer "
                    "deadlines passed without waking it\n", at);
            return RUN_EXIT_HALTED;
        }
        return RUN_CONTINUE;
    case RS_STOP_REQUESTED:
    case RS_STOP_BREAKPOINT:        /* the debug window's: it looks at the machine next */
        return RUN_CONTINUE;
    case RS_STOP_POWEROFF: {
        int status = 0;
        rs_get_exit_status(st->m, &status);
        /* isa-debug-exit: QEMU's (v << 1) | 1; ACPI S5 reports a
         * negative status: an orderly power-off, 0. */
        return status < 0 ? RUN_EXIT_POWEROFF : (int)((((unsigned)status << 1) | 1) & 0xff);
    }
    case RS_STOP_SHUTDOWN:
        report_triple_fault(st->m);
        return RUN_EXIT_TRIPLE_FAULT;
    case RS_STOP_RESET:
        if (st->o.no_reboot) {
            fprintf(stderr, "ringscope: the guest reset the machine (--no-reboot)\n");
            return RUN_EXIT_RESET;
        }
        if (reboot(st))
            return RUN_EXIT_ERROR;
        return RUN_CONTINUE;
    case RS_STOP_HALT: {
        uint64_t fl = 0;
        rs_get_reg(st->m, RS_RFLAGS, &fl);
        if ((fl & 0x200) && st->io.stdin_mode != RUN_STDIN_OFF) {
            /* Only input can wake the guest now: wait for it. */
            wait_host(st, 100);
            return RUN_CONTINUE;
        }
        where(st->m, at, sizeof(at));
        if (fl & 0x200)
            fprintf(stderr, "ringscope: the guest halted at %s with nothing left to wake "
                    "it\n", at);
        else
            fprintf(stderr, "ringscope: the guest halted with interrupts disabled at %s\n",
                    at);
        return RUN_EXIT_HALTED;
    }
    case RS_STOP_EXCEPTION:
        where(st->m, at, sizeof(at));
        fprintf(stderr, "ringscope: the machine stopped on an exception at %s\n", at);
        return RUN_EXIT_ERROR;
    }
    return RUN_CONTINUE;
}

static int run_loop(struct run_state *st)
{
    int rc;
    while ((rc = run_slice(st, SLICE_STEPS)) == RUN_CONTINUE)
        ;
    return rc;
}

/* Everything after the options: run the machine and clean up. */
static int dump_vga(rs_machine *m, const char *path);

static int run_main(struct run_state *st)
{
    const struct run_opts *o = &st->o;
    if (!o->image && !o->flat && !o->bios) {
        /* No IMAGE: the bundled guest (src/guest, docs/guest.md), looked up next to
         * this binary first, then where the build wrote it. */
        static char guest[4200];
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        struct stat sb;
        guest[0] = 0;
        if (n > 0) {
            self[n] = 0;
            char *slash = strrchr(self, '/');
            if (slash && (size_t)(slash - self) + 32 < sizeof(guest)) {
                *slash = 0;
                snprintf(guest, sizeof(guest), "%.4096s/ringscope-guest.elf", self);
                if (stat(guest, &sb) || !S_ISREG(sb.st_mode))
                    guest[0] = 0;
            }
        }
#ifdef RINGSCOPE_GUEST_PATH
        if (!guest[0] && !stat(RINGSCOPE_GUEST_PATH, &sb) && S_ISREG(sb.st_mode))
            snprintf(guest, sizeof(guest), "%s", RINGSCOPE_GUEST_PATH);
#endif
        if (!guest[0]) {
            fprintf(stderr, "ringscope: no IMAGE given, and the bundled guest "
                    "(ringscope-guest.elf) was not found next to ringscope or where it was "
                    "built (try 'ringscope run KERNEL')\n");
            return RUN_EXIT_ERROR;
        }
        st->o.image = guest;
    }
    if (check_disks(o) || run_io_open(&st->io, o)) {
        run_io_close(&st->io);
        return RUN_EXIT_ERROR;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = RUN_EXIT_ERROR;
    st->started = st->progress_at = host_seconds();
    if (o->debug && debug_window_open(st))
        goto out;
    int built = build_machine(st, true);
    if (built != 0 && o->debug)
        debug_window_close(st);
    /* The trace starts once the image has loaded (a bad image is its own
     * error, and leaves no trace file behind). */
    if (built == 0 && o->trace) {
        if (trace_start(st))
            goto out;
        trace_attach(st->trace, st->m);
    }
    if (built == 0) {
        rc = o->debug ? debug_window_run(st) : run_loop(st);
        if (o->progress)
            progress(st, true);
        if (o->vga_dump && dump_vga(st->m, o->vga_dump) && rc != RUN_EXIT_ERROR)
            rc = RUN_EXIT_ERROR;
        if (o->event_digest) {
            uint64_t insns, cycles;
            run_totals(st, &insns, &cycles);
            fprintf(stderr, "ringscope: event digest %016llx over %llu events, %llu "
                    "instructions, %llu cycles\n", (unsigned long long)st->digest,
                    (unsigned long long)st->events, (unsigned long long)insns,
                    (unsigned long long)cycles);
        }
    }
    if (st->m && (o->stats || o->stats_json)) {
        uint64_t insns, cycles;
        run_totals(st, &insns, &cycles);
        uint64_t hz = core_hz(st->m);
        stats_detach(&st->stats, st->m);
        double secs = host_seconds() - st->started;
        if (o->stats)
            stats_print(&st->stats, stderr, insns, cycles, hz, secs);
        if (o->stats_json) {
            FILE *f = strcmp(o->stats_json, "-") ? fopen(o->stats_json, "w") : stdout;
            if (!f || stats_write_json(&st->stats, f, insns, cycles, hz, secs)) {
                fprintf(stderr, "ringscope: --stats-json: cannot write '%s': %s\n", o->stats_json,
                        strerror(errno));
                rc = RUN_EXIT_ERROR;
            }
            if (f && f != stdout)
                fclose(f);
        }
    }
out:
    if (st->trace && trace_finish(st, rc) && rc != RUN_EXIT_ERROR)
        rc = RUN_EXIT_ERROR;
    rs_destroy(st->m);
    run_io_close(&st->io);
    return rc;
}

/* --vga-dump: the text screen as 25 lines of 80 characters. */
static int dump_vga(rs_machine *m, const char *path)
{
    char screen[25 * 81 + 1];
    if (rs_vga_text(m, screen, sizeof(screen)) != RS_OK) {
        fprintf(stderr, "ringscope: --vga-dump: this machine has no VGA text screen\n");
        return -1;
    }
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "ringscope: --vga-dump: cannot write '%s': %s\n", path, strerror(errno));
        return -1;
    }
    fputs(screen, f);
    if (f != stdout)
        fclose(f);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run_state st;
    memset(&st, 0, sizeof(st));
    st.digest = 0xcbf29ce484222325ull;     /* FNV-1a 64 offset basis */
    int r = run_parse_options(argc, argv, &st.o);
    int rc = r ? (r > 0 ? 0 : RUN_EXIT_ERROR) : run_main(&st);
    free(st.o.input_buf);
    return rc;
}
