/*
 * Data breakpoints (SDM Vol. 3A, 17.2.4-17.2.5): DR0 + DR7 set by guest
 * code at CPL 0 in 64-bit mode, then a data access; a match is a trap-class
 * #DB after the accessing instruction, with DR6.B0 set. And host
 * breakpoints (rs_set_breakpoint), which the guest never sees.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ringscope/ringscope.h"

#define CODE 0x1000
#define WATCH 0x3000

static rs_machine *m;

static void setup(void)
{
    rs_config cfg = { .stop_on_exception = true };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    ck_assert_int_eq(rs_map_ram(m, 0, 0x10000), RS_OK);
    ck_assert_int_eq(rs_set_mode(m, RS_MODE_LONG64, 0), RS_OK);
}

static void teardown(void) { rs_destroy(m); }

/* Arm DR0 = WATCH with DR7 = `dr7`, then run `access` (up to 11 bytes),
 * NOP, HLT. Returns how the run stopped; *rip is where. */
static rs_stop run_access(uint32_t dr7, const uint8_t *access, size_t len, uint64_t *rip)
{
    uint8_t code[64];
    size_t n = 0;
    static const uint8_t arm[] = {
        0x48, 0xc7, 0xc0, 0x00, 0x30, 0x00, 0x00,   /* mov rax, WATCH */
        0x0f, 0x23, 0xc0,                           /* mov dr0, rax */
        0xb8, 0, 0, 0, 0,                           /* mov eax, dr7 value */
        0x0f, 0x23, 0xf8,                           /* mov dr7, rax */
    };
    memcpy(code, arm, sizeof(arm));
    memcpy(code + 11, &dr7, 4);
    n = sizeof(arm);
    memcpy(code + n, access, len);
    n += len;
    code[n++] = 0x90;                               /* nop */
    code[n++] = 0xf4;                               /* hlt */
    ck_assert_int_eq(rs_write_phys(m, CODE, code, n), RS_OK);
    rs_set_reg(m, RS_RIP, CODE);
    rs_stop why;
    ck_assert_int_eq(rs_run(m, 100, &why, NULL), RS_OK);
    rs_get_reg(m, RS_RIP, rip);
    return why;
}

static uint64_t read_dr6(void)
{
    static const uint8_t code[] = { 0x0f, 0x21, 0xf0, 0xf4 };  /* mov rax, dr6; hlt */
    rs_stop why;
    uint64_t v;
    rs_write_phys(m, 0x2000, code, sizeof(code));
    rs_set_reg(m, RS_RIP, 0x2000);
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    rs_get_reg(m, RS_RAX, &v);
    return v;
}

/* mov dword [0x3002], 5: overlaps a 4-byte breakpoint at 0x3000. */
static const uint8_t store_3002[] = { 0xc7, 0x04, 0x25, 0x02, 0x30, 0x00, 0x00, 0x05, 0, 0, 0 };
/* mov eax, [0x3000] */
static const uint8_t load_3000[] = { 0x8b, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00 };
/* mov dword [0x3004], 5: just past a 4-byte breakpoint at 0x3000. */
static const uint8_t store_3004[] = { 0xc7, 0x04, 0x25, 0x04, 0x30, 0x00, 0x00, 0x05, 0, 0, 0 };

/* L0, R/W0 = 01 (writes), LEN0 = 11 (4 bytes). */
#define DR7_W4  0x000d0001u
/* L0, R/W0 = 11 (reads or writes), LEN0 = 11 (4 bytes). */
#define DR7_RW4 0x000f0001u

START_TEST(write_breakpoint_traps_after_the_store)
{
    uint64_t rip;
    rs_exception e;
    uint32_t v = 0;
    ck_assert_int_eq(run_access(DR7_W4, store_3002, sizeof(store_3002), &rip), RS_STOP_EXCEPTION);
    ck_assert_int_eq(rs_last_exception(m, &e), RS_OK);
    ck_assert_uint_eq(e.vector, 1);
    ck_assert_uint_eq(rip, CODE + 18 + sizeof(store_3002));    /* trap: after the store */
    rs_read_phys(m, 0x3002, &v, 4);
    ck_assert_uint_eq(v, 5);                                    /* the store happened */
    ck_assert_uint_eq(read_dr6() & 0xf, 1);                     /* B0 */
}
END_TEST

START_TEST(write_breakpoint_ignores_reads)
{
    uint64_t rip;
    ck_assert_int_eq(run_access(DR7_W4, load_3000, sizeof(load_3000), &rip), RS_STOP_HALT);
}
END_TEST

START_TEST(read_write_breakpoint_traps_on_read)
{
    uint64_t rip;
    rs_exception e;
    ck_assert_int_eq(run_access(DR7_RW4, load_3000, sizeof(load_3000), &rip), RS_STOP_EXCEPTION);
    rs_last_exception(m, &e);
    ck_assert_uint_eq(e.vector, 1);
    ck_assert_uint_eq(rip, CODE + 18 + sizeof(load_3000));
}
END_TEST

