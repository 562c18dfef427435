/*
 * `ringscope run` options (docs/cli.md). Every long option is accepted as
 * --name, -name (QEMU's spelling) and --name=VALUE; QEMU's names are used
 * where QEMU has the option (-m, -append, -initrd, -hda, -hdb, -bios,
 * -serial, -debugcon, -no-reboot, -kernel). A bad value is one line naming
 * the option and the value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontend/run.h"

enum opt_id {
    O_MEMORY, O_APPEND, O_INITRD, O_DISK, O_HDA, O_HDB, O_DISK_WRITEBACK, O_SERIAL, O_SERIAL2,
    O_DEBUGCON, O_INPUT, O_MAX_CYCLES, O_MAX_INSNS, O_FLAT, O_MODE, O_LOAD, O_BIOS,
    O_NO_FIRMWARE, O_KERNEL, O_RTC, O_CPU_HZ, O_NO_REBOOT, O_PROGRESS, O_EVENT_DIGEST, O_VGA_DUMP,
    O_STATS, O_STATS_JSON, O_TRACE, O_TRACE_FORMAT, O_TRACE_EVENTS, O_TRACE_FROM_CYCLE,
    O_TRACE_RING, O_CPU_MODEL, O_DEBUG, O_DEBUG_SCRIPT, O_HELP,
};

static const struct opt {
    const char *name;
    enum opt_id id;
    bool arg;
} opts[] = {
    { "m", O_MEMORY, true }, { "memory", O_MEMORY, true }, { "append", O_APPEND, true },
    { "initrd", O_INITRD, true }, { "disk", O_DISK, true }, { "hda", O_HDA, true },
    { "hdb", O_HDB, true }, { "disk-writeback", O_DISK_WRITEBACK, false },
    { "serial", O_SERIAL, true }, { "serial2", O_SERIAL2, true },
    { "debugcon", O_DEBUGCON, true }, { "input", O_INPUT, true },
    { "max-cycles", O_MAX_CYCLES, true }, { "max-insns", O_MAX_INSNS, true },
    { "flat", O_FLAT, true }, { "mode", O_MODE, true }, { "load", O_LOAD, true },
    { "bios", O_BIOS, true }, { "no-firmware", O_NO_FIRMWARE, false },
    { "kernel", O_KERNEL, true }, { "rtc", O_RTC, true }, { "cpu-hz", O_CPU_HZ, true },
    { "no-reboot", O_NO_REBOOT, false }, { "progress", O_PROGRESS, false },
    { "event-digest", O_EVENT_DIGEST, false }, { "vga-dump", O_VGA_DUMP, true },
    { "stats", O_STATS, false }, { "stats-json", O_STATS_JSON, true },
    { "trace", O_TRACE, true }, { "trace-format", O_TRACE_FORMAT, true },
    { "trace-events", O_TRACE_EVENTS, true }, { "trace-from-cycle", O_TRACE_FROM_CYCLE, true },
    { "trace-ring", O_TRACE_RING, true }, { "cpu-model", O_CPU_MODEL, true },
    { "debug-script", O_DEBUG_SCRIPT, true }, { "debug", O_DEBUG, false }, { "help", O_HELP, false }, { "h", O_HELP, false },
};

static const char usage_text[] =
    "usage: ringscope run [OPTIONS] [IMAGE]\n"
    "\n"
    "Boot IMAGE (a multiboot kernel) on the emulated PC, headless. COM1 and the\n"
    "debug console (port E9h) print on standard output; standard input feeds COM1.\n"
    "\n"
    "  -m, --memory SIZE          guest RAM (default 256M; K/M/G suffixes, MiB without)\n"
    "  --append TEXT              kernel command line after the image name\n"
    "  --initrd FILE[ ARGS][,...] multiboot modules, each with its command line\n"
    "  --kernel IMAGE             the same as the IMAGE argument\n"
    "  --disk FILE                ATA disk image (repeat: master, then slave)\n"
    "  -hda FILE, -hdb FILE       ATA primary master / slave\n"
    "  --disk-writeback           write disk changes back to the files\n"
    "  --serial stdio|file:PATH|none    COM1 (default stdio)\n"
    "  --serial2 stdio|file:PATH|none   COM2 (default none)\n"
    "  --debugcon stdio|file:PATH|none  port E9h debug console (default stdio)\n"
    "  --input STRING|file:PATH   bytes for COM1's receiver at power-on (\\n \\r \\t \\\\ \\xHH)\n"
    "  --max-cycles N, --max-insns N    stop after N cycles / instructions (exit 6)\n"
    "  --flat FILE --mode 16|32|64 [--load ADDR]   run a raw binary instead\n"
    "  --bios FILE                firmware image (64, 128 or 256 KiB) instead of the built-in one\n"
    "  --no-firmware              start the kernel directly in the multiboot state\n"
    "  --rtc host                 the RTC reads host time (not deterministic)\n"
    "  --cpu-hz N                 virtual core clock (default 2G)\n"
    "  --cpu-model NAME           timing profile (--cpu-model help lists them)\n"
    "  --no-reboot                a guest reset ends the run (exit 10)\n"
    "  --progress                 a status line on stderr about every second\n"
    "  --vga-dump PATH            write the 80x25 VGA text screen to PATH (- = stdout) at the end\n"
    "  --event-digest             print a digest of the transition events at exit\n"
    "  --stats                    at exit, where the cycles went (CPL, mode, CR3, transitions, TLB)\n"
    "  --stats-json FILE          the same as JSON\n"
    "  --trace FILE               write the transition events to FILE (- = stdout)\n"
    "  --trace-format jsonl|chrome   JSON Lines (default) or Chrome/Perfetto trace events\n"
    "  --trace-events KIND,...    only these kinds (syscall,sysret,soft_int,exception,...)\n"
    "  --trace-from-cycle N       only events from virtual cycle N on\n"
    "  --trace-ring N             keep the last N events; write them on triple fault or panic\n"
    "  --debug                    open the SDL2 debug window (docs/debug-window.md)\n"
    "  --debug-script FILE        drive the window with commands (step, run-to, screenshot, ...)\n"
    "\n"
    "Exit status: the guest's isa-debug-exit status (v << 1) | 1; 0 after an ACPI\n"
    "power-off; 2 usage or host error; 4 triple fault; 6 budget exhausted; 8 halted\n"
    "for good; 10 reset under --no-reboot; 128 + N killed by signal N. (docs/cli.md)\n";

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ringscope: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

/* An unsigned number: decimal or 0x hex, with an optional k/M/G/T suffix
 * (powers of 1000) when `decimal_suffixes`. */
