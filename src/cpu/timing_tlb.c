/*
 * The modelled TLBs (docs/timing-model.md): a first level for instructions
 * (ITLB) and one for data (DTLB), and a shared second level (STLB), each
 * set-associative with LRU replacement, sized by the profile.
 *
 * They only decide what a translation costs; the software TLB (mmu/) does
 * the translating. The software TLB is consulted first, so an access that
 * hits it is taken as a first-level hit; on a software-TLB miss the model
 * is asked: a first-level hit costs nothing more, a second-level hit costs
 * STLB_HIT, and a miss costs WALK_LEVEL per paging-structure entry the walk
 * reads (mmu/paging.c charges them while charge_walk is set). Entries are
 * tagged with the PCID and the page size; global entries match every PCID.
 */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/timing.h"
#include "mmu/paging.h"

static void level_init(struct timing_tlb_level *l, struct timing_tlb_entry *storage,
                       unsigned max, struct tlb_geometry g)
{
    unsigned ways = g.ways ? g.ways : 1, entries = g.entries;
    if (entries > max)
        entries = max;
    l->e = storage;
    l->ways = entries ? ways : 0;
    l->sets = entries ? entries / ways : 0;
    l->clock = 0;
    memset(storage, 0, sizeof(*storage) * max);
}

void timing_tlb_configure(struct cpu *cpu)
{
    struct timing_state *t = &cpu->timing;
    const struct timing_profile *p = t->profile;
    level_init(&t->itlb, t->itlb_e, TIMING_L1_MAX, p->itlb);
    level_init(&t->dtlb, t->dtlb_e, TIMING_L1_MAX, p->dtlb);
    level_init(&t->stlb, t->stlb_e, TIMING_STLB_MAX, p->stlb);
    t->tlb_model = t->stlb.sets && t->dtlb.sets && t->itlb.sets;
    t->charge_walk = false;
}

/* The page sizes an entry can have (4 KiB, 2/4 MiB, 1 GiB). */
static const uint8_t shifts[] = { 12, 21, 22, 30 };

static struct timing_tlb_entry *find(struct timing_tlb_level *l, uint64_t lin, uint16_t pcid)
{
    for (unsigned s = 0; s < sizeof(shifts); s++) {
        uint64_t page = lin >> shifts[s];
        struct timing_tlb_entry *set = &l->e[(page % l->sets) * l->ways];
        for (unsigned w = 0; w < l->ways; w++) {
            struct timing_tlb_entry *e = &set[w];
            if (e->valid && e->shift == shifts[s] && e->page == page &&
                (e->global || e->pcid == pcid)) {
                e->age = ++l->clock;
                return e;
            }
        }
    }
    return NULL;
}

static void insert(struct timing_tlb_level *l, uint64_t lin, unsigned shift, uint16_t pcid,
                   bool global)
{
    uint64_t page = lin >> shift;
    struct timing_tlb_entry *set = &l->e[(page % l->sets) * l->ways], *victim = set;
    for (unsigned w = 0; w < l->ways; w++) {
        struct timing_tlb_entry *e = &set[w];
        if (!e->valid || (e->page == page && e->shift == shift && e->pcid == pcid)) {
            victim = e;
            break;
        }
        if (e->age < victim->age)
            victim = e;
    }
    *victim = (struct timing_tlb_entry){ page, ++l->clock, pcid, (uint8_t)shift, true, global };
}

void timing_tlb_miss(struct cpu *cpu, uint64_t lin, bool exec)
{
    struct timing_state *t = &cpu->timing;
    t->charge_walk = false;
    if (!t->tlb_model)
        return;
    uint16_t pcid = current_pcid(cpu);
    struct timing_tlb_level *l1 = exec ? &t->itlb : &t->dtlb;
    if (find(l1, lin, pcid))
        return;
    t->l1_misses++;
    struct timing_tlb_entry *e = find(&t->stlb, lin, pcid);
    if (e) {
        t->stlb_hits++;
        cpu->cycles += t->cost[T_STLB_HIT];
        insert(l1, lin, e->shift, pcid, e->global);
        return;
    }
    t->stlb_misses++;
    cpu->cycles += t->cost[T_STLB_HIT];     /* the second level is looked up first */
    t->charge_walk = true;
}

void timing_tlb_fill(struct cpu *cpu, uint64_t lin, unsigned shift, bool global, bool exec)
{
    struct timing_state *t = &cpu->timing;
    t->charge_walk = false;
    if (!t->tlb_model)
        return;
    uint16_t pcid = current_pcid(cpu);
    insert(exec ? &t->itlb : &t->dtlb, lin, shift, pcid, global);
    insert(&t->stlb, lin, shift, pcid, global);
}

/* Drop the entries `drop` selects from every level. */
static void flush_where(struct cpu *cpu, bool (*drop)(const struct timing_tlb_entry *, uint16_t,
                                                       uint64_t), uint16_t pcid, uint64_t lin)
{
    struct timing_state *t = &cpu->timing;
    if (!t->tlb_model)
        return;
    struct timing_tlb_level *levels[] = { &t->itlb, &t->dtlb, &t->stlb };
    for (unsigned i = 0; i < 3; i++) {
        struct timing_tlb_level *l = levels[i];
        for (unsigned j = 0; j < l->sets * l->ways; j++)
            if (l->e[j].valid && drop(&l->e[j], pcid, lin))
                l->e[j].valid = false;
    }
}

static bool any(const struct timing_tlb_entry *e, uint16_t pcid, uint64_t lin)
{
    return true;
}

static bool nonglobal(const struct timing_tlb_entry *e, uint16_t pcid, uint64_t lin)
{
    return !e->global;
}

static bool nonglobal_of_pcid(const struct timing_tlb_entry *e, uint16_t pcid, uint64_t lin)
{
    return !e->global && e->pcid == pcid;
}

static bool page_of_pcid(const struct timing_tlb_entry *e, uint16_t pcid, uint64_t lin)
{
    return e->page == lin >> e->shift && (e->global || e->pcid == pcid);
}

void timing_tlb_flush_all(struct cpu *cpu)
{
    flush_where(cpu, any, 0, 0);
}

void timing_tlb_flush_nonglobal(struct cpu *cpu)
{
    flush_where(cpu, nonglobal, 0, 0);
}

void timing_tlb_flush_pcid(struct cpu *cpu, uint16_t pcid)
{
    flush_where(cpu, nonglobal_of_pcid, pcid, 0);
}

void timing_tlb_invlpg(struct cpu *cpu, uint16_t pcid, uint64_t lin)
{
    flush_where(cpu, page_of_pcid, pcid, lin);
}
