/*
 * run_firmware: boot a 64 KiB BIOS-style firmware image in ringscope from the
 * x86 reset vector, through the public API only (include/ringscope/ringscope.h),
 * and print what the guest writes to the debug console.
 *
 *   run_firmware [--budget N] [--events] IMAGE
 *
 * The machine gets RAM at 0-16 MiB and 64 KiB at 0xFFFF0000; the image is
 * copied to 0xFFFF0000 (where the first fetch, F000:FFF0 with CS.base
 * FFFF0000, finds it) and to 0xF0000 (the alias below 1 MiB a PC decodes to
 * the same ROM). Exceptions are delivered through the guest's IVT/IDT
 * (stop_on_exception = false), as on a real machine.
 *
 * Ports: every byte written to 0xE9 goes to stdout unchanged (QEMU's
 * -debugcon); a write of v to 0xF4 ends the run (QEMU's isa-debug-exit, which
 * exits with status (v << 1) | 1). IN returns all-ones (an empty bus).
 *
 * One line on stderr says how the run ended. Exit status:
 *   0  the guest wrote EXIT_PASS (0x10) to port 0xF4
 *   1  the guest wrote another value to port 0xF4 (its FAIL path)
 *   2  usage, file or API error
 *   3  triple fault (shutdown)
 *   4  an exception stopped the machine instead of being delivered
 *   5  the instruction budget ran out
 *   6  HLT with nothing to wake the CPU
 *
 * --events prints every transition event (rs_subscribe) to stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringscope/ringscope.h>

enum {
    IMAGE_SIZE = 0x10000,
    PORT_DEBUGCON = 0xE9,
    PORT_EXIT = 0xF4,
    EXIT_PASS = 0x10,           /* tests/firmware/defs.h */
};
#define RAM_SIZE        (16ull << 20)
#define ROM_HIGH        0xFFFF0000ull
#define ROM_LOW         0xF0000ull
#define DEFAULT_BUDGET  50000000ull

struct run {
    rs_machine *m;
    bool exited;
    uint32_t exit_value;
    uint64_t console_bytes;
};

static uint32_t port_in(void *ctx, uint16_t port, unsigned size)
{
    (void)ctx;
    (void)port;
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static void port_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
    struct run *r = ctx;
    (void)size;
    if (port == PORT_DEBUGCON) {
        putchar((int)(value & 0xFF));
        r->console_bytes++;
    } else if (port == PORT_EXIT && !r->exited) {
        r->exited = true;
        r->exit_value = value;
        rs_request_stop(r->m);
    }
}

static void print_event(void *ctx, const rs_event *ev)
{
    (void)ctx;
    const char *kind = rs_event_kind_name(ev->kind);
    fprintf(stderr, "event %-12s vec %4d", kind, ev->vector);
    if (ev->has_error_code)
        fprintf(stderr, " err %#" PRIx32, ev->error_code);
    fprintf(stderr, "  cpl %u->%u %s->%s  %04x:%" PRIx64 " -> %04x:%" PRIx64
            "  ss:rsp %04x:%" PRIx64 " -> %04x:%" PRIx64 "\n",
            ev->cpl_before, ev->cpl_after, rs_mode_name(ev->mode_before), rs_mode_name(ev->mode_after),
            ev->cs_before, ev->rip_before, ev->cs_after, ev->rip_after,
            ev->ss_before, ev->rsp_before, ev->ss_after, ev->rsp_after);
}

/* "CS:RIP (mode)" of the current state, for the one-line reasons. */
static void where(rs_machine *m, char *buf, size_t len)
{
    rs_segment cs = { 0 };
    uint64_t rip = 0;
    rs_mode mode = RS_MODE_REAL;
    rs_get_segment(m, RS_CS, &cs);
    rs_get_reg(m, RS_RIP, &rip);
    rs_get_mode(m, &mode);
    snprintf(buf, len, "%04x:%08" PRIx64 " (%s mode)", cs.selector, rip, rs_mode_name(mode));
}

static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "coprocessor overrun",
    "#TS", "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM", "#VE",
    "#CP",
};

static const char *exception_name(unsigned vector)
{
    return vector < 32 && exception_names[vector] ? exception_names[vector] : "exception";
}

