/*
 * Far transfers and descriptor-table instructions as sequences, which the
 * one-instruction vectors cannot show (tests/vectors/handwritten/
 * make_far_vectors.py and make_desctable_vectors.py hold the single-step
 * cases): a CALL through a call gate to ring 0 and the RETF back, in legacy
 * and in IA-32e mode; LTR then a second LTR on the now-busy TSS; LGDT/LIDT
 * then SGDT/SIDT; and the transition events they emit (rs_subscribe).
 * Expected values follow the SDM's JMP/CALL/RET and LTR/LGDT Operation
 * sections.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ringscope/ringscope.h"

#define GDT 0x8000
#define TSS 0x5000

/* ---- machine setup ---- */

static rs_machine *machine(rs_mode mode, unsigned cpl)
{
    rs_config cfg = { .stop_on_exception = true };
    rs_machine *m;
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    ck_assert_int_eq(rs_map_ram(m, 0, 0x100000), RS_OK);
    ck_assert_int_eq(rs_set_mode(m, mode, cpl), RS_OK);
    return m;
}

static void hex(rs_machine *m, uint64_t addr, const char *s)
{
    uint8_t b[256];
    size_t n = 0;
    for (; s[0] && s[1]; s += 2) {
        unsigned v;
        ck_assert(sscanf(s, "%2x", &v) == 1);
        b[n++] = (uint8_t)v;
    }
    ck_assert_int_eq(rs_write_phys(m, addr, b, n), RS_OK);
}

/* IA-32e mode runs with paging on: identity-map the first 2 MiB (one
 * user, writable 2 MiB page) with tables at 70000h. */
static void identity_paging(rs_machine *m)
{
    hex(m, 0x70000, "2710070000000000");           /* PML4[0] -> PDPT 71000 */
    hex(m, 0x71000, "2720070000000000");           /* PDPT[0] -> PD 72000 */
    hex(m, 0x72000, "e700000000000000");           /* PD[0]: 2 MiB page at 0, P RW US A D PS */
    ck_assert_int_eq(rs_set_reg(m, RS_CR3, 0x70000), RS_OK);
}

static void gdt(rs_machine *m, const char *descs, uint16_t limit)
{
    hex(m, GDT, descs);
    rs_table_reg t = { GDT, limit };
    ck_assert_int_eq(rs_descriptor_table(m, 0, true, &t), RS_OK);
}

static void sreg(rs_machine *m, rs_sreg r, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
    rs_segment s = { sel, attr, limit, base };
    ck_assert_int_eq(rs_set_segment(m, r, &s), RS_OK);
}

static uint64_t reg(rs_machine *m, rs_reg r)
{
    uint64_t v;
    ck_assert_int_eq(rs_get_reg(m, r, &v), RS_OK);
    return v;
}

static rs_segment segment(rs_machine *m, rs_sreg r)
{
    rs_segment s;
    ck_assert_int_eq(rs_get_segment(m, r, &s), RS_OK);
    return s;
}

static void step_ok(rs_machine *m)
{
    rs_stop why;
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);
}

static rs_mode mode_of(rs_machine *m)
{
    rs_mode md;
    rs_get_mode(m, &md);
    return md;
}

/* ---- the event recorder ---- */

#define MAX_EV 8
struct rec {
    unsigned n;
    rs_event ev[MAX_EV];
};

static void on_event(void *ctx, const rs_event *ev)
{
    struct rec *r = ctx;
    if (r->n < MAX_EV)
        r->ev[r->n] = *ev;
    r->n++;
}

/* ---- legacy: CALL through a gate to ring 0 with 2 parameters, RETF 8 back ---- */

