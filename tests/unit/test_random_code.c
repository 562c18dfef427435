/*
 * Random instruction bytes executed at CPL 3 must never crash or hang the
 * host (DESIGN: "the guest can never hurt the host"). Each run executes a
 * page of random bytes with random registers under an instruction budget;
 * every stop must be a budget, a halt or an architectural exception with
 * RIP inside the guest's address space. CI runs this under ASan and UBSan,
 * where any out-of-bounds host access or undefined behaviour aborts.
 */
#include <check.h>
#include <stdlib.h>

#include "ringscope/ringscope.h"

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void fuzz_mode(rs_mode mode, unsigned cpl, unsigned runs)
{
    rs_config cfg = { .stop_on_exception = true };
    rs_machine *m;
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    ck_assert_int_eq(rs_map_ram(m, 0, 0x20000), RS_OK);
    uint8_t page[4096];
    unsigned exceptions = 0, budgets = 0;
    for (unsigned run = 0; run < runs; run++) {
        ck_assert_int_eq(rs_set_mode(m, mode, cpl), RS_OK);
        /* Bias towards prefixes and escapes so decoding corners get exercised. */
        for (unsigned i = 0; i < sizeof(page); i++) {
            uint64_t r = next();
            static const uint8_t interesting[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x64, 0x0f,
                                                   0x48, 0x4f, 0xc4, 0xc5, 0x8f, 0x62, 0xff, 0x38 };
            page[i] = (r & 0x300) ? (uint8_t)r : interesting[(r >> 12) & 15];
        }
        ck_assert_int_eq(rs_write_phys(m, 0x1000, page, sizeof(page)), RS_OK);
        for (int r = RS_RAX; r <= RS_R15; r++)
            rs_set_reg(m, (rs_reg)r, (next() & 1) ? next() : (next() & 0x1ffff));
        rs_set_reg(m, RS_RSP, 0x8000 + (next() & 0xff0));
        rs_set_reg(m, RS_RFLAGS, 0x202 | (next() & 0x8d5));
        rs_set_reg(m, RS_RIP, 0x1000 + (next() & 0x7ff));
        rs_stop why;
        uint64_t retired = 0;
        ck_assert_int_eq(rs_run(m, 256, &why, &retired), RS_OK);
        ck_assert_uint_le(retired, 256);
        if (why == RS_STOP_EXCEPTION) {
            rs_exception e;
            ck_assert_int_eq(rs_last_exception(m, &e), RS_OK);
            ck_assert_uint_lt(e.vector, 32);
            exceptions++;
        } else {
            ck_assert(why == RS_STOP_BUDGET || why == RS_STOP_HALT);
            budgets += why == RS_STOP_BUDGET;
        }
    }
    /* Random code mostly faults quickly; both outcomes must occur. */
    ck_assert_uint_gt(exceptions, 0);
    rs_destroy(m);
}

START_TEST(random_long64) { fuzz_mode(RS_MODE_LONG64, 3, 20000); }
END_TEST
START_TEST(random_prot32) { fuzz_mode(RS_MODE_PROT32, 3, 20000); }
END_TEST
START_TEST(random_prot16) { fuzz_mode(RS_MODE_PROT16, 3, 10000); }
END_TEST
START_TEST(random_real) { fuzz_mode(RS_MODE_REAL, 0, 10000); }
END_TEST
START_TEST(random_compat32) { fuzz_mode(RS_MODE_COMPAT32, 3, 10000); }
END_TEST

int main(void)
{
    Suite *s = suite_create("random code");
    TCase *tc = tcase_create("modes");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, random_long64);
    tcase_add_test(tc, random_prot32);
    tcase_add_test(tc, random_prot16);
    tcase_add_test(tc, random_real);
    tcase_add_test(tc, random_compat32);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
