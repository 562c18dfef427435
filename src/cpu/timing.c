/*
 * The timing model's instruction costs and profile selection
 * (docs/timing-model.md). The TLB model is in timing_tlb.c.
 *
 * An instruction's cost is fixed when its block is decoded: the class of
 * its handler (timing_classes.def) gives the base, and what it does with
 * memory adds a load, a store or a locked read-modify-write. Everything
 * that depends on what happens at run time (a branch taken, the count of a
 * REP string instruction, a transition, a TLB miss) is charged where it
 * happens.
 */
#include "cpu/timing.h"

#include <string.h>

#include "cpu/blockcache.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"

/* ---- profiles and cost names -------------------------------------------- */

extern const struct timing_profile timing_profile_skylake_sp, timing_profile_one_cycle;

static const struct timing_profile *const profiles[] = {
    &timing_profile_skylake_sp,     /* the default */
    &timing_profile_one_cycle,
};

const struct timing_profile *timing_profile_at(unsigned index)
{
    return index < sizeof(profiles) / sizeof(profiles[0]) ? profiles[index] : NULL;
}

const struct timing_profile *timing_profile_find(const char *name)
{
    for (unsigned i = 0; name && timing_profile_at(i); i++)
        if (!strcmp(profiles[i]->name, name))
            return profiles[i];
    return NULL;
}

static const char *const cost_names[T_COUNT] = {
#define COST(id, what) #id,
#include "cpu/timing_costs.def"
#undef COST
};
static const char *const cost_whats[T_COUNT] = {
#define COST(id, what) what,
#include "cpu/timing_costs.def"
#undef COST
};

const char *timing_cost_name(enum timing_cost id)
{
    return (unsigned)id < T_COUNT ? cost_names[id] : "?";
}

const char *timing_cost_what(enum timing_cost id)
{
    return (unsigned)id < T_COUNT ? cost_whats[id] : "?";
}

void timing_set_profile(struct cpu *cpu, const struct timing_profile *p)
{
    struct timing_state *t = &cpu->timing;
    t->profile = p;
    for (unsigned i = 0; i < T_COUNT; i++)
        t->cost[i] = p->cost[i].cycles;
    timing_tlb_configure(cpu);
    /* Decoded blocks carry the old profile's costs. */
    if (cpu->blocks)
        blockcache_flush(cpu->blocks);
}

/* ---- instruction classes ------------------------------------------------- */

enum timing_memory { M_LOAD, M_NONE, M_STORE, M_RMW, M_XCHG, M_LOADALWAYS, M_PUSH, M_POP,
                     M_INDIRECT, M_INDIRECT_CALL, M_RET, M_STRING };
#define T_TRANSITION T_COUNT    /* charged by the handler */

struct timing_class {
    insn_fn *fn;
    uint8_t cost;               /* enum timing_cost, or T_TRANSITION */
    uint8_t memory;             /* enum timing_memory */
};

static const struct timing_class classes[] = {
    { NULL, T_ALU, M_LOAD },    /* 0: every handler not listed */
#define CLASS(fn, cost, mem) { fn, T_##cost, mem },
#include "cpu/timing_classes.def"
#undef CLASS
};
_Static_assert(sizeof(classes) / sizeof(classes[0]) < 256, "tclass is a byte");

uint8_t timing_classify(insn_fn *fn)
{
    for (unsigned i = 1; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (classes[i].fn == fn)
            return (uint8_t)i;
    return 0;
}

uint16_t timing_insn_cycles(const struct cpu *cpu, const struct insn *in)
{
    const uint16_t *c = cpu->timing.cost;
    const struct timing_class *k = &classes[in->tclass];
    if (k->cost == T_TRANSITION)
        return 0;
    unsigned cost = c[k->cost];
    if (k->fn == op_div || k->fn == op_idiv) {
        static const uint8_t by_size[9] = { [1] = T_DIV8, [2] = T_DIV16, [4] = T_DIV32,
                                            [8] = T_DIV64 };
        cost = c[by_size[in->opsize & 15]];
    }
    bool mem = in->has_mem;
    unsigned load = c[T_LOAD], store = c[T_STORE];
    switch ((enum timing_memory)k->memory) {
    case M_LOAD: cost += mem ? load : 0; break;
    case M_NONE: break;
    case M_STORE: cost += mem ? store : 0; break;
    case M_RMW:
        /* CMP and BT only read their destination. */
        if ((k->fn == op_alu_rm_reg || k->fn == op_alu_rm_imm) && in->sub == ALU_CMP)
            cost += mem ? load : 0;
        else if ((k->fn == op_bt_rm_reg || k->fn == op_bt_rm_imm) && in->sub == BT_BT)
            cost += mem ? load : 0;
        else
            cost += mem ? load + store : 0;
        break;
    case M_XCHG: cost += mem ? load + store + c[T_LOCKED] : 0; break;
    case M_LOADALWAYS: cost += load; break;
    case M_PUSH: cost += store + (mem ? load : 0); break;
    case M_POP: cost += load + (mem ? store : 0); break;
    case M_INDIRECT: cost += c[T_BRANCH_INDIRECT] + (mem ? load : 0); break;
    case M_INDIRECT_CALL: cost += c[T_BRANCH_INDIRECT] + store + (mem ? load : 0); break;
    case M_RET: cost += c[T_BRANCH_INDIRECT] + load; break;
    case M_STRING:
        if (in->rep) {
            cost = c[T_STRING_STARTUP];     /* the iterations: string.c */
        } else if (k->fn == op_movs) {
            cost += load + store;
        } else if (k->fn == op_stos) {
            cost += store;
        } else if (k->fn == op_cmps) {
            cost += 2 * load;
        } else {
            cost += load;                   /* LODS, SCAS */
        }
        break;
    }
    if (in->lock && mem)
        cost += c[T_LOCKED];
    return (uint16_t)(cost > 0xffff ? 0xffff : cost);
}

void timing_charge_string(struct cpu *cpu, bool fast, uint64_t elements, unsigned size,
                          uint64_t total)
{
    const uint16_t *c = cpu->timing.cost;
    if (fast) {
        /* MOVS/STOS: fast strings move STRING_BYTES bytes per cycle in the
         * L1 cache; a page or more (clearing or copying pages) is bound by
         * memory bandwidth, STRING_STREAM_BYTES per cycle. */
        unsigned per = c[total >= TIMING_STREAM_BYTES ? T_STRING_STREAM_BYTES : T_STRING_BYTES];
        if (per)
            cpu->cycles += (elements * size + per - 1) / per;
    } else {
        cpu->cycles += elements * c[T_STRING_ITER];
    }
}
