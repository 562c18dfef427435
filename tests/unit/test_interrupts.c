/*
 * Interrupt delivery over time, through the public API: external interrupts
 * and their masking by IF and the STI shadow, HLT and wake-up, NMI blocking
 * until IRET, single-step traps, the step budget, triple faults and the
 * event stream (what one-instruction vectors cannot show).
 *
 * The machine runs in 64-bit mode with a GDT, an IDT, a 64-bit TSS and
 * identity page tables (2 MiB pages) in RAM, delivering exceptions.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ringscope/ringscope.h"

#define GDT 0x8000
#define IDT 0xA000
#define TSS 0xB000
#define CODE 0x1000
#define HANDLER 0x3000
#define PML4 0x100000

static rs_machine *m;
static rs_event evs[32];
static int nev;

static void on_event(void *ctx, const rs_event *ev)
{
    (void)ctx;
    if (nev < 32)
        evs[nev++] = *ev;
}

static void put(uint64_t a, const void *p, size_t n)
{
    ck_assert_int_eq(rs_write_phys(m, a, p, n), RS_OK);
}

static void put64(uint64_t a, uint64_t v)
{
    put(a, &v, 8);
}

static uint64_t get64(uint64_t a)
{
    uint64_t v;
    ck_assert_int_eq(rs_read_phys(m, a, &v, 8), RS_OK);
    return v;
}

static uint64_t reg(rs_reg r)
{
    uint64_t v;
    ck_assert_int_eq(rs_get_reg(m, r, &v), RS_OK);
    return v;
}

/* A 64-bit interrupt (or trap) gate to 08:off. */
static void gate(unsigned vec, uint64_t off, unsigned ist, unsigned dpl, bool trap)
{
    uint64_t lo = (off & 0xffff) | (0x08ull << 16) | ((uint64_t)ist << 32) |
                  ((uint64_t)(0x80 | dpl << 5 | (trap ? 0xf : 0xe)) << 40) |
                  ((off >> 16 & 0xffff) << 48);
    put64(IDT + vec * 16, lo);
    put64(IDT + vec * 16 + 8, off >> 32);
}

/* Identity map of the first 2 MiB with one 2 MiB page, user and writable,
 * accessed and dirty (ignored while paging is off). */
static void map_identity(void)
{
    put64(PML4, (PML4 + 0x1000) | 0x27);
    put64(PML4 + 0x1000, (PML4 + 0x2000) | 0x27);
    put64(PML4 + 0x2000, 0xe7);
    rs_set_reg(m, RS_CR3, PML4);
}

static void setup(void)
{
    rs_config cfg = { .stop_on_exception = false };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    ck_assert_int_eq(rs_map_ram(m, 0, 0x200000), RS_OK);
    nev = 0;
    rs_set_mode(m, RS_MODE_LONG64, 0);
    static const uint64_t gdt[] = {
        0, 0x00af9b000000ffffull, 0x00cf93000000ffffull, 0x00cffb000000ffffull,
        0x00cff3000000ffffull, 0x00affb000000ffffull, 0x00008bb000000067ull, 0,
    };
    put(GDT, gdt, sizeof(gdt));
    rs_table_reg g = { GDT, sizeof(gdt) - 1 }, i = { IDT, 0xfff };
    rs_descriptor_table(m, 0, true, &g);
    rs_descriptor_table(m, 1, true, &i);
    rs_segment tr = { 0x30, 0x8b, 0x67, TSS };
    rs_set_segment(m, RS_TR, &tr);
    put64(TSS + 4, 0x70000);                    /* RSP0 */
    put64(TSS + 0x24, 0x90000);                 /* IST1 */
    map_identity();
    rs_set_reg(m, RS_RSP, 0x50000);
    rs_set_reg(m, RS_RIP, CODE);
    rs_set_reg(m, RS_RFLAGS, 0x2);
}

static void teardown(void)
{
    rs_destroy(m);
}

/* Drop to CPL 3 (CS 2b, SS 23, RSP 7fff8). */
static void user_mode(void)
{
    rs_segment cs = { 0x2b, 0xa0fb, 0xffffffff, 0 }, ss = { 0x23, 0xc0f3, 0xffffffff, 0 };
    rs_set_segment(m, RS_CS, &cs);
    rs_set_segment(m, RS_SS, &ss);
    rs_set_reg(m, RS_RSP, 0x7fff8);
}

static rs_stop step(void)
{
    rs_stop why;
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    return why;
}

