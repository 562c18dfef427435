/* gen.h - helpers shared by the generator files */
#ifndef GEN_H
#define GEN_H
#include "vecgen.h"

#define W (M64 ? 64 : 32)
#define NR (M64 ? 16 : 8)

typedef struct {
    int mod, rmf, sib, hassib, dsz;
    uint32_t disp;
    int base, index, scale; /* -1: none */
    int rexb, rexx, as, rip;
    uint64_t ea;
    char tag[48];
} rm_t;

#define PM_NONCANON 1
#define PM_WILD 2
#define PM_NOREX 4

int locked(int r);
uint64_t rget(int r, int size, int rexon);
void rset(int r, int size, int rexon, uint64_t v);
uint64_t pick_in(uint64_t lo, uint64_t hi, int msz, int align);
void setaddr(int r, uint64_t v, int as);
int pick_mem(rm_t *m, int as, int msz, int align, uint32_t avoid, int flags, int rspadj);
void emit_mem(const rm_t *m, int reg);
uint64_t code_target(void);
void stack_window(int below, int above);
int sizes_of(const form_t *f, int *l);
#endif