int run_parse_u64(const char *s, uint64_t *out, bool decimal_suffixes)
{
    if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -1;
    uint64_t mul = 1;
    if (decimal_suffixes && *end) {
        switch (*end) {
        case 'k': case 'K': mul = 1000ull; break;
        case 'm': case 'M': mul = 1000000ull; break;
        case 'g': case 'G': mul = 1000000000ull; break;
        case 't': case 'T': mul = 1000000000000ull; break;
        default: return -1;
        }
        end++;
    }
    if (*end || (mul > 1 && v > UINT64_MAX / mul))
        return -1;
    *out = v * mul;
    return 0;
}

/* A memory size as QEMU's -m takes it: a number of MiB, or a number with a
 * K, M, G or T suffix (powers of 1024; "B"/"iB" may follow). */
int run_parse_size(const char *s, uint64_t *bytes)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 20;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: return -1;
        }
        end++;
        if (!strcmp(end, "B") || !strcmp(end, "iB"))
            end += strlen(end);
    }
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)v << shift;
    return 0;
}

static int sink(const char *opt, const char *v, struct run_sink *s)
{
    if (!strcmp(v, "stdio")) {
        *s = (struct run_sink){ SINK_STDIO, NULL };
    } else if (!strcmp(v, "none") || !strcmp(v, "null")) {
        *s = (struct run_sink){ SINK_NONE, NULL };
    } else if (!strncmp(v, "file:", 5) && v[5]) {
        *s = (struct run_sink){ SINK_FILE, v + 5 };
    } else {
        return bad("--%s wants stdio, file:PATH or none, not '%s'", opt, v);
    }
    return 0;
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* --input STRING: \n \r \t \\ \xHH are undone, so a line ending is typeable. */
static int input_string(const char *v, struct run_opts *o)
{
    if (!strncmp(v, "file:", 5)) {
        o->input = v;
        o->input_len = strlen(v);
        return 0;
    }
    char *buf = malloc(strlen(v) + 1);
    if (!buf)
        return bad("out of host memory");
    size_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p != '\\') {
            buf[n++] = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case '\\': buf[n++] = '\\'; break;
        case 'x':
            if (hexval((unsigned char)p[1]) >= 0 && hexval((unsigned char)p[2]) >= 0) {
                buf[n++] = (char)(hexval((unsigned char)p[1]) * 16 + hexval((unsigned char)p[2]));
                p += 2;
                break;
            }
            /* fall through */
        default:
            free(buf);
            return bad("--input: unknown escape in '%s' (use \\n \\r \\t \\\\ \\xHH)", v);
        }
    }
    free(o->input_buf);     /* a second --input replaces the first */
    o->input_buf = buf;
    o->input = buf;
    o->input_len = n;
    return 0;
}