static const char GDT32[] =
    "0000000000000000"   /* 00 */
    "ffff0000009bcf00"   /* 08 code32 ring 0 */
    "ffff00000093cf00"   /* 10 data ring 0 */
    "ffff000000fbcf00"   /* 18 code32 ring 3 */
    "ffff000000f3cf00"   /* 20 data ring 3 */
    "0020080002ec0000"   /* 28 call gate32 dpl 3 -> 08:2000, 2 parameters */
    "67000050008b0000"   /* 30 busy 32-bit TSS at 5000 */
    "6700006000890000"   /* 38 available 32-bit TSS at 6000 */
    "ffff0000019a0000";  /* 40 code16 ring 0 base 10000 */

START_TEST(call_gate_then_retf)
{
    rs_machine *m = machine(RS_MODE_PROT32, 3);
    gdt(m, GDT32, 0x47);
    sreg(m, RS_TR, 0x30, TSS, 0x67, 0x8b);
    hex(m, TSS + 4, "0040000010000000");           /* ESP0 4000, SS0 10 */
    sreg(m, RS_CS, 0x1b, 0, 0xffffffff, 0xc0fb);
    sreg(m, RS_SS, 0x23, 0, 0xffffffff, 0xc0f3);
    sreg(m, RS_DS, 0x23, 0, 0xffffffff, 0xc0f3);
    hex(m, 0x1000, "9a000000002b00");              /* call 002b:00000000 */
    hex(m, 0x2000, "ca0800");                      /* retf 8 */
    hex(m, 0x3000, "aaaaaaaabbbbbbbb");            /* the two parameters */
    rs_set_reg(m, RS_RIP, 0x1000);
    rs_set_reg(m, RS_RSP, 0x3000);
    struct rec r = { 0 };
    ck_assert_int_eq(rs_subscribe(m, on_event, &r), RS_OK);

    step_ok(m);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x2000);
    ck_assert_uint_eq(reg(m, RS_RSP), 0x3fe8);
    ck_assert_uint_eq(segment(m, RS_CS).selector, 0x08);
    ck_assert_uint_eq(segment(m, RS_SS).selector, 0x10);
    uint8_t frame[24];
    rs_read_phys(m, 0x3fe8, frame, sizeof(frame));
    static const uint8_t want[24] = { 0x07, 0x10, 0, 0, 0x1b, 0, 0, 0, 0xaa, 0xaa, 0xaa, 0xaa,
                                      0xbb, 0xbb, 0xbb, 0xbb, 0x00, 0x30, 0, 0, 0x23, 0, 0, 0 };
    ck_assert_mem_eq(frame, want, sizeof(want));
    ck_assert_uint_eq(r.n, 1);
    ck_assert_int_eq(r.ev[0].kind, RS_EV_FAR_CALL);
    ck_assert_uint_eq(r.ev[0].cpl_before, 3);
    ck_assert_uint_eq(r.ev[0].cpl_after, 0);
    ck_assert_uint_eq(r.ev[0].cs_before, 0x1b);
    ck_assert_uint_eq(r.ev[0].cs_after, 0x08);
    ck_assert_uint_eq(r.ev[0].ss_before, 0x23);
    ck_assert_uint_eq(r.ev[0].ss_after, 0x10);
    ck_assert_uint_eq(r.ev[0].rip_before, 0x1000);
    ck_assert_uint_eq(r.ev[0].rip_after, 0x2000);
    ck_assert_uint_eq(r.ev[0].rsp_before, 0x3000);
    ck_assert_uint_eq(r.ev[0].rsp_after, 0x3fe8);
    ck_assert_int_eq(r.ev[0].stack_source, RS_STACK_TSS_RSP);
    ck_assert_uint_eq(r.ev[0].stack_index, 0);
    ck_assert_int_eq(r.ev[0].vector, -1);

    step_ok(m);                                    /* retf 8: back to ring 3 */
    ck_assert_uint_eq(reg(m, RS_RIP), 0x1007);
    ck_assert_uint_eq(reg(m, RS_RSP), 0x3008);     /* parameters released on the caller's stack */
    ck_assert_uint_eq(segment(m, RS_CS).selector, 0x1b);
    ck_assert_uint_eq(segment(m, RS_SS).selector, 0x23);
    ck_assert_uint_eq(segment(m, RS_DS).selector, 0x23);   /* dpl 3: not nulled */
    ck_assert_uint_eq(r.n, 2);
    ck_assert_int_eq(r.ev[1].kind, RS_EV_FAR_RET);
    ck_assert_uint_eq(r.ev[1].cpl_before, 0);
    ck_assert_uint_eq(r.ev[1].cpl_after, 3);
    ck_assert_uint_eq(r.ev[1].rip_before, 0x2000);
    ck_assert_uint_eq(r.ev[1].rip_after, 0x1007);
    ck_assert_uint_eq(r.ev[1].rsp_after, 0x3008);
    ck_assert_int_eq(r.ev[1].stack_source, RS_STACK_FRAME);
    rs_destroy(m);
}
END_TEST

