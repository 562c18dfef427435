/*
 * `ringscope bench`: fixed workloads run inside the emulator, reported in
 * MIPS (millions of guest instructions per host second). Figures, not
 * pass/fail: the machine may be shared and noisy, so compare ratios taken
 * in one run (docs/performance.md).
 *
 * Each loop's final registers are checked against the same computation done
 * in C, so a fast but wrong interpreter cannot print a figure.
 *
 * Each workload runs under the default timing profile and under one-cycle,
 * alternately, and the slowdown the timing model costs is their ratio
 * (docs/timing-model.md: the model's target is at most 15%).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/commands.h"
#include "ringscope/ringscope.h"

#define CODE_ADDR 0x1000u
#define BUF_ADDR 0x100000u

/* ALU loop, 8 instructions per iteration (64-bit mode):
 *   mov ecx, N
 * 1: add rax, rbx; xor rdx, rax; sub rbx, rdx; and rsi, rax; inc rdi;
 *    or r8, rax; dec rcx; jnz 1b
 *   hlt */
static const uint8_t alu_code[] = {
    0xb9, 0, 0, 0, 0,
    0x48, 0x01, 0xd8, 0x48, 0x31, 0xc2, 0x48, 0x29, 0xd3, 0x48, 0x21, 0xc6,
    0x48, 0xff, 0xc7, 0x49, 0x09, 0xc0, 0x48, 0xff, 0xc9, 0x75, 0xe9,
    0xf4,
};

/* Memory loop, 7 instructions per iteration, one load and one store:
 *   mov ecx, N; mov rsi, BUF; xor edi, edi
 * 1: mov rax, [rsi+rdi*8]; add rbx, rax; mov [rsi+rdi*8+8], rbx; inc rdi;
 *    and edi, 0x1fff; dec ecx; jnz 1b
 *   hlt */
static const uint8_t mem_code[] = {
    0xb9, 0, 0, 0, 0,
    0x48, 0xbe, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x31, 0xff,
    0x48, 0x8b, 0x04, 0xfe, 0x48, 0x01, 0xc3, 0x48, 0x89, 0x5c, 0xfe, 0x08,
    0x48, 0xff, 0xc7, 0x81, 0xe7, 0xff, 0x1f, 0x00, 0x00, 0xff, 0xc9, 0x75, 0xe7,
    0xf4,
};

struct workload {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned setup_insns, loop_insns;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The ALU loop in C, from the same initial registers. */
static void alu_model(uint32_t n, uint64_t r[16])
{
    for (uint32_t i = 0; i < n; i++) {
        r[0] += r[3];
        r[2] ^= r[0];
        r[3] -= r[2];
        r[6] &= r[0];
        r[7] += 1;
        r[8] |= r[0];
    }
    r[1] = 0;
}

static void mem_model(uint32_t n, uint64_t r[16], uint64_t *buf)
{
    uint64_t di = 0;
    for (uint32_t i = 0; i < n; i++) {
        r[0] = buf[di];
        r[3] += r[0];
        buf[di + 1] = r[3];
        di = (di + 1) & 0x1fff;
    }
    r[1] = 0;
    r[6] = BUF_ADDR;
    r[7] = di;
}

static int run_workload(const struct workload *w, uint32_t iters, const char *model,
                        double *mips)
{
    rs_machine *m;
    if (rs_create(NULL, &m) != RS_OK || rs_map_ram(m, 0, 0x200000) != RS_OK ||
        rs_set_cpu_model(m, model) != RS_OK) {
        fprintf(stderr, "ringscope: bench: cannot create the machine\n");
        return -1;
    }
    rs_set_mode(m, RS_MODE_LONG64, 0);
    uint8_t code[64];
    memcpy(code, w->code, w->len);
    memcpy(code + 1, &iters, 4);
    rs_write_phys(m, CODE_ADDR, code, w->len);

    uint64_t regs[16];
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 16; i++) {
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
        regs[i] = seed;
        rs_set_reg(m, (rs_reg)i, seed);
    }
    regs[7] = 0;            /* rdi starts at 0 for both loops */
    rs_set_reg(m, RS_RDI, 0);
    rs_set_reg(m, RS_RIP, CODE_ADDR);

