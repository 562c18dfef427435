/*
 * The timing model (docs/timing-model.md): what single instructions,
 * transitions and TLB misses cost under the skylake-sp and one-cycle
 * profiles, through the public API, and the profiles' data (every number
 * names a source).
 *
 * Costs are measured on a warm second run of the same instruction (its
 * block decoded, its pages in the software TLB), so they are the
 * instruction's own; the TLB tests look at a cold first run.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/timing.h"
#include "ringscope/ringscope.h"

#define CODE 0x1000u
#define DATA 0x2000u

static rs_machine *m;

static void setup(void)
{
    rs_config cfg = { .stop_on_exception = true };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    ck_assert_int_eq(rs_map_ram(m, 0, 8u << 20), RS_OK);
    ck_assert_int_eq(rs_set_cpu_model(m, "skylake-sp"), RS_OK);
    ck_assert_int_eq(rs_set_mode(m, RS_MODE_LONG64, 0), RS_OK);
}

static void teardown(void)
{
    rs_destroy(m);
}

static uint64_t cycles_now(void)
{
    uint64_t c;
    ck_assert_int_eq(rs_counters(m, NULL, &c), RS_OK);
    return c;
}

struct regs { uint64_t rax, rcx, rdx, rbx, rflags; };

static void load(const struct regs *r)
{
    rs_set_reg(m, RS_RAX, r->rax);
    rs_set_reg(m, RS_RCX, r->rcx);
    rs_set_reg(m, RS_RDX, r->rdx);
    rs_set_reg(m, RS_RBX, r->rbx ? r->rbx : DATA);
    rs_set_reg(m, RS_RSP, 0x8000);
    rs_set_reg(m, RS_RDI, 0x10000);     /* string destinations, away from the code */
    rs_set_reg(m, RS_RFLAGS, r->rflags | 2);
    rs_set_reg(m, RS_RIP, CODE);
}

/* The cycles one instruction costs, warm. */
static uint64_t cost(const uint8_t *code, size_t len, const struct regs *r)
{
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(m, CODE, code, len), RS_OK);
    load(r);
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);
    load(r);
    uint64_t before = cycles_now();
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);
    return cycles_now() - before;
}

#define COST(expect, R, ...)                                                           \
    do {                                                                               \
        static const uint8_t c_[] = { __VA_ARGS__ };                                   \
        struct regs r_ = R;                                                            \
        ck_assert_uint_eq(cost(c_, sizeof(c_), &r_), (expect));                        \
    } while (0)
#define NOREGS ((struct regs){ 0 })

START_TEST(instruction_classes)
{
    COST(1, NOREGS, 0x48, 0x01, 0xd8);                  /* add rax, rbx */
    COST(1 + 1, NOREGS, 0x48, 0x03, 0x03);              /* add rax, [rbx]: + a load */
    COST(1 + 1 + 1, NOREGS, 0x48, 0x01, 0x03);          /* add [rbx], rax: + load + store */
    COST(1 + 1, NOREGS, 0x48, 0x39, 0x03);              /* cmp [rbx], rax: a load only */
    COST(1 + 1, NOREGS, 0x48, 0x89, 0x03);              /* mov [rbx], rax: a store */
    COST(1, NOREGS, 0x48, 0x8d, 0x43, 0x08);            /* lea rax, [rbx+8]: no access */
    COST(3 + 18, NOREGS, 0xf0, 0x48, 0x01, 0x03);       /* lock add [rbx], rax */
    COST(1 + 1 + 1 + 18, NOREGS, 0x48, 0x87, 0x03);     /* xchg [rbx], rax: locked */
    COST(3, NOREGS, 0x48, 0x0f, 0xaf, 0xc3);            /* imul rax, rbx */
    COST(35, ((struct regs){ .rax = 100, .rbx = 7 }), 0x48, 0xf7, 0xf3);  /* div rbx */
    COST(26, ((struct regs){ .rax = 100, .rbx = 7 }), 0xf7, 0xf3);        /* div ebx */
    COST(23, ((struct regs){ .rax = 100, .rbx = 7 }), 0xf6, 0xf3);        /* div bl */
    COST(1 + 1, NOREGS, 0x50);                          /* push rax: a store */
    COST(1 + 1, NOREGS, 0x58);                          /* pop rax: a load */
    COST(100, NOREGS, 0x0f, 0xa2);                      /* cpuid */
    COST(25, NOREGS, 0x0f, 0x31);                       /* rdtsc */
    COST(140, NOREGS, 0xf3, 0x90);                      /* pause */
}
END_TEST