/* A faulting call through the gate (SS0 not present) changes nothing and
 * emits no far-transfer event. */
START_TEST(faulting_gate_call_is_atomic)
{
    rs_machine *m = machine(RS_MODE_PROT32, 3);
    gdt(m, GDT32, 0x47);
    sreg(m, RS_TR, 0x30, TSS, 0x67, 0x8b);
    hex(m, TSS + 4, "0040000008000000");           /* SS0 = code: #TS(08) */
    sreg(m, RS_CS, 0x1b, 0, 0xffffffff, 0xc0fb);
    sreg(m, RS_SS, 0x23, 0, 0xffffffff, 0xc0f3);
    hex(m, 0x1000, "9a000000002b00");
    rs_set_reg(m, RS_RIP, 0x1000);
    rs_set_reg(m, RS_RSP, 0x3000);
    struct rec r = { 0 };
    rs_subscribe(m, on_event, &r);
    rs_stop why;
    rs_step(m, &why);
    ck_assert_int_eq(why, RS_STOP_EXCEPTION);
    rs_exception e;
    rs_last_exception(m, &e);
    ck_assert_uint_eq(e.vector, 10);
    ck_assert_uint_eq(e.error_code, 0x08);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x1000);
    ck_assert_uint_eq(reg(m, RS_RSP), 0x3000);
    ck_assert_uint_eq(segment(m, RS_CS).selector, 0x1b);
    ck_assert_uint_eq(segment(m, RS_SS).selector, 0x23);
    for (unsigned i = 0; i < r.n && i < MAX_EV; i++)
        ck_assert(r.ev[i].kind != RS_EV_FAR_CALL);
    rs_destroy(m);
}
END_TEST

/* Far JMP events: none for a plain jump within one mode and privilege;
 * one for a jump that changes the mode (32- to 16-bit code) and for a
 * jump through a call gate. */
START_TEST(far_jmp_events)
{
    rs_machine *m = machine(RS_MODE_PROT32, 0);
    gdt(m, GDT32, 0x47);
    hex(m, 0x1000, "ea001100000800");              /* jmp 0008:00001100 */
    hex(m, 0x1100, "ea000000002800");              /* jmp 0028:0 (gate -> 08:2000) */
    hex(m, 0x2000, "ea340100004000");              /* jmp 0040:00000134 (16-bit code) */
    rs_set_reg(m, RS_RIP, 0x1000);
    struct rec r = { 0 };
    rs_subscribe(m, on_event, &r);
    step_ok(m);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x1100);
    ck_assert_uint_eq(r.n, 0);
    step_ok(m);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x2000);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_int_eq(r.ev[0].kind, RS_EV_FAR_JMP);
    ck_assert_int_eq(r.ev[0].stack_source, RS_STACK_UNCHANGED);
    ck_assert_uint_eq(r.ev[0].cpl_after, 0);
    step_ok(m);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x134);
    ck_assert_int_eq(mode_of(m), RS_MODE_PROT16);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_int_eq(r.ev[1].kind, RS_EV_FAR_JMP);
    ck_assert_int_eq(r.ev[1].mode_before, RS_MODE_PROT32);
    ck_assert_int_eq(r.ev[1].mode_after, RS_MODE_PROT16);
    ck_assert_uint_eq(r.ev[1].cs_after, 0x40);
    rs_destroy(m);
}
END_TEST