    uint64_t *buf = calloc(0x2000 + 1, sizeof(uint64_t));
    for (int i = 0; i <= 0x2000; i++)
        buf[i] = (uint64_t)i * 0x0101010101010101ull;
    rs_write_phys(m, BUF_ADDR, buf, (0x2000 + 1) * sizeof(uint64_t));

    rs_stop why;
    uint64_t retired = 0;
    double t0 = now_seconds();
    rs_run(m, 0, &why, &retired);
    double dt = now_seconds() - t0;

    if (w->code == alu_code)
        alu_model(iters, regs);
    else
        mem_model(iters, regs, buf);
    int bad = why != RS_STOP_HALT ||
              retired != (uint64_t)w->setup_insns + (uint64_t)w->loop_insns * iters + 1;
    for (int i = 0; i < 16 && !bad; i++) {
        uint64_t v;
        rs_get_reg(m, (rs_reg)i, &v);
        if (i == 1)
            v &= 0xffffffffu;
        bad |= v != regs[i];
    }
    uint64_t cycles = 0;
    rs_counters(m, NULL, &cycles);
    free(buf);
    rs_destroy(m);
    if (bad) {
        fprintf(stderr, "ringscope: bench: %s loop computed a wrong result (emulator bug)\n", w->name);
        return -1;
    }
    *mips = (double)retired / dt / 1e6;
    printf("%-4s %-11s %11llu instructions, %11llu cycles (%.2f per iteration) in %6.3f s: "
           "%7.1f MIPS\n", w->name, model, (unsigned long long)retired,
           (unsigned long long)cycles, (double)cycles / iters, dt, *mips);
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    unsigned long iters = 20000000;
    unsigned rounds = 3;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
            char *end;
            iters = strtoul(argv[++i], &end, 10);
            if (*end || iters == 0 || iters > 0xffffffffu) {
                fprintf(stderr, "ringscope: bench: --iters wants 1..4294967295, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            char *end;
            unsigned long r = strtoul(argv[++i], &end, 10);
            if (*end || r == 0 || r > 100) {
                fprintf(stderr, "ringscope: bench: --rounds wants 1..100, got '%s'\n", argv[i]);
                return 2;
            }
            rounds = (unsigned)r;
        } else if (!strcmp(argv[i], "--cpu-model") && i + 1 < argc) {
            only = argv[++i];
            const char *name;
            bool known = false;
            for (unsigned k = 0; rs_cpu_model_info(k, &name, NULL) == RS_OK; k++)
                known |= !strcmp(name, only);
            if (!known) {
                fprintf(stderr, "ringscope: bench: no CPU model named '%s' (see 'ringscope run "
                        "--cpu-model help')\n", only);
                return 2;
            }
        } else if (!strcmp(argv[i], "--help")) {
            puts("usage: ringscope bench [--iters N] [--rounds R] [--cpu-model NAME]\n"
                 "  Runs an integer ALU loop (8 instructions per iteration) and a load/store\n"
                 "  loop (7 per iteration) for N iterations each (default 20000000) and prints\n"
                 "  MIPS, under the default timing profile and under one-cycle, alternately, R\n"
                 "  times (default 3); the best of each and the model's cost as their ratio.\n"
                 "  --cpu-model runs that profile alone.");
            return 0;
        } else {
            fprintf(stderr, "ringscope: bench: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    static const struct workload loads[] = {
        { "alu", alu_code, sizeof(alu_code), 1, 8 },
        { "mem", mem_code, sizeof(mem_code), 3, 7 },
    };
    const char *model_on = NULL;
    rs_cpu_model_info(0, &model_on, NULL);
    const char *models[2] = { only ? only : model_on, "one-cycle" };
    unsigned nmodels = only ? 1 : 2;
    for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        double best[2] = { 0, 0 };
        for (unsigned r = 0; r < rounds; r++)
            for (unsigned k = 0; k < nmodels; k++) {
                double mips;
                if (run_workload(&loads[i], (uint32_t)iters, models[k], &mips) < 0)
                    return 1;
                if (mips > best[k])
                    best[k] = mips;
            }
        if (nmodels == 2)
            printf("%-4s best: %s %.1f MIPS, %s %.1f MIPS: the timing model costs %.1f%%\n",
                   loads[i].name, models[0], best[0], models[1], best[1],
                   100.0 * (best[1] / best[0] - 1.0));
    }
    return 0;
}