START_TEST(branches)
{
    COST(1, NOREGS, 0x74, 0x00);                                    /* jz, ZF = 0: not taken */
    COST(1 + 1, ((struct regs){ .rflags = 0x40 }), 0x74, 0x00);     /* jz, ZF = 1: taken */
    COST(1 + 1, NOREGS, 0xeb, 0x00);                                /* jmp: always taken */
    COST(1 + 1 + 1, NOREGS, 0xe8, 0, 0, 0, 0);                      /* call: + a push */
    COST(1 + 2 + 1 + 1, NOREGS, 0xff, 0xd3);                        /* call rbx: indirect */
}
END_TEST

START_TEST(fast_strings)
{
    /* rep stosb: start-up, then 32 bytes per cycle under a page ... */
    COST(35 + 4, ((struct regs){ .rcx = 100, .rbx = 0 }), 0xf3, 0xaa);
    /* ... and 6 per cycle (memory bandwidth) from a page on. */
    COST(35 + 683, ((struct regs){ .rcx = 4096 }), 0xf3, 0xaa);
    /* rep stosq: elements of 8 bytes; 512 make a page. */
    COST(35 + 683, ((struct regs){ .rcx = 512 }), 0xf3, 0x48, 0xab);
    /* rep lodsb: per element. */
    COST(35 + 2 * 10, ((struct regs){ .rcx = 10 }), 0xf3, 0xac);
}
END_TEST

START_TEST(one_cycle_profile)
{
    ck_assert_int_eq(rs_set_cpu_model(m, "one-cycle"), RS_OK);
    const char *name;
    ck_assert_int_eq(rs_get_cpu_model(m, &name), RS_OK);
    ck_assert_str_eq(name, "one-cycle");
    COST(1, NOREGS, 0x48, 0x01, 0x03);
    COST(1, ((struct regs){ .rax = 100, .rbx = 7 }), 0x48, 0xf7, 0xf3);
    COST(1, ((struct regs){ .rflags = 0x40 }), 0x74, 0x00);
    COST(1, ((struct regs){ .rcx = 4096 }), 0xf3, 0xaa);
    COST(1, NOREGS, 0x0f, 0xa2);
    ck_assert_int_eq(rs_set_cpu_model(m, "pentium"), RS_ERR_ARG);
}
END_TEST

static rs_event last;
static unsigned events;
static void on_event(void *ctx, const rs_event *ev)
{
    (void)ctx;
    last = *ev;
    events++;
}

START_TEST(transition_costs)
{
    /* SYSCALL to a SYSRETQ: each charges its profile figure, and the event
     * says so. */
    static const uint8_t code[] = { 0x0f, 0x05 };               /* syscall */
    static const uint8_t handler[] = { 0x48, 0x0f, 0x07 };      /* sysretq */
    ck_assert_int_eq(rs_write_phys(m, CODE, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x3000, handler, sizeof(handler)), RS_OK);
    ck_assert_int_eq(rs_set_reg(m, RS_EFER, 0x501), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0xC0000081, (0x18ull << 48) | (0x08ull << 32)), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0xC0000082, 0x3000), RS_OK);
    ck_assert_int_eq(rs_subscribe(m, on_event, NULL), RS_OK);
    load(&NOREGS);
    rs_stop why;
    uint64_t t0 = cycles_now();
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(last.kind, RS_EV_SYSCALL);
    ck_assert_uint_eq(last.cycles, 37);
    ck_assert_uint_eq(last.cycle, t0 + 21);     /* after the cold fetch's modelled walk */
    uint64_t t1 = cycles_now();
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(last.kind, RS_EV_SYSRET);
    ck_assert_uint_eq(last.cycles, 36);
    ck_assert_uint_eq(cycles_now() - t1, 36);   /* the handler's page: an ITLB hit */
}
END_TEST

