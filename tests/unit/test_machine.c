/*
 * The embeddable API and the machine around the CPU: power-on state, memory
 * mapping errors, exceptions reported to the embedder, the decoded-block
 * cache and self-modifying code.
 */
#include <check.h>
#include <stdlib.h>

#include "ringscope/ringscope.h"

static rs_machine *m;

static void setup(void)
{
    rs_config cfg = { .stop_on_exception = true };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
}

static void teardown(void)
{
    rs_destroy(m);
}

static uint64_t reg(rs_reg r)
{
    uint64_t v;
    ck_assert_int_eq(rs_get_reg(m, r, &v), RS_OK);
    return v;
}

/* Run from `addr` (without touching the mode) until the CPU stops. */
static rs_stop rerun(uint64_t addr)
{
    rs_stop why;
    rs_set_reg(m, RS_RIP, addr);
    ck_assert_int_eq(rs_run(m, 1000, &why, NULL), RS_OK);
    return why;
}

/* Load `code` at `addr` in 64-bit mode, CPL 0, and run until it stops. */
static rs_stop run64(uint64_t addr, const uint8_t *code, size_t len)
{
    rs_set_mode(m, RS_MODE_LONG64, 0);
    ck_assert_int_eq(rs_write_phys(m, addr, code, len), RS_OK);
    return rerun(addr);
}

START_TEST(power_on_state)
{
    rs_segment cs;
    rs_mode mode;
    ck_assert_uint_eq(reg(RS_RIP), 0xfff0);
    ck_assert_uint_eq(reg(RS_RFLAGS), 0x2);
    ck_assert_uint_eq(reg(RS_CR0), 0x60000010);
    ck_assert_uint_eq(reg(RS_RDX), 0x00050654);
    ck_assert_int_eq(rs_get_segment(m, RS_CS, &cs), RS_OK);
    ck_assert_uint_eq(cs.selector, 0xf000);
    ck_assert_uint_eq(cs.base, 0xffff0000);
    ck_assert_int_eq(rs_get_mode(m, &mode), RS_OK);
    ck_assert_int_eq(mode, RS_MODE_REAL);
}
END_TEST

/* The first instruction is fetched at FFFFFFF0h (SDM Vol. 3A, 10.1.4). */
START_TEST(reset_vector_fetch)
{
    static const uint8_t code[] = { 0xb8, 0x34, 0x12, 0xf4 };  /* mov ax, 0x1234; hlt */
    rs_stop why;
    ck_assert_int_eq(rs_map_ram(m, 0xfffff000, 0x1000), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0xfffffff0, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_run(m, 10, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX) & 0xffff, 0x1234);
}
END_TEST

START_TEST(memory_errors)
{
    uint8_t b = 0;
    ck_assert_int_eq(rs_map_ram(m, 0x1000, 0x800), RS_ERR_ARG);
    ck_assert_int_eq(rs_map_ram(m, 0x1800, 0x1000), RS_ERR_ARG);
    ck_assert_int_eq(rs_map_ram(m, 0x0, 0x4000), RS_OK);
    ck_assert_int_eq(rs_map_ram(m, 0x2000, 0x1000), RS_ERR_OVERLAP);
    ck_assert_int_eq(rs_read_phys(m, 0x4000, &b, 1), RS_ERR_UNMAPPED);
    ck_assert_int_eq(rs_write_phys(m, 0x3fff, "ab", 2), RS_ERR_UNMAPPED);
    ck_assert_int_eq(rs_get_reg(m, RS_REG_COUNT, NULL), RS_ERR_ARG);
    ck_assert_int_eq(rs_get_msr(m, 0x12345678, &(uint64_t){ 0 }), RS_ERR_ARG);
    ck_assert_str_eq(rs_strerror(RS_ERR_UNMAPPED), "address is not backed by RAM");
}
END_TEST

/* Exceptions stop the machine with RIP at the faulting instruction and the
 * state untouched. */
START_TEST(exception_reported)
{
    static const uint8_t code[] = { 0xb8, 0x05, 0, 0, 0, 0x0f, 0x0b };  /* mov eax, 5; ud2 */
    rs_exception e;
    ck_assert_int_eq(rs_map_ram(m, 0, 0x10000), RS_OK);
    ck_assert_int_eq(run64(0x1000, code, sizeof(code)), RS_STOP_EXCEPTION);
    ck_assert_int_eq(rs_last_exception(m, &e), RS_OK);
    ck_assert_uint_eq(e.vector, 6);
    ck_assert(!e.has_error_code);
    ck_assert_uint_eq(reg(RS_RIP), 0x1005);
    ck_assert_uint_eq(reg(RS_RAX), 5);
}
END_TEST

/* A 16-byte instruction is #GP(0) (SDM Vol. 2A, 2.3.11). */
START_TEST(too_long_is_gp)
{
    uint8_t code[16];
    rs_exception e;
    for (int i = 0; i < 14; i++)
        code[i] = 0x66;
    code[14] = 0x90;
    code[15] = 0xf4;
    ck_assert_int_eq(rs_map_ram(m, 0, 0x10000), RS_OK);
    ck_assert_int_eq(run64(0x1000, code, 16), RS_STOP_HALT);     /* 15 bytes: fine */
    code[0] = 0xf3;
    uint8_t longer[17] = { 0x66 };
    for (int i = 0; i < 16; i++)
        longer[i + 1] = code[i];
    longer[0] = 0x66;
    ck_assert_int_eq(run64(0x2000, longer, 17), RS_STOP_EXCEPTION);
    rs_last_exception(m, &e);
    ck_assert_uint_eq(e.vector, 13);
    ck_assert_uint_eq(e.error_code, 0);
    ck_assert_uint_eq(reg(RS_RIP), 0x2000);
}
END_TEST