START_TEST(external_interrupt_masked_by_if_and_sti_shadow)
{
    static const uint8_t code[] = { 0x90, 0x90, 0xfb, 0x90, 0x90, 0xf4 };  /* nop nop sti nop nop hlt */
    put(CODE, code, sizeof(code));
    gate(0x40, HANDLER, 0, 0, false);
    rs_interrupt(m, 0x40);
    ck_assert_int_eq(step(), RS_STOP_BUDGET);
    ck_assert_uint_eq(reg(RS_RIP), CODE + 1);       /* IF = 0: masked */
    step();
    step();                                          /* sti */
    ck_assert_uint_eq(reg(RS_RIP), CODE + 3);
    step();                                          /* the shadow: one more instruction */
    ck_assert_uint_eq(reg(RS_RIP), CODE + 4);
    step();                                          /* now the interrupt */
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_uint_eq(reg(RS_RSP), 0x50000 - 40);
    ck_assert_uint_eq(get64(0x50000 - 40), CODE + 4);   /* return RIP */
    ck_assert_uint_eq(get64(0x50000 - 24), 0x202);      /* RFLAGS with IF */
    ck_assert_uint_eq(reg(RS_RFLAGS) & 0x200, 0);       /* interrupt gate cleared IF */
    uint64_t insns;
    rs_counters(m, &insns, NULL);
    ck_assert_uint_eq(insns, 4);                         /* the delivery retired nothing */
}
END_TEST

START_TEST(sti_sti_opens_no_longer_shadow)
{
    static const uint8_t code[] = { 0xfb, 0xfb, 0x90 };     /* sti sti nop */
    put(CODE, code, sizeof(code));
    gate(0x40, HANDLER, 0, 0, false);
    rs_interrupt(m, 0x40);
    step();
    step();                                          /* second sti: IF already 1 */
    step();                                          /* delivered at once */
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_uint_eq(get64(0x50000 - 40), CODE + 2);
}
END_TEST