static int add_disk(struct run_opts *o, int slot, const char *path)
{
    static const char *names[2] = { "primary master (-hda)", "primary slave (-hdb)" };
    if (slot < 0) {
        slot = !o->disk[0] ? 0 : !o->disk[1] ? 1 : -1;
        if (slot < 0)
            return bad("--disk: at most two disks (master and slave), and '%s' is a third",
                       path);
    }
    if (o->disk[slot])
        return bad("the %s disk is given twice ('%s')", names[slot], path);
    o->disk[slot] = path;
    o->ndisks++;
    return 0;
}

/* --cpu-model NAME, or "help": the list of timing profiles. */
static int cpu_model(const char *v, struct run_opts *o)
{
    const char *name, *desc;
    if (!strcmp(v, "help") || !strcmp(v, "list")) {
        printf("CPU timing profiles (docs/timing-model.md):\n");
        for (unsigned i = 0; rs_cpu_model_info(i, &name, &desc) == RS_OK; i++)
            printf("  %-14s %s%s\n", name, desc, i ? "" : " (default)");
        return 1;
    }
    for (unsigned i = 0; rs_cpu_model_info(i, &name, &desc) == RS_OK; i++)
        if (!strcmp(v, name)) {
            o->cpu_model = name;
            return 0;
        }
    return bad("--cpu-model: no profile named '%s' (try --cpu-model help)", v);
}

static int apply(const struct opt *op, const char *v, struct run_opts *o)
{
    switch (op->id) {
    case O_MEMORY:
        if (run_parse_size(v, &o->ram_bytes) || o->ram_bytes < (2ull << 20) ||
            o->ram_bytes > (64ull << 30) || o->ram_bytes % (1ull << 20))
            return bad("-m: '%s' is not a memory size between 2M and 64G in whole MiB "
                       "(e.g. 256M, 1G)", v);
        return 0;
    case O_APPEND: o->append = v; return 0;
    case O_INITRD: o->initrd = v; return 0;
    case O_DISK: return add_disk(o, -1, v);
    case O_HDA: return add_disk(o, 0, v);
    case O_HDB: return add_disk(o, 1, v);
    case O_DISK_WRITEBACK: o->disk_writeback = true; return 0;
    case O_SERIAL: return sink("serial", v, &o->serial[0]);
    case O_SERIAL2: return sink("serial2", v, &o->serial[1]);
    case O_DEBUGCON: return sink("debugcon", v, &o->debugcon);
    case O_INPUT: return input_string(v, o);
    case O_MAX_CYCLES:
        if (run_parse_u64(v, &o->max_cycles, true) || !o->max_cycles)
            return bad("--max-cycles wants a positive count (e.g. 5000000 or 5M), not '%s'", v);
        return 0;
    case O_MAX_INSNS:
        if (run_parse_u64(v, &o->max_insns, true) || !o->max_insns)
            return bad("--max-insns wants a positive count (e.g. 5000000 or 5M), not '%s'", v);
        return 0;
    case O_FLAT: o->flat = v; return 0;
    case O_MODE:
        if (strcmp(v, "16") && strcmp(v, "32") && strcmp(v, "64"))
            return bad("--mode wants 16, 32 or 64, not '%s'", v);
        o->flat_bits = (unsigned)atoi(v);
        return 0;
    case O_LOAD:
        if (run_parse_u64(v, &o->flat_load, false))
            return bad("--load wants an address (e.g. 0x100000), not '%s'", v);
        o->flat_load_set = true;
        return 0;
    case O_BIOS: o->bios = v; return 0;
    case O_NO_FIRMWARE: o->no_firmware = true; return 0;
    case O_KERNEL:
        if (o->image)
            return bad("more than one IMAGE: '%s' and '%s'", o->image, v);
        o->image = v;
        return 0;
    case O_RTC:
        if (!strcmp(v, "host") || !strcmp(v, "base=localtime") || !strcmp(v, "base=utc"))
            o->rtc_host = true;
        else if (!strcmp(v, "virtual"))
            o->rtc_host = false;
        else
            return bad("--rtc wants host or virtual, not '%s'", v);
        return 0;
    case O_CPU_HZ: {
        char num[64];
        size_t n = strlen(v);
        if (n >= 2 && n < sizeof(num) && !strcasecmp(v + n - 2, "hz"))
            n -= 2;
        snprintf(num, sizeof(num), "%.*s", (int)n, v);
        if (n >= sizeof(num) || run_parse_u64(num, &o->cpu_hz, true) || o->cpu_hz < 1000000 ||
            o->cpu_hz > 100000000000ull)
            return bad("--cpu-hz wants a frequency between 1M and 100G (e.g. 2G, 3500M), not "
                       "'%s'", v);
        return 0;
    }
    case O_NO_REBOOT: o->no_reboot = true; return 0;
    case O_PROGRESS: o->progress = true; return 0;
    case O_EVENT_DIGEST: o->event_digest = true; return 0;
    case O_VGA_DUMP: o->vga_dump = v; return 0;
    case O_STATS: o->stats = true; return 0;
    case O_STATS_JSON: o->stats_json = v; return 0;
    case O_TRACE: o->trace = v; return 0;
    case O_TRACE_FORMAT:
        if (strcmp(v, "jsonl") && strcmp(v, "chrome"))
            return bad("--trace-format wants jsonl or chrome, not '%s'", v);
        o->trace_format = v;
        return 0;
    case O_TRACE_EVENTS: o->trace_events = v; return 0;
    case O_TRACE_FROM_CYCLE:
        if (run_parse_u64(v, &o->trace_from_cycle, true))
            return bad("--trace-from-cycle wants a cycle count (e.g. 5000000 or 5M), not '%s'", v);
        return 0;
    case O_TRACE_RING:
        if (run_parse_u64(v, &o->trace_ring, true) || !o->trace_ring || o->trace_ring > (1u << 26))
            return bad("--trace-ring wants an event count between 1 and 64M, not '%s'", v);
        return 0;
    case O_CPU_MODEL: return cpu_model(v, o);
    case O_DEBUG: o->debug = true; return 0;
    case O_DEBUG_SCRIPT: o->debug_script = v; return 0;
    case O_HELP: fputs(usage_text, stdout); return 1;
    }
    return -1;
}