/* Delivery without a privilege change (INT n at CPL 0) costs INT_SAME; the
 * IRETQ back pops SS:RSP and costs IRET_OUTER; MOV to CR3 costs MOV_CR plus
 * CR3_FLUSH. Each event carries its charge. */
START_TEST(same_privilege_delivery_and_cr3)
{
    static const uint64_t gdt[] = { 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };
    uint64_t gate[2] = { 0x3000 | (0x08ull << 16) | (0x8eull << 40), 0 };
    static const uint8_t handler[] = { 0x48, 0xcf };                /* iretq */
    static const uint8_t code[] = { 0xcd, 0x40,                     /* int 40h */
                                    0x0f, 0x22, 0xd8 };             /* mov cr3, rax */
    ck_assert_int_eq(rs_write_phys(m, 0x6000, gdt, sizeof(gdt)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x7000 + 0x40 * 16, gate, sizeof(gate)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x3000, handler, sizeof(handler)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, CODE, code, sizeof(code)), RS_OK);
    rs_table_reg g = { 0x6000, sizeof(gdt) - 1 }, i = { 0x7000, 0xfff };
    ck_assert_int_eq(rs_descriptor_table(m, 0, true, &g), RS_OK);
    ck_assert_int_eq(rs_descriptor_table(m, 1, true, &i), RS_OK);
    ck_assert_int_eq(rs_subscribe(m, on_event, NULL), RS_OK);
    uint64_t cr3;
    rs_get_reg(m, RS_CR3, &cr3);
    rs_stop why;
    for (int pass = 0; pass < 2; pass++) {      /* the second pass is warm */
        load(&NOREGS);
        uint64_t t0 = cycles_now();
        ck_assert_int_eq(rs_step(m, &why), RS_OK);
        ck_assert_int_eq(last.kind, RS_EV_SOFT_INT);
        uint64_t t1 = cycles_now();
        ck_assert_int_eq(rs_step(m, &why), RS_OK);
        ck_assert_int_eq(last.kind, RS_EV_IRET);
        if (pass) {
            ck_assert_uint_eq(t1 - t0, 200);
            ck_assert_uint_eq(cycles_now() - t1, 305);
            ck_assert_uint_eq(last.cycles, 305);
        }
    }
    rs_set_reg(m, RS_RAX, cr3);
    events = 0;
    uint64_t t0 = cycles_now();
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(last.kind, RS_EV_CR3_WRITE);
    ck_assert_uint_eq(last.cycles, 200);                        /* CR3_FLUSH */
    ck_assert_uint_eq(cycles_now() - t0, 30 + 200);             /* + MOV_CR */
    ck_assert_uint_eq(events, 1);
}
END_TEST

