/* The CLI's subcommands; each takes argv starting at its own name. */
#ifndef RINGSCOPE_COMMANDS_H
#define RINGSCOPE_COMMANDS_H

int cmd_test_insn(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