static const struct opt *lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
            return &opts[i];
    return NULL;
}

/* The combinations that make no sense, checked once everything is read. */
static int check(struct run_opts *o)
{
    if (o->flat && o->image)
        return bad("--flat '%s' and the kernel IMAGE '%s' exclude each other", o->flat, o->image);
    if (o->flat && !o->flat_bits)
        return bad("--flat '%s' needs --mode 16, 32 or 64", o->flat);
    if (!o->flat && (o->flat_bits || o->flat_load_set))
        return bad("--mode and --load apply to a --flat binary");
    if (!o->image && (o->flat || o->bios) && (o->append || o->initrd))
        return bad("--append and --initrd apply to a multiboot kernel IMAGE (or the bundled guest)");
    if (o->bios && o->no_firmware)
        return bad("--bios '%s' and --no-firmware exclude each other", o->bios);
    if (o->flat && o->bios)
        return bad("--flat '%s' starts without firmware; --bios '%s' cannot apply", o->flat,
                   o->bios);
    if (!o->trace && (o->trace_format || o->trace_events || o->trace_from_cycle || o->trace_ring))
        return bad("--trace-format, --trace-events, --trace-from-cycle and --trace-ring apply to "
                   "--trace FILE");
    if (o->debug_script && !o->debug)
        return bad("--debug-script applies to --debug");
    if (o->flat && !o->flat_load_set)
        o->flat_load = o->flat_bits == 16 ? 0x7c00 : 0x100000;
    return 0;
}

int run_parse_options(int argc, char **argv, struct run_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->serial[0].kind = SINK_STDIO;
    o->debugcon.kind = SINK_STDIO;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || !a[1]) {
            if (o->image)
                return bad("more than one IMAGE: '%s' and '%s'", o->image, a);
            o->image = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            options_done = true;
            continue;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt *op = lookup(name, len);
        if (!op)
            return bad("run: unknown option '%s' (try 'ringscope run --help')", a);
        const char *v = NULL;
        if (op->arg) {
            if (eq)
                v = eq + 1;
            else if (i + 1 < argc)
                v = argv[++i];
            else
                return bad("option '%s' needs a value", a);
        } else if (eq) {
            return bad("option '%.*s' takes no value", (int)(eq - a), a);
        }
        int r = apply(op, v, o);
        if (r)
            return r;
    }
    return check(o);
}
