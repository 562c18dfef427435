/*
 * ringscope command-line entry point: dispatch to subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/commands.h"
#include "frontend/run.h"

#ifndef RINGSCOPE_VERSION
#define RINGSCOPE_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
    fputs("usage: ringscope COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  run [OPTS] [IMAGE]  boot a guest on the emulated PC (docs/cli.md)\n"
          "  test-insn FILE...   run instruction test vectors (docs/test-vectors.md)\n"
          "  bench               run the interpreter benchmarks and print MIPS\n"
          "  version             print the version\n"
          "  help                this text\n"
          "\n"
          "'ringscope COMMAND --help' describes a command's options.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "test-insn"))
        return cmd_test_insn(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench"))
        return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("ringscope %s\n", RINGSCOPE_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "ringscope: unknown command '%s' (try 'ringscope help')\n", cmd);
    return 2;
}