static void format_exception(const rs_exception *e, char *buf, size_t len)
{
    if (e->has_error_code)
        snprintf(buf, len, "%s (vector %u, error code %#" PRIx32 ")", exception_name(e->vector),
                 e->vector, e->error_code);
    else
        snprintf(buf, len, "%s (vector %u)", exception_name(e->vector), e->vector);
}

static int usage(void)
{
    fprintf(stderr, "usage: run_firmware [--budget N] [--events] IMAGE\n");
    return 2;
}

static int api_error(const char *what, rs_err err)
{
    fprintf(stderr, "run_firmware: %s: %s\n", what, rs_strerror(err));
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t budget = DEFAULT_BUDGET;
    bool events = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--budget") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            budget = strtoull(argv[++i], &end, 0);
            if (errno || *end || budget == 0)
                return usage();
        } else if (strcmp(argv[i], "--events") == 0) {
            events = true;
        } else if (argv[i][0] == '-' || path) {
            return usage();
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage();

    static uint8_t image[IMAGE_SIZE + 1];
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "run_firmware: %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t n = fread(image, 1, sizeof image, f);
    fclose(f);
    if (n != IMAGE_SIZE) {
        fprintf(stderr, "run_firmware: %s: the image must be exactly %d bytes\n", path, IMAGE_SIZE);
        return 2;
    }

    rs_config cfg = { .stop_on_exception = false };
    struct run r = { 0 };
    rs_err err;
    if ((err = rs_create(&cfg, &r.m)))
        return api_error("rs_create", err);
    if ((err = rs_map_ram(r.m, 0, RAM_SIZE)) ||
        (err = rs_map_ram(r.m, ROM_HIGH, IMAGE_SIZE)))
        return api_error("rs_map_ram", err);
    if ((err = rs_write_phys(r.m, ROM_HIGH, image, IMAGE_SIZE)) ||
        (err = rs_write_phys(r.m, ROM_LOW, image, IMAGE_SIZE)))
        return api_error("rs_write_phys", err);
    if ((err = rs_set_port_handlers(r.m, port_in, port_out, &r)))
        return api_error("rs_set_port_handlers", err);
    if (events && (err = rs_subscribe(r.m, print_event, NULL)))
        return api_error("rs_subscribe", err);

    rs_stop why = RS_STOP_BUDGET;
    uint64_t retired = 0;
    if ((err = rs_run(r.m, budget, &why, &retired)))
        return api_error("rs_run", err);
    fflush(stdout);

    char at[64], exc[96];
    where(r.m, at, sizeof at);
    int status;
    switch (why) {
    case RS_STOP_REQUESTED:
        fprintf(stderr, "run_firmware: the guest wrote %#" PRIx32 " to port 0xf4 after %" PRIu64
                " instructions (%s)\n", r.exit_value, retired,
                r.exit_value == EXIT_PASS ? "pass" : "its FAIL path");
        status = r.exit_value == EXIT_PASS ? 0 : 1;
        break;
    case RS_STOP_SHUTDOWN: {
        rs_shutdown_report rep = { 0 };
        rs_get_shutdown_report(r.m, &rep);
        char seq[3 * 96] = "";
        for (unsigned i = 0; i < rep.count && i < 3; i++) {
            format_exception(&rep.exc[i], exc, sizeof exc);
            strcat(seq, i ? ", then " : "");
            strcat(seq, exc);
        }
        fprintf(stderr, "run_firmware: triple fault at %s after %" PRIu64 " instructions: %s\n",
                at, retired, rep.count ? seq : "no exceptions recorded");
        status = 3;
        break;
    }
    case RS_STOP_EXCEPTION: {
        rs_exception e = { 0 };
        if (rs_last_exception(r.m, &e) == RS_OK)
            format_exception(&e, exc, sizeof exc);
        else
            snprintf(exc, sizeof exc, "an exception");
        fprintf(stderr, "run_firmware: %s stopped the machine at %s after %" PRIu64
                " instructions instead of being delivered\n", exc, at, retired);
        status = 4;
        break;
    }
    case RS_STOP_HALT:
        fprintf(stderr, "run_firmware: HLT with nothing to wake the CPU at %s after %" PRIu64
                " instructions\n", at, retired);
        status = 6;
        break;
    default:
        fprintf(stderr, "run_firmware: the budget of %" PRIu64 " instructions ran out at %s\n",
                budget, at);
        status = 5;
        break;
    }
    rs_destroy(r.m);
    return status;
}