/* LTR marks the TSS busy; a second LTR of the same selector then finds a
 * busy TSS: #GP(selector), TR unchanged. */
START_TEST(ltr_twice_faults_on_busy)
{
    rs_machine *m = machine(RS_MODE_PROT32, 0);
    gdt(m, GDT32, 0x47);
    sreg(m, RS_TR, 0x30, TSS, 0x67, 0x8b);
    hex(m, 0x1000, "66b838000f00d80f00d8");        /* mov ax,38; ltr ax; ltr ax */
    rs_set_reg(m, RS_RIP, 0x1000);
    step_ok(m);
    step_ok(m);
    rs_segment tr = segment(m, RS_TR);
    ck_assert_uint_eq(tr.selector, 0x38);
    ck_assert_uint_eq(tr.base, 0x6000);
    ck_assert_uint_eq(tr.limit, 0x67);
    ck_assert_uint_eq(tr.attr, 0x8b);
    uint8_t type;
    rs_read_phys(m, GDT + 0x38 + 5, &type, 1);
    ck_assert_uint_eq(type, 0x8b);                 /* busy bit set in the GDT */
    rs_stop why;
    rs_step(m, &why);
    ck_assert_int_eq(why, RS_STOP_EXCEPTION);
    rs_exception e;
    rs_last_exception(m, &e);
    ck_assert_uint_eq(e.vector, 13);
    ck_assert(e.has_error_code);
    ck_assert_uint_eq(e.error_code, 0x38);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x1007);
    ck_assert_uint_eq(segment(m, RS_TR).selector, 0x38);
    rs_destroy(m);
}
END_TEST

/* LGDT/LIDT load what SGDT/SIDT store; a 16-bit operand size keeps 24 bits
 * of the base (SDM LGDT: "GDTR(Base) <- SRC[16:47] AND 00FFFFFFH"). */
START_TEST(lgdt_lidt_then_store)
{
    rs_machine *m = machine(RS_MODE_PROT32, 0);
    gdt(m, GDT32, 0x47);
    hex(m, 0x2000, "ff017856341200000000");        /* limit 1ff, base 12345678 */
    hex(m, 0x1000, "0f01150020000066" "0f011d00200000" "0f010530200000" "0f010d40200000");
    /* lgdt [2000]; 66 lidt [2000]; sgdt [2030]; sidt [2040] */
    rs_set_reg(m, RS_RIP, 0x1000);
    step_ok(m);
    step_ok(m);
    rs_table_reg g, i;
    rs_descriptor_table(m, 0, false, &g);
    rs_descriptor_table(m, 1, false, &i);
    ck_assert_uint_eq(g.base, 0x12345678);
    ck_assert_uint_eq(g.limit, 0x1ff);
    ck_assert_uint_eq(i.base, 0x345678);
    ck_assert_uint_eq(i.limit, 0x1ff);
    step_ok(m);
    step_ok(m);
    uint8_t b[6];
    rs_read_phys(m, 0x2030, b, 6);
    ck_assert_mem_eq(b, "\xff\x01\x78\x56\x34\x12", 6);
    rs_read_phys(m, 0x2040, b, 6);
    ck_assert_mem_eq(b, "\xff\x01\x78\x56\x34\x00", 6);
    rs_destroy(m);
}
END_TEST

/* IA-32e: from compatibility mode at ring 3 through a 64-bit call gate to
 * 64-bit ring 0 (RSP0 from the TSS, null SS), then RETF (32-bit) back to
 * compatibility mode at ring 3. */