START_TEST(access_outside_the_range_does_not_trap)
{
    uint64_t rip;
    ck_assert_int_eq(run_access(DR7_RW4, store_3004, sizeof(store_3004), &rip), RS_STOP_HALT);
}
END_TEST

START_TEST(disabled_breakpoint_does_not_trap)
{
    uint64_t rip;
    /* R/W0 and LEN0 set, but L0 = G0 = 0. */
    ck_assert_int_eq(run_access(0x000f0000u, store_3002, sizeof(store_3002), &rip), RS_STOP_HALT);
}
END_TEST

/* A loop: inc rax; inc rbx; jmp back. A host breakpoint on the second
 * instruction stops every pass before it, with nothing of it done; the run
 * that resumes executes it. */
START_TEST(host_breakpoint_stops_before_the_instruction)
{
    static const uint8_t code[] = { 0x48, 0xff, 0xc0,      /* inc rax */
                                    0x48, 0xff, 0xc3,      /* inc rbx */
                                    0xeb, 0xf8 };          /* jmp CODE */
    ck_assert_int_eq(rs_write_phys(m, CODE, code, sizeof(code)), RS_OK);
    rs_set_reg(m, RS_RIP, CODE);
    rs_set_reg(m, RS_RAX, 0);
    rs_set_reg(m, RS_RBX, 0);
    ck_assert_int_eq(rs_set_breakpoint(m, CODE + 3), RS_OK);
    ck_assert_int_eq(rs_set_breakpoint(m, CODE + 3), RS_OK);     /* twice: one */
    for (uint64_t pass = 1; pass <= 3; pass++) {
        rs_stop why;
        uint64_t retired = 0, rip, rax, rbx;
        ck_assert_int_eq(rs_run(m, 100, &why, &retired), RS_OK);
        ck_assert_int_eq(why, RS_STOP_BREAKPOINT);
        rs_get_reg(m, RS_RIP, &rip);
        rs_get_reg(m, RS_RAX, &rax);
        rs_get_reg(m, RS_RBX, &rbx);
        ck_assert_uint_eq(rip, CODE + 3);
        ck_assert_uint_eq(rax, pass);
        ck_assert_uint_eq(rbx, pass - 1);
        ck_assert_uint_eq(retired, pass == 1 ? 1 : 3);  /* inc rbx, jmp, inc rax */
    }
    /* Single steps stop there too (the careful path), then step over it. */
    rs_stop why;
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);          /* resumed: inc rbx ran */
    ck_assert_int_eq(rs_clear_breakpoint(m, CODE + 3), RS_OK);
    ck_assert_int_eq(rs_clear_breakpoint(m, CODE + 3), RS_ERR_ARG);
    ck_assert_int_eq(rs_run(m, 30, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);          /* no breakpoint left */
    for (unsigned i = 0; i < RS_MAX_BREAKPOINTS; i++)
        ck_assert_int_eq(rs_set_breakpoint(m, 0x8000 + i), RS_OK);
    ck_assert_int_eq(rs_set_breakpoint(m, 0x9000), RS_ERR_ARG);
}
END_TEST

/* With TF set every instruction takes the careful path: the breakpoint
 * stops it there as well, before the single-step trap of anything. */
START_TEST(host_breakpoint_on_the_careful_path)
{
    static const uint8_t code[] = { 0x90, 0x90, 0xf4 };    /* nop; nop; hlt */
    ck_assert_int_eq(rs_write_phys(m, CODE, code, sizeof(code)), RS_OK);
    rs_set_reg(m, RS_RIP, CODE);
    ck_assert_int_eq(rs_set_breakpoint(m, CODE + 1), RS_OK);
    rs_stop why;
    ck_assert_int_eq(rs_step(m, &why), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);
    uint64_t rip;
    rs_set_reg(m, RS_RFLAGS, 0x102);                 /* TF */
    ck_assert_int_eq(rs_run(m, 10, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BREAKPOINT);
    rs_get_reg(m, RS_RIP, &rip);
    ck_assert_uint_eq(rip, CODE + 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("debug");
    TCase *tc = tcase_create("data breakpoints");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, write_breakpoint_traps_after_the_store);
    tcase_add_test(tc, write_breakpoint_ignores_reads);
    tcase_add_test(tc, read_write_breakpoint_traps_on_read);
    tcase_add_test(tc, access_outside_the_range_does_not_trap);
    tcase_add_test(tc, disabled_breakpoint_does_not_trap);
    tcase_add_test(tc, host_breakpoint_stops_before_the_instruction);
    tcase_add_test(tc, host_breakpoint_on_the_careful_path);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