START_TEST(tlb_model)
{
    /* Cold: the code fetch misses the ITLB and the STLB: STLB_HIT (9) for
     * the look-up, then WALK_LEVEL (6) for each entry the walk reads
     * (rs_set_mode maps 1 GiB pages: PML4E and PDPTE). The data access
     * misses the DTLB and hits the STLB entry the fetch filled: 9. */
    static const uint8_t code[] = { 0x48, 0x8b, 0x03 };         /* mov rax, [rbx] */
    ck_assert_int_eq(rs_write_phys(m, CODE, code, sizeof(code)), RS_OK);
    load(&NOREGS);
    rs_tlb_stats before, after;
    ck_assert_int_eq(rs_get_tlb_stats(m, &before), RS_OK);
    uint64_t t0 = cycles_now();
    rs_stop why;
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_uint_eq(cycles_now() - t0, (9 + 2 * 6) + 9 + 1 + 1);
    ck_assert_int_eq(rs_get_tlb_stats(m, &after), RS_OK);
    ck_assert_uint_eq(after.model_stlb_misses - before.model_stlb_misses, 1);
    ck_assert_uint_eq(after.model_stlb_hits - before.model_stlb_hits, 1);
    ck_assert_uint_eq(after.model_walk_entries - before.model_walk_entries, 2);

    /* Another page of the same 1 GiB page misses the software TLB but hits
     * the modelled DTLB: nothing extra. */
    load(&NOREGS);
    rs_set_reg(m, RS_RBX, 0x5000);
    t0 = cycles_now();
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_uint_eq(cycles_now() - t0, 1 + 1);

    /* MOV to CR3 flushes the non-global entries: the next fetch walks again
     * and its 1 GiB entry then serves the data access from the STLB, as at
     * the start. */
    static const uint8_t reload[] = { 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8,   /* mov rax, cr3; */
                                      0x48, 0x8b, 0x03 };                   /* mov cr3, rax */
    ck_assert_int_eq(rs_write_phys(m, CODE, reload, sizeof(reload)), RS_OK);
    load(&NOREGS);
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(rs_get_tlb_stats(m, &before), RS_OK);
    t0 = cycles_now();
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(rs_get_tlb_stats(m, &after), RS_OK);
    ck_assert_uint_eq(after.model_stlb_misses - before.model_stlb_misses, 1);
    ck_assert_uint_eq(after.model_stlb_hits - before.model_stlb_hits, 1);
    ck_assert_uint_eq(cycles_now() - t0, (9 + 2 * 6) + 9 + 1 + 1);
}
END_TEST

/* Every cost of every profile names a source its profile lists. */
START_TEST(profiles_cite_sources)
{
    unsigned n = 0;
    for (const struct timing_profile *p; (p = timing_profile_at(n)); n++) {
        ck_assert_ptr_nonnull(p->name);
        ck_assert_ptr_nonnull(p->description);
        for (unsigned c = 0; c < T_COUNT; c++) {
            const char *src = p->cost[c].source;
            ck_assert_msg(src != NULL, "%s: %s has no source", p->name, timing_cost_name(c));
            bool listed = false;
            for (const struct timing_source *s = p->sources; s->key; s++)
                listed |= !strcmp(s->key, src) && s->reference && s->reference[0];
            ck_assert_msg(listed, "%s: %s cites '%s', which it does not list", p->name,
                          timing_cost_name(c), src);
        }
        const char *name, *desc;
        ck_assert_int_eq(rs_cpu_model_info(n, &name, &desc), RS_OK);
        ck_assert_str_eq(name, p->name);
    }
    ck_assert_uint_ge(n, 2);
    ck_assert_int_eq(rs_cpu_model_info(n, NULL, NULL), RS_ERR_ARG);
    /* The default profile models every cost (none left at 0). */
    const struct timing_profile *d = timing_profile_at(0);
    for (unsigned c = 0; c < T_COUNT; c++)
        ck_assert_msg(d->cost[c].cycles > 0, "%s: %s is 0", d->name, timing_cost_name(c));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timing");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, instruction_classes);
    tcase_add_test(tc, branches);
    tcase_add_test(tc, fast_strings);
    tcase_add_test(tc, one_cycle_profile);
    tcase_add_test(tc, transition_costs);
    tcase_add_test(tc, same_privilege_delivery_and_cr3);
    tcase_add_test(tc, tlb_model);
    tcase_add_test(tc, profiles_cite_sources);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
