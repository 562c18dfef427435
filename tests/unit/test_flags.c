/*
 * Flag helpers (src/cpu/flags.[ch]): lazily recorded ALU results must yield
 * the SDM's CF/PF/AF/ZF/SF/OF, and cond_true() must match the SDM's
 * condition-code table (Vol. 1, Appendix B) for every flag combination.
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/flags.h"

static struct cpu cpu;

static uint32_t lazy(enum lazy_op op, unsigned size, uint64_t a, uint64_t b)
{
    uint64_t m = size_mask(size);
    uint64_t r = op == LF_ADD ? (a + b) & m : op == LF_SUB ? (a - b) & m
               : op == LF_INC ? (a + 1) & m : op == LF_DEC ? (a - 1) & m : (a & b);
    flags_lazy(&cpu, op, size, r, a, b);
    return flags_arith(&cpu);
}

START_TEST(add_flags)
{
    cpu.rflags = F_R1;
    ck_assert_uint_eq(lazy(LF_ADD, 1, 0x7f, 1), F_OF | F_SF | F_AF);
    ck_assert_uint_eq(lazy(LF_ADD, 1, 0xff, 1), F_CF | F_ZF | F_AF | F_PF);
    ck_assert_uint_eq(lazy(LF_ADD, 2, 0x8000, 0x8000), F_CF | F_OF | F_ZF | F_PF);
    ck_assert_uint_eq(lazy(LF_ADD, 4, 0xffffffff, 0), F_SF | F_PF);
    ck_assert_uint_eq(lazy(LF_ADD, 8, ~0ull, ~0ull), F_CF | F_SF | F_AF);
    /* ADC recovers the carry from the result: 0xff + 0 + CF(1) = 0x100. */
    flags_lazy(&cpu, LF_ADD, 1, 0x00, 0xff, 0x00);
    ck_assert_uint_eq(flags_arith(&cpu) & F_CF, F_CF);
}
END_TEST

START_TEST(sub_flags)
{
    cpu.rflags = F_R1;
    ck_assert_uint_eq(lazy(LF_SUB, 1, 0, 1), F_CF | F_SF | F_AF | F_PF);
    ck_assert_uint_eq(lazy(LF_SUB, 1, 0x80, 1), F_OF | F_AF);
    ck_assert_uint_eq(lazy(LF_SUB, 8, 5, 5), F_ZF | F_PF);
    ck_assert_uint_eq(lazy(LF_SUB, 4, 0x7fffffff, 0xffffffff), F_CF | F_OF | F_SF | F_PF);
    /* NEG as 0 - x: CF set unless x is 0. */
    ck_assert_uint_eq(lazy(LF_SUB, 2, 0, 0) & F_CF, 0);
    ck_assert_uint_eq(lazy(LF_SUB, 2, 0, 0x8000) & (F_CF | F_OF), F_CF | F_OF);
}
END_TEST

START_TEST(inc_dec_keep_cf)
{
    cpu.rflags = F_R1 | F_CF;
    ck_assert_uint_eq(lazy(LF_INC, 1, 0x7f, 0), F_CF | F_OF | F_SF | F_AF);
    cpu.rflags = F_R1;
    ck_assert_uint_eq(lazy(LF_INC, 1, 0xff, 0), F_ZF | F_AF | F_PF);
    ck_assert_uint_eq(lazy(LF_DEC, 2, 0x8000, 0), F_OF | F_AF | F_PF);
}
END_TEST

START_TEST(logic_clears_cf_of)
{
    cpu.rflags = F_R1 | F_CF | F_OF;
    cpu.lf.op = LF_NONE;
    ck_assert_uint_eq(lazy(LF_LOGIC, 8, 0x8000000000000000ull, ~0ull), F_SF | F_PF);
}
END_TEST

/* cond_true against the SDM's table, for all 64 status-flag combinations. */
START_TEST(conditions)
{
    for (unsigned bits = 0; bits < 64; bits++) {
        uint32_t f = 0;
        if (bits & 1) f |= F_CF;
        if (bits & 2) f |= F_PF;
        if (bits & 4) f |= F_AF;
        if (bits & 8) f |= F_ZF;
        if (bits & 16) f |= F_SF;
        if (bits & 32) f |= F_OF;
        flags_set_arith(&cpu, f);
        bool cf = f & F_CF, zf = f & F_ZF, sf = f & F_SF, of = f & F_OF, pf = f & F_PF;
        bool want[16] = { of, !of, cf, !cf, zf, !zf, cf || zf, !cf && !zf,
                          sf, !sf, pf, !pf, sf != of, sf == of, zf || sf != of, !zf && sf == of };
        for (unsigned cc = 0; cc < 16; cc++)
            ck_assert_msg(cond_true(&cpu, cc) == want[cc], "cc %u flags %#x", cc, f);
    }
}
END_TEST

START_TEST(update_keeps_other_flags)
{
    cpu.rflags = F_R1 | F_DF;
    flags_lazy(&cpu, LF_SUB, 1, 0xff, 0, 1);         /* CF SF AF PF */
    flags_update(&cpu, F_CF, 0);
    ck_assert_uint_eq(flags_read(&cpu), F_R1 | F_DF | F_SF | F_AF | F_PF);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flags");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, add_flags);
    tcase_add_test(tc, sub_flags);
    tcase_add_test(tc, inc_dec_keep_cf);
    tcase_add_test(tc, logic_clears_cf_of);
    tcase_add_test(tc, conditions);
    tcase_add_test(tc, update_keeps_other_flags);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