static const char GDT64[] =
    "0000000000000000"   /* 00 */
    "ffff0000009baf00"   /* 08 code64 ring 0 */
    "ffff00000093cf00"   /* 10 data ring 0 */
    "ffff000000fbcf00"   /* 18 code32 ring 3 */
    "ffff000000f3cf00"   /* 20 data ring 3 */
    "0020080000ec0000"   /* 28 64-bit call gate dpl 3 -> 08:2000 */
    "0000000000000000"
    "67000050008b0000"   /* 38 busy 64-bit TSS at 5000 */
    "0000000000000000";

START_TEST(call_gate64_from_compat_and_back)
{
    rs_machine *m = machine(RS_MODE_COMPAT32, 3);
    identity_paging(m);
    gdt(m, GDT64, 0x47);
    sreg(m, RS_TR, 0x38, TSS, 0x67, 0x8b);
    hex(m, TSS + 4, "0040000000000000");           /* RSP0 4000 */
    sreg(m, RS_CS, 0x1b, 0, 0xffffffff, 0xc0fb);
    sreg(m, RS_SS, 0x23, 0, 0xffffffff, 0xc0f3);
    sreg(m, RS_DS, 0x10, 0, 0xffffffff, 0xc093);   /* dpl 0: nulled by the return */
    hex(m, 0x1000, "9a000000002b00");              /* call 002b:0 */
    hex(m, 0x2000, "48cb");                        /* rex.w retf */
    rs_set_reg(m, RS_RIP, 0x1000);
    rs_set_reg(m, RS_RSP, 0x3000);
    struct rec r = { 0 };
    rs_subscribe(m, on_event, &r);

    step_ok(m);
    ck_assert_int_eq(mode_of(m), RS_MODE_LONG64);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x2000);
    ck_assert_uint_eq(reg(m, RS_RSP), 0x3fe0);
    ck_assert_uint_eq(segment(m, RS_SS).selector, 0);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_int_eq(r.ev[0].kind, RS_EV_FAR_CALL);
    ck_assert_int_eq(r.ev[0].mode_before, RS_MODE_COMPAT32);
    ck_assert_int_eq(r.ev[0].mode_after, RS_MODE_LONG64);
    ck_assert_int_eq(r.ev[0].stack_source, RS_STACK_TSS_RSP);
    ck_assert_uint_eq(r.ev[0].stack_index, 0);

    step_ok(m);
    ck_assert_int_eq(mode_of(m), RS_MODE_COMPAT32);
    ck_assert_uint_eq(reg(m, RS_RIP), 0x1007);
    ck_assert_uint_eq(reg(m, RS_RSP), 0x3000);
    ck_assert_uint_eq(segment(m, RS_CS).selector, 0x1b);
    ck_assert_uint_eq(segment(m, RS_SS).selector, 0x23);
    ck_assert_uint_eq(segment(m, RS_DS).selector, 0);
    ck_assert_uint_eq(segment(m, RS_DS).attr, 0);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_int_eq(r.ev[1].kind, RS_EV_FAR_RET);
    ck_assert_int_eq(r.ev[1].mode_after, RS_MODE_COMPAT32);
    ck_assert_uint_eq(r.ev[1].cpl_after, 3);
    ck_assert_int_eq(r.ev[1].stack_source, RS_STACK_FRAME);
    rs_destroy(m);
}
END_TEST

static Suite *far_suite(void)
{
    Suite *s = suite_create("far");
    TCase *tc = tcase_create("far");
    tcase_add_test(tc, call_gate_then_retf);
    tcase_add_test(tc, faulting_gate_call_is_atomic);
    tcase_add_test(tc, far_jmp_events);
    tcase_add_test(tc, ltr_twice_faults_on_busy);
    tcase_add_test(tc, lgdt_lidt_then_store);
    tcase_add_test(tc, call_gate64_from_compat_and_back);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(far_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