START_TEST(hlt_waits_for_an_interrupt)
{
    static const uint8_t code[] = { 0xfb, 0xf4, 0x90 };     /* sti hlt nop */
    put(CODE, code, sizeof(code));
    gate(0x41, HANDLER, 0, 0, false);
    rs_stop why;
    uint64_t retired = 0;
    ck_assert_int_eq(rs_run(m, 100, &why, &retired), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(retired, 2);
    ck_assert_int_eq(rs_run(m, 100, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);                /* still nothing to wake it */
    rs_interrupt(m, 0x41);
    ck_assert_int_eq(step(), RS_STOP_BUDGET);
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_uint_eq(get64(0x50000 - 40), CODE + 2);   /* returns after the HLT */
}
END_TEST

START_TEST(hlt_with_if_clear_only_wakes_for_nmi)
{
    static const uint8_t code[] = { 0xf4 };
    put(CODE, code, sizeof(code));
    gate(0x41, HANDLER, 0, 0, false);
    gate(2, HANDLER + 0x100, 0, 0, false);
    rs_stop why;
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    rs_interrupt(m, 0x41);
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    rs_nmi(m);
    step();
    ck_assert_uint_eq(reg(RS_RIP), HANDLER + 0x100);
}
END_TEST

START_TEST(nmi_blocked_until_iret)
{
    static const uint8_t code[] = { 0x90, 0x90, 0x90, 0x90 };
    static const uint8_t nmi_handler[] = { 0x90, 0x48, 0xcf };   /* nop; iretq */
    put(CODE, code, sizeof(code));
    put(HANDLER, nmi_handler, sizeof(nmi_handler));
    gate(2, HANDLER, 0, 0, false);
    rs_subscribe(m, on_event, NULL);
    rs_nmi(m);
    step();
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    rs_nmi(m);                                       /* blocked: the handler runs on */
    step();
    ck_assert_uint_eq(reg(RS_RIP), HANDLER + 1);
    step();                                          /* iretq unblocks */
    ck_assert_uint_eq(reg(RS_RIP), CODE);
    step();                                          /* the second NMI */
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_int_eq(nev, 3);
    ck_assert_int_eq(evs[0].kind, RS_EV_NMI);
    ck_assert_int_eq(evs[0].vector, 2);
    ck_assert_int_eq(evs[1].kind, RS_EV_IRET);
    ck_assert_int_eq(evs[1].stack_source, RS_STACK_FRAME);
    ck_assert_uint_eq(evs[1].rip_after, CODE);
    ck_assert_int_eq(evs[2].kind, RS_EV_NMI);
}
END_TEST

START_TEST(single_step_raises_db_after_each_instruction)
{
    static const uint8_t code[] = { 0x90, 0x48, 0xff, 0xc0 };   /* nop; inc rax */
    static const uint8_t db_handler[] = { 0x48, 0xcf };         /* iretq */
    put(CODE, code, sizeof(code));
    put(HANDLER, db_handler, sizeof(db_handler));
    gate(1, HANDLER, 0, 0, false);
    rs_set_reg(m, RS_RFLAGS, 0x102);                 /* TF */
    step();                                          /* nop */
    ck_assert_uint_eq(reg(RS_RIP), CODE + 1);
    step();                                          /* #DB trap */
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_uint_eq(get64(0x50000 - 40), CODE + 1);
    ck_assert_uint_eq(get64(0x50000 - 24), 0x102);   /* TF in the image */
    ck_assert_uint_eq(reg(RS_RFLAGS) & 0x100, 0);    /* cleared for the handler */
    step();                                          /* iretq (TF = 0 in the handler: no trap) */
    ck_assert_uint_eq(reg(RS_RIP), CODE + 1);
    ck_assert_uint_eq(reg(RS_RFLAGS), 0x102);
    step();                                          /* inc rax, then its trap */
    ck_assert_uint_eq(reg(RS_RAX), 1);
    step();
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_uint_eq(get64(0x50000 - 40), CODE + 4);
}
END_TEST

START_TEST(single_step_int_n_has_no_trap)
{
    static const uint8_t code[] = { 0xcd, 0x80 };
    static const uint8_t nop = 0x90;
    put(CODE, code, sizeof(code));
    put(HANDLER, &nop, 1);
    gate(0x80, HANDLER, 0, 0, false);
    gate(1, HANDLER + 0x100, 0, 0, false);
    rs_set_reg(m, RS_RFLAGS, 0x102);
    step();
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    step();                                          /* the handler runs, TF = 0 */
    ck_assert_uint_eq(reg(RS_RIP), HANDLER + 1);
}
END_TEST

START_TEST(single_step_stops_when_stopping_on_exceptions)
{
    rs_destroy(m);
    rs_config cfg = { .stop_on_exception = true };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    rs_map_ram(m, 0, 0x200000);
    rs_set_mode(m, RS_MODE_LONG64, 0);
    map_identity();
    static const uint8_t code[] = { 0x90, 0x90 };
    put(CODE, code, sizeof(code));
    rs_set_reg(m, RS_RIP, CODE);
    rs_set_reg(m, RS_RFLAGS, 0x102);
    rs_stop why;
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_EXCEPTION);
    rs_exception e;
    ck_assert_int_eq(rs_last_exception(m, &e), RS_OK);
    ck_assert_int_eq(e.vector, 1);
    ck_assert_uint_eq(reg(RS_RIP), CODE + 1);       /* a trap: after the instruction */
}
END_TEST

START_TEST(fault_delivery_is_one_step)
{
    static const uint8_t code[] = { 0x0f, 0x0b };    /* ud2 */
    put(CODE, code, sizeof(code));
    gate(6, HANDLER, 0, 0, false);
    rs_stop why;
    uint64_t retired = 0;
    rs_run(m, 1, &why, &retired);
    ck_assert_int_eq(why, RS_STOP_BUDGET);
    ck_assert_uint_eq(retired, 0);
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_uint_eq(get64(0x50000 - 40), CODE);   /* the faulting instruction */
    ck_assert_uint_eq(get64(0x50000 - 24), 0x10002); /* RF set for a fault */
}
END_TEST

START_TEST(triple_fault_stops_with_a_report)
{
    static const uint8_t code[] = { 0x0f, 0x0b };
    put(CODE, code, sizeof(code));
    rs_table_reg i = { IDT, 0 };                    /* no gate is inside the IDT */
    rs_descriptor_table(m, 1, true, &i);
    rs_subscribe(m, on_event, NULL);
    rs_stop why;
    rs_run(m, 100, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_SHUTDOWN);
    rs_shutdown_report r;
    ck_assert_int_eq(rs_get_shutdown_report(m, &r), RS_OK);
    /* #UD's gate is outside the IDT: #GP(6*8+2+EXT) is delivered serially;
     * its own gate is outside too: #GP(13*8+2+1) makes #DF; #DF's gate
     * fails with #GP(8*8+2+1): shutdown. */
    ck_assert_uint_eq(r.count, 3);
    ck_assert_int_eq(r.exc[0].vector, 13);
    ck_assert_uint_eq(r.exc[0].error_code, 0x33);
    ck_assert_int_eq(r.exc[1].vector, 13);
    ck_assert_uint_eq(r.exc[1].error_code, 0x6b);
    ck_assert_int_eq(r.exc[2].vector, 13);
    ck_assert_uint_eq(r.exc[2].error_code, 0x43);
    ck_assert_uint_eq(reg(RS_RIP), CODE);
    ck_assert_int_eq(nev, 1);
    ck_assert_int_eq(evs[0].kind, RS_EV_TRIPLE_FAULT);
    ck_assert_int_eq(evs[0].vector, 13);
    rs_run(m, 100, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_SHUTDOWN);        /* stays shut down */
}
END_TEST

START_TEST(event_stream_for_int_exception_irq_iret)
{
    /* cpl3: int 80h (to ring 0 through RSP0); the handler does iretq; then
     * cli faults (#GP(0) through IST1); then an IRQ is taken in user mode. */
    static const uint8_t code[] = { 0xcd, 0x80, 0xfa };
    static const uint8_t handler[] = { 0x48, 0xcf };
    put(CODE, code, sizeof(code));
    put(HANDLER, handler, sizeof(handler));
    gate(0x80, HANDLER, 0, 3, false);
    gate(13, HANDLER + 0x100, 1, 0, false);
    gate(0x50, HANDLER + 0x200, 0, 0, false);
    user_mode();
    rs_set_reg(m, RS_RFLAGS, 0x202);
    rs_subscribe(m, on_event, NULL);

    step();                                          /* int 80h */
    ck_assert_int_eq(nev, 1);
    const rs_event *e = &evs[0];
    ck_assert_int_eq(e->kind, RS_EV_SOFT_INT);
    ck_assert_int_eq(e->vector, 0x80);
    ck_assert(!e->has_error_code);
    ck_assert_uint_eq(e->cpl_before, 3);
    ck_assert_uint_eq(e->cpl_after, 0);
    ck_assert_uint_eq(e->rip_before, CODE);
    ck_assert_uint_eq(e->rip_after, HANDLER);
    ck_assert_uint_eq(e->cs_before, 0x2b);
    ck_assert_uint_eq(e->cs_after, 0x08);
    ck_assert_uint_eq(e->ss_before, 0x23);
    ck_assert_uint_eq(e->ss_after, 0);
    ck_assert_uint_eq(e->rsp_before, 0x7fff8);
    ck_assert_uint_eq(e->rsp_after, 0x70000 - 40);
    ck_assert_int_eq(e->stack_source, RS_STACK_TSS_RSP);
    ck_assert_uint_eq(e->stack_index, 0);
    ck_assert_int_eq(e->mode_before, RS_MODE_LONG64);

    step();                                          /* iretq back to ring 3 */
    ck_assert_int_eq(nev, 2);
    e = &evs[1];
    ck_assert_int_eq(e->kind, RS_EV_IRET);
    ck_assert_uint_eq(e->cpl_before, 0);
    ck_assert_uint_eq(e->cpl_after, 3);
    ck_assert_uint_eq(e->rip_before, HANDLER);
    ck_assert_uint_eq(e->rip_after, CODE + 2);
    ck_assert_uint_eq(e->rsp_after, 0x7fff8);
    ck_assert_int_eq(e->stack_source, RS_STACK_FRAME);

    step();                                          /* cli: #GP(0) delivered */
    ck_assert_int_eq(nev, 3);
    e = &evs[2];
    ck_assert_int_eq(e->kind, RS_EV_EXCEPTION);
    ck_assert_int_eq(e->vector, 13);
    ck_assert(e->has_error_code);
    ck_assert_uint_eq(e->error_code, 0);
    ck_assert_uint_eq(e->rip_before, CODE + 2);     /* the faulting instruction */
    ck_assert_uint_eq(e->rip_after, HANDLER + 0x100);
    ck_assert_int_eq(e->stack_source, RS_STACK_TSS_IST);
    ck_assert_uint_eq(e->stack_index, 1);
    ck_assert_uint_eq(e->rsp_after, 0x90000 - 48);
    ck_assert_uint_eq(get64(0x90000 - 48), 0);      /* error code */
    ck_assert_uint_eq(get64(0x90000 - 40), CODE + 2);

    rs_interrupt(m, 0x50);                           /* IF = 0 in the #GP handler: masked */
    step();
    ck_assert_int_eq(nev, 3);
}
END_TEST

START_TEST(irq_event_and_request_stop_from_a_subscriber)
{
    static const uint8_t code[] = { 0x90, 0x90, 0x90 };
    put(CODE, code, sizeof(code));
    gate(0x50, HANDLER, 0, 0, false);
    rs_set_reg(m, RS_RFLAGS, 0x202);
    rs_subscribe(m, on_event, NULL);
    step();
    rs_interrupt(m, 0x50);
    step();
    ck_assert_int_eq(nev, 1);
    ck_assert_int_eq(evs[0].kind, RS_EV_IRQ);
    ck_assert_int_eq(evs[0].vector, 0x50);
    ck_assert_uint_eq(evs[0].rip_before, CODE + 1);  /* where execution resumes */
    ck_assert_uint_eq(evs[0].rip_after, HANDLER);
    ck_assert_int_eq(evs[0].stack_source, RS_STACK_UNCHANGED);
    rs_request_stop(m);
    rs_stop why;
    uint64_t retired = 0;
    rs_run(m, 100, &why, &retired);
    ck_assert_int_eq(why, RS_STOP_REQUESTED);
    ck_assert_uint_eq(retired, 0);
}
END_TEST

START_TEST(unsubscribed_stream_is_silent)
{
    static const uint8_t code[] = { 0xcd, 0x80 };
    put(CODE, code, sizeof(code));
    gate(0x80, HANDLER, 0, 0, false);
    rs_subscribe(m, on_event, NULL);
    rs_unsubscribe(m, on_event, NULL);
    step();
    ck_assert_uint_eq(reg(RS_RIP), HANDLER);
    ck_assert_int_eq(nev, 0);
}
END_TEST

/* Real mode: an external interrupt through the IVT. */
START_TEST(real_mode_irq_through_the_ivt)
{
    rs_set_mode(m, RS_MODE_REAL, 0);
    static const uint8_t code[] = { 0xfb, 0x90, 0x90 };     /* sti nop nop */
    put(0x700, code, sizeof(code));
    static const uint8_t ivt8[] = { 0x34, 0x12, 0x00, 0x20 };   /* 2000:1234 */
    put(8 * 4, ivt8, 4);
    rs_table_reg i = { 0, 0x3ff };
    rs_descriptor_table(m, 1, true, &i);
    rs_set_reg(m, RS_RIP, 0x700);
    rs_set_reg(m, RS_RSP, 0x1000);
    rs_interrupt(m, 8);
    step();                                          /* sti */
    step();                                          /* nop (shadow) */
    step();                                          /* IRQ 8 */
    rs_segment cs;
    rs_get_segment(m, RS_CS, &cs);
    ck_assert_uint_eq(cs.selector, 0x2000);
    ck_assert_uint_eq(cs.base, 0x20000);
    ck_assert_uint_eq(reg(RS_RIP), 0x1234);
    ck_assert_uint_eq(reg(RS_RSP), 0xffa);
    uint8_t frame[6];
    rs_read_phys(m, 0xffa, frame, 6);
    ck_assert_uint_eq(frame[0] | frame[1] << 8, 0x702);  /* IP */
    ck_assert_uint_eq(frame[2] | frame[3] << 8, 0);      /* CS */
    ck_assert_uint_eq(frame[4] | frame[5] << 8, 0x202);  /* FLAGS */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("interrupts");
    TCase *tc = tcase_create("delivery");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, external_interrupt_masked_by_if_and_sti_shadow);
    tcase_add_test(tc, sti_sti_opens_no_longer_shadow);
    tcase_add_test(tc, hlt_waits_for_an_interrupt);
    tcase_add_test(tc, hlt_with_if_clear_only_wakes_for_nmi);
    tcase_add_test(tc, nmi_blocked_until_iret);
    tcase_add_test(tc, single_step_raises_db_after_each_instruction);
    tcase_add_test(tc, single_step_int_n_has_no_trap);
    tcase_add_test(tc, single_step_stops_when_stopping_on_exceptions);
    tcase_add_test(tc, fault_delivery_is_one_step);
    tcase_add_test(tc, triple_fault_stops_with_a_report);
    tcase_add_test(tc, event_stream_for_int_exception_irq_iret);
    tcase_add_test(tc, irq_event_and_request_stop_from_a_subscriber);
    tcase_add_test(tc, unsubscribed_stream_is_silent);
    tcase_add_test(tc, real_mode_irq_through_the_ivt);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