/* A store into the immediate of the next instruction in the same decoded
 * block must take effect before that instruction runs. */
START_TEST(self_modifying_same_block)
{
    static const uint8_t code[] = {
        0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x2a,   /* mov byte [rip+1], 0x2a */
        0xb8, 0x07, 0x00, 0x00, 0x00,               /* mov eax, 7 -> mov eax, 0x2a */
        0xf4,                                       /* hlt */
    };
    uint64_t decoded, invalidated;
    ck_assert_int_eq(rs_map_ram(m, 0, 0x10000), RS_OK);
    ck_assert_int_eq(run64(0x1000, code, sizeof(code)), RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 0x2a);
    rs_decode_stats(m, &decoded, &invalidated);
    ck_assert_uint_ge(invalidated, 1);
}
END_TEST

/* Decoded code is reused, and invalidated by guest stores and by the API. */
START_TEST(decode_cache_invalidation)
{
    static const uint8_t target[] = { 0xb8, 0x07, 0, 0, 0, 0xf4 };          /* mov eax, 7; hlt */
    static const uint8_t patch[] = { 0xc6, 0x04, 0x25, 0x01, 0x20, 0, 0, 0x0b, 0xf4 }; /* mov byte [0x2001], 11 */
    uint64_t d0, d1, inv0, inv1;
    ck_assert_int_eq(rs_map_ram(m, 0, 0x10000), RS_OK);
    ck_assert_int_eq(run64(0x2000, target, sizeof(target)), RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 7);
    rs_decode_stats(m, &d0, &inv0);
    ck_assert_int_eq(rerun(0x2000), RS_STOP_HALT);              /* cached */
    rs_decode_stats(m, &d1, &inv1);
    ck_assert_uint_eq(d1, d0);
    ck_assert_int_eq(rs_write_phys(m, 0x3000, patch, sizeof(patch)), RS_OK);
    ck_assert_int_eq(rerun(0x3000), RS_STOP_HALT);
    ck_assert_int_eq(rerun(0x2000), RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 11);
    rs_decode_stats(m, &d1, &inv1);
    ck_assert_uint_gt(inv1, inv0);
    ck_assert_int_eq(rs_write_phys(m, 0x2001, "\x0d", 1), RS_OK);
    ck_assert_int_eq(rerun(0x2000), RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 13);
}
END_TEST

/* The budget is exact: rs_run retires exactly max_insns instructions. */
START_TEST(budget_is_exact)
{
    static const uint8_t loop[] = { 0x48, 0xff, 0xc0, 0xeb, 0xfb };   /* 1: inc rax; jmp 1b */
    rs_stop why;
    uint64_t retired = 0;
    ck_assert_int_eq(rs_map_ram(m, 0, 0x10000), RS_OK);
    rs_set_mode(m, RS_MODE_LONG64, 0);
    rs_write_phys(m, 0x1000, loop, sizeof(loop));
    rs_set_reg(m, RS_RIP, 0x1000);
    rs_set_reg(m, RS_RAX, 0);
    ck_assert_int_eq(rs_run(m, 1001, &why, &retired), RS_OK);
    ck_assert_int_eq(why, RS_STOP_BUDGET);
    ck_assert_uint_eq(retired, 1001);
    ck_assert_uint_eq(reg(RS_RAX), 501);
    ck_assert_uint_eq(reg(RS_RIP), 0x1003);
}
END_TEST

/* Names and the clock come from the API, so front ends share one table. */
START_TEST(names_and_clock)
{
    uint64_t cpu_hz = 0, tsc_hz = 0;
    ck_assert_str_eq(rs_mode_name(RS_MODE_LONG64), "long64");
    ck_assert_str_eq(rs_mode_name(RS_MODE_REAL), "real");
    ck_assert_str_eq(rs_mode_name(RS_MODE_COUNT), "?");
    ck_assert_str_eq(rs_event_kind_name(RS_EV_SYSENTER), "sysenter");
    ck_assert_str_eq(rs_event_kind_name(RS_EV_TRIPLE_FAULT), "triple_fault");
    ck_assert_str_eq(rs_event_kind_name(RS_EV_KIND_COUNT), "?");
    ck_assert_int_eq(rs_get_clock(m, &cpu_hz, &tsc_hz), RS_OK);
    ck_assert_uint_eq(cpu_hz, 2000000000ull);
    ck_assert_uint_eq(tsc_hz, cpu_hz);
    rs_machine *pc;
    rs_pc_config cfg = { .cpu_hz = 3000000000ull };
    ck_assert_int_eq(rs_create_pc(&cfg, &pc, NULL, 0), RS_OK);
    ck_assert_int_eq(rs_get_clock(pc, &cpu_hz, NULL), RS_OK);
    ck_assert_uint_eq(cpu_hz, 3000000000ull);
    rs_destroy(pc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("machine");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, power_on_state);
    tcase_add_test(tc, reset_vector_fetch);
    tcase_add_test(tc, memory_errors);
    tcase_add_test(tc, exception_reported);
    tcase_add_test(tc, too_long_is_gp);
    tcase_add_test(tc, self_modifying_same_block);
    tcase_add_test(tc, decode_cache_invalidation);
    tcase_add_test(tc, budget_is_exact);
    tcase_add_test(tc, names_and_clock);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
