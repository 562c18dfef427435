/*
 * The paging unit in sequences a one-instruction vector cannot show: TLB
 * staleness until INVLPG or a CR3 write, global pages surviving a CR3
 * write, PCIDs and the no-flush bit, INVPCID, large pages under INVLPG,
 * SMAP/AC and CPL changes never using a stale permission, the decoded-block
 * cache under remapping (jump cache, aliases, blocks spanning two pages),
 * the PAE PDPTE checks, and the counters (docs/paging.md).
 *
 * Guest code runs in 64-bit mode at CPL 0 with 4-level tables built here:
 *   PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000;
 *   PD[0] -> PT 0x4000: identity map of 0..2 MiB (user, writable, A/D set);
 *   PD[1] -> PT 0x5000: the test window at linear 0x200000, set per test.
 * Data pages: phys 0x20000 holds 0x1111, 0x21000 0x2222, 0x22000 0x3333,
 * 0x23000 0x4444. Code at 0x10000 (and 0x10100, 0x10200, ...).
 */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "mmu/paging.h"
#include "ringscope/ringscope.h"

static rs_machine *m;
static struct cpu *cpu;

#define PTE_URW 0x67ull     /* P, R/W, U/S, A, D */
#define WINDOW  0x200000ull

static uint64_t reg(rs_reg r)
{
    uint64_t v;
    ck_assert_int_eq(rs_get_reg(m, r, &v), RS_OK);
    return v;
}

static void put64(uint64_t pa, uint64_t v)
{
    ck_assert_int_eq(rs_write_phys(m, pa, &v, 8), RS_OK);
}

/* Window PTE i (linear WINDOW + i * 4 KiB). Host writes bypass the TLB. */
static void window_pte(unsigned i, uint64_t v)
{
    put64(0x5000 + 8 * i, v);
}

static void setup(void)
{
    rs_config cfg = { .stop_on_exception = true };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    cpu = &((struct machine *)m)->cpu;     /* rs_machine wraps struct machine (api.c) */
    ck_assert_int_eq(rs_map_ram(m, 0, 0x800000), RS_OK);
    ck_assert_int_eq(rs_set_mode(m, RS_MODE_LONG64, 0), RS_OK);
    put64(0x1000, 0x2000 | 0x27);
    put64(0x2000, 0x3000 | 0x27);
    put64(0x3000, 0x4000 | 0x27);
    put64(0x3008, 0x5000 | 0x27);
    for (uint64_t i = 0; i < 512; i++)
        put64(0x4000 + 8 * i, (i << 12) | PTE_URW);
    put64(0x20000, 0x1111);
    put64(0x21000, 0x2222);
    put64(0x22000, 0x3333);
    put64(0x23000, 0x4444);
    ck_assert_int_eq(rs_set_reg(m, RS_CR3, 0x1000), RS_OK);
}

static void teardown(void)
{
    rs_destroy(m);
}

/* Load `code` at `addr` and run it to its HLT. */
static void run_at(uint64_t addr, const uint8_t *code, size_t len)
{
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(m, addr, code, len), RS_OK);
    rs_set_reg(m, RS_RIP, addr);
    ck_assert_int_eq(rs_run(m, 1000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
}

/* Run to a stop that must be exception `vector`; returns its error code. */
static uint32_t run_fault(uint64_t addr, const uint8_t *code, size_t len, unsigned vector)
{
    rs_stop why;
    rs_exception e;
    ck_assert_int_eq(rs_write_phys(m, addr, code, len), RS_OK);
    rs_set_reg(m, RS_RIP, addr);
    ck_assert_int_eq(rs_run(m, 1000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_EXCEPTION);
    ck_assert_int_eq(rs_last_exception(m, &e), RS_OK);
    ck_assert_uint_eq(e.vector, vector);
    return e.error_code;
}

/* mov REG, [disp32]: 48 8b /r with SIB 25 (no base, no index). */
#define LOAD(modrm, a) 0x48, 0x8b, (modrm), 0x25, (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, 0
#define LD_RAX(a) LOAD(0x04, a)
#define LD_RBX(a) LOAD(0x1c, a)
#define LD_RSI(a) LOAD(0x34, a)
#define LD_RDI(a) LOAD(0x3c, a)
#define LD_R8(a)  0x4c, 0x8b, 0x04, 0x25, (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, 0
#define ST_RDX(a) 0x48, 0x89, 0x14, 0x25, (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, 0
#define INVLPG(a) 0x0f, 0x01, 0x3c, 0x25, (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, 0
#define HLT 0xf4

/* rs_translate / rs_read_virt: the debugger's view through the paging
 * structures, without side effects: no accessed bit, no TLB fill, no fault. */
START_TEST(debugger_reads_through_paging)
{
    window_pte(0, 0x21000 | 0x07);      /* P, R/W, U/S; A = 0 */
    window_pte(1, 0x20000 | 0x07);
    rs_tlb_stats before, after;
    ck_assert_int_eq(rs_get_tlb_stats(m, &before), RS_OK);
    uint64_t pa, v[2];
    ck_assert_int_eq(rs_translate(m, 0x200123, &pa), RS_OK);
    ck_assert_uint_eq(pa, 0x21123);
    ck_assert_int_eq(rs_translate(m, 0x202000, &pa), RS_ERR_UNMAPPED);     /* PTE 2: not present */
    ck_assert_int_eq(rs_read_virt(m, 0x200ff8, v, sizeof(v)), RS_OK);      /* two pages */
    ck_assert_uint_eq(v[0], 0);                 /* 21ff8h */
    ck_assert_uint_eq(v[1], 0x1111);            /* 20000h */
    ck_assert_int_eq(rs_read_virt(m, 0x201ff8, v, sizeof(v)), RS_ERR_UNMAPPED);
    uint64_t pte;
    ck_assert_int_eq(rs_read_phys(m, 0x5000, &pte, 8), RS_OK);
    ck_assert_uint_eq(pte & 0x20, 0);           /* A still clear */
    ck_assert_int_eq(rs_get_tlb_stats(m, &after), RS_OK);
    ck_assert_uint_eq(after.misses, before.misses);
    ck_assert_uint_eq(after.walks, before.walks);
}
END_TEST

/* A translation stays in the TLB after its PTE changes, until INVLPG. */
START_TEST(stale_until_invlpg)
{
    static const uint8_t code[] = {
        LD_RAX(0x200000), ST_RDX(0x5000), LD_RSI(0x200000), INVLPG(0x200000), LD_RDI(0x200000), HLT,
    };
    window_pte(0, 0x20000 | PTE_URW);
    rs_set_reg(m, RS_RDX, 0x21000 | PTE_URW);
    run_at(0x10000, code, sizeof(code));
    ck_assert_uint_eq(reg(RS_RAX), 0x1111);
    ck_assert_uint_eq(reg(RS_RSI), 0x1111);     /* stale: allowed and expected */
    ck_assert_uint_eq(reg(RS_RDI), 0x2222);
}
END_TEST

/* ... or until a CR3 write (same value: still a flush of non-global entries). */
START_TEST(stale_until_cr3_write)
{
    static const uint8_t a[] = { LD_RAX(0x200000), ST_RDX(0x5000), LD_RSI(0x200000), HLT };
    static const uint8_t b[] = { LD_RDI(0x200000), HLT };
    window_pte(0, 0x20000 | PTE_URW);
    rs_set_reg(m, RS_RDX, 0x21000 | PTE_URW);
    run_at(0x10000, a, sizeof(a));
    ck_assert_uint_eq(reg(RS_RSI), 0x1111);
    mmu_write_cr3(cpu, 0x1000);
    run_at(0x10100, b, sizeof(b));
    ck_assert_uint_eq(reg(RS_RDI), 0x2222);
}
END_TEST

/* With CR4.PGE, a global entry survives a CR3 write; a non-global one does
 * not; a CR4 change (mmu_paging_changed) drops both. */
START_TEST(global_survives_cr3_write)
{
    static const uint8_t a[] = { LD_RAX(0x200000), LD_RBX(0x201000), HLT };
    static const uint8_t b[] = { LD_RSI(0x200000), LD_RDI(0x201000), HLT };
    static const uint8_t c[] = { LD_R8(0x200000), HLT };
    rs_set_reg(m, RS_CR4, 0x20 | 0x80);
    window_pte(0, 0x20000 | PTE_URW | PTE_G);
    window_pte(1, 0x22000 | PTE_URW);
    run_at(0x10000, a, sizeof(a));
    ck_assert_uint_eq(reg(RS_RAX), 0x1111);
    ck_assert_uint_eq(reg(RS_RBX), 0x3333);
    window_pte(0, 0x21000 | PTE_URW | PTE_G);
    window_pte(1, 0x23000 | PTE_URW);
    mmu_write_cr3(cpu, 0x1000);
    run_at(0x10100, b, sizeof(b));
    ck_assert_uint_eq(reg(RS_RSI), 0x1111);     /* global: kept */
    ck_assert_uint_eq(reg(RS_RDI), 0x4444);     /* not global: walked again */
    mmu_paging_changed(cpu);
    run_at(0x10200, c, sizeof(c));
    ck_assert_uint_eq(reg(RS_R8), 0x2222);
}
END_TEST

/* Without CR4.PGE the G bit means nothing. */
START_TEST(global_needs_pge)
{
    static const uint8_t a[] = { LD_RAX(0x200000), HLT };
    static const uint8_t b[] = { LD_RSI(0x200000), HLT };
    window_pte(0, 0x20000 | PTE_URW | PTE_G);
    run_at(0x10000, a, sizeof(a));
    window_pte(0, 0x21000 | PTE_URW | PTE_G);
    mmu_write_cr3(cpu, 0x1000);
    run_at(0x10100, b, sizeof(b));
    ck_assert_uint_eq(reg(RS_RSI), 0x2222);
}
END_TEST

/* PCIDs: a switch with the no-flush bit keeps the old PCID's entries (the
 * TLB is direct-mapped by linear page, so only those the new PCID did not
 * evict: the test touches another page), the new PCID does not use them, a
 * CR3 write without the bit flushes the new PCID; bit 63 is not stored. */
START_TEST(pcid_switches)
{
    static const uint8_t a[] = { LD_RAX(0x200000), LD_RBX(0x201000), HLT };
    static const uint8_t b[] = { LD_RSI(0x200000), HLT };
    static const uint8_t c[] = { LD_RDI(0x201000), HLT };
    static const uint8_t d[] = { LD_R8(0x201000), HLT };
    rs_set_reg(m, RS_CR4, 0x20 | PG_CR4_PCIDE);
    rs_set_reg(m, RS_CR3, 0x1000 | 1);
    window_pte(0, 0x20000 | PTE_URW);
    window_pte(1, 0x22000 | PTE_URW);
    run_at(0x10000, a, sizeof(a));                  /* PCID 1 caches both pages */
    ck_assert_uint_eq(reg(RS_RAX), 0x1111);
    ck_assert_uint_eq(reg(RS_RBX), 0x3333);
    window_pte(0, 0x21000 | PTE_URW);
    window_pte(1, 0x23000 | PTE_URW);
    mmu_write_cr3(cpu, PG_CR3_NOFLUSH | 0x1000 | 2);
    ck_assert_uint_eq(reg(RS_CR3), 0x1002);
    run_at(0x10100, b, sizeof(b));                  /* PCID 2 walks */
    ck_assert_uint_eq(reg(RS_RSI), 0x2222);
    mmu_write_cr3(cpu, PG_CR3_NOFLUSH | 0x1000 | 1);
    run_at(0x10200, c, sizeof(c));                  /* PCID 1's entry is still there */
    ck_assert_uint_eq(reg(RS_RDI), 0x3333);
    mmu_write_cr3(cpu, 0x1000 | 1);                 /* flushes PCID 1 */
    run_at(0x10300, d, sizeof(d));
    ck_assert_uint_eq(reg(RS_R8), 0x4444);
}
END_TEST

/* A global entry serves every PCID, also after a flush of another PCID. */
START_TEST(pcid_global_shared)
{
    static const uint8_t a[] = { LD_RAX(0x200000), HLT };
    static const uint8_t b[] = { LD_RSI(0x200000), HLT };
    rs_set_reg(m, RS_CR4, 0x20 | 0x80 | PG_CR4_PCIDE);
    rs_set_reg(m, RS_CR3, 0x1000 | 1);
    window_pte(0, 0x20000 | PTE_URW | PTE_G);
    run_at(0x10000, a, sizeof(a));
    window_pte(0, 0x21000 | PTE_URW | PTE_G);
    mmu_write_cr3(cpu, 0x1000 | 2);                 /* flush PCID 2, switch to it */
    run_at(0x10100, b, sizeof(b));
    ck_assert_uint_eq(reg(RS_RSI), 0x1111);         /* the global entry from PCID 1 */
}
END_TEST

/* INVPCID type 1 flushes another PCID's entries (seen when switching back);
 * type 0 one address of it; type 2 globals too. */
START_TEST(invpcid_types)
{
    /* invpcid rax, [0x30000] */
    static const uint8_t inv[] = { 0x66, 0x0f, 0x38, 0x82, 0x04, 0x25, 0x00, 0x00, 0x03, 0x00, HLT };
    static const uint8_t rd[] = { LD_RSI(0x200000), LD_RDI(0x201000), HLT };
    rs_set_reg(m, RS_CR4, 0x20 | 0x80 | PG_CR4_PCIDE);
    rs_set_reg(m, RS_CR3, 0x1000 | 1);
    window_pte(0, 0x20000 | PTE_URW);
    window_pte(1, 0x22000 | PTE_URW | PTE_G);
    run_at(0x10000, rd, sizeof(rd));                /* PCID 1 caches both */
    window_pte(0, 0x21000 | PTE_URW);
    window_pte(1, 0x23000 | PTE_URW | PTE_G);
    mmu_write_cr3(cpu, PG_CR3_NOFLUSH | 0x1000 | 2);
    put64(0x30000, 1);                              /* descriptor: PCID 1 */
    put64(0x30008, 0);
    rs_set_reg(m, RS_RAX, 1);                       /* type 1: single context */
    run_at(0x10100, inv, sizeof(inv));
    mmu_write_cr3(cpu, PG_CR3_NOFLUSH | 0x1000 | 1);
    run_at(0x10200, rd, sizeof(rd));
    ck_assert_uint_eq(reg(RS_RSI), 0x2222);         /* flushed */
    ck_assert_uint_eq(reg(RS_RDI), 0x3333);         /* global: kept by type 1 */
    rs_set_reg(m, RS_RAX, 2);                       /* type 2: everything */
    run_at(0x10300, inv, sizeof(inv));
    run_at(0x10400, rd, sizeof(rd));
    ck_assert_uint_eq(reg(RS_RDI), 0x4444);
    /* type 0: one address of the current PCID */
    window_pte(0, 0x20000 | PTE_URW);
    put64(0x30000, 1);
    put64(0x30008, 0x200000);
    rs_set_reg(m, RS_RAX, 0);
    run_at(0x10500, inv, sizeof(inv));
    run_at(0x10600, rd, sizeof(rd));
    ck_assert_uint_eq(reg(RS_RSI), 0x1111);
}
END_TEST

/* INVLPG in a 2 MiB page drops every 4 KiB piece the TLB holds of it. */
START_TEST(invlpg_large_page)
{
    static const uint8_t code[] = {
        LD_RAX(0x200000), LD_RBX(0x3ff000), ST_RDX(0x3008), INVLPG(0x200000),
        LD_RSI(0x200000), LD_RDI(0x3ff000), HLT,
    };
    put64(0x3008, 0x200000 | PTE_URW | 0x80);       /* PD[1]: 2 MiB page at phys 0x200000 */
    put64(0x200000, 0xa);
    put64(0x3ff000, 0xb);
    put64(0x400000, 0xc);
    put64(0x5ff000, 0xd);
    rs_set_reg(m, RS_RDX, 0x400000 | PTE_URW | 0x80);
    run_at(0x10000, code, sizeof(code));
    ck_assert_uint_eq(reg(RS_RAX), 0xa);
    ck_assert_uint_eq(reg(RS_RBX), 0xb);
    ck_assert_uint_eq(reg(RS_RSI), 0xc);
    ck_assert_uint_eq(reg(RS_RDI), 0xd);
}
END_TEST

/* SMAP: a supervisor translation of a user page made while AC = 1 is not
 * used once AC = 0 (CLAC), and is again after STAC. */
START_TEST(smap_follows_ac)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0xcb, LD_RAX(0x200000), 0x0f, 0x01, 0xca, LD_RSI(0x200000), HLT,
    };
    static const uint8_t again[] = { 0x0f, 0x01, 0xcb, LD_RDI(0x200000), HLT };
    rs_set_reg(m, RS_CR4, 0x20 | PG_CR4_SMAP);
    window_pte(0, 0x20000 | PTE_URW);
    ck_assert_uint_eq(run_fault(0x10000, code, sizeof(code), 14), 0x01);
    ck_assert_uint_eq(reg(RS_RAX), 0x1111);
    ck_assert_uint_eq(reg(RS_RIP), 0x10000 + 3 + 8 + 3);
    ck_assert_uint_eq(reg(RS_CR2), 0x200000);
    run_at(0x10100, again, sizeof(again));
    ck_assert_uint_eq(reg(RS_RDI), 0x1111);
}
END_TEST

/* Supervisor and user translations coexist: a supervisor-only page read at
 * CPL 0 is refused at CPL 3 without any flush in between. */
START_TEST(cpl_change_no_stale_permission)
{
    static const uint8_t a[] = { LD_RAX(0x200000), HLT };
    static const uint8_t b[] = { LD_RSI(0x200000), HLT };
    window_pte(0, 0x20000 | 0x63);                  /* supervisor page */
    run_at(0x10000, a, sizeof(a));
    ck_assert_uint_eq(reg(RS_RAX), 0x1111);
    rs_segment cs, ss;
    rs_get_segment(m, RS_CS, &cs);
    rs_get_segment(m, RS_SS, &ss);
    cs.selector |= 3;
    cs.attr |= 3 << 5;
    ss.selector |= 3;
    ss.attr |= 3 << 5;
    rs_set_segment(m, RS_CS, &cs);                  /* CPL 3; no TLB flush */
    rs_set_segment(m, RS_SS, &ss);
    ck_assert_uint_eq(run_fault(0x10100, b, sizeof(b), 14), 0x05);
    /* Back at CPL 0 the supervisor entry still serves. */
    cs.selector &= ~3;
    cs.attr &= ~(3 << 5);
    ss.selector &= ~3;
    ss.attr &= ~(3 << 5);
    rs_set_segment(m, RS_CS, &cs);
    rs_set_segment(m, RS_SS, &ss);
    run_at(0x10200, b, sizeof(b));
    ck_assert_uint_eq(reg(RS_RSI), 0x1111);
}
END_TEST

/* Code remapped under its linear address: the old block keeps running (the
 * translation is cached, like a TLB entry) until INVLPG. */
START_TEST(code_remap_needs_invlpg)
{
    static const uint8_t one[] = { 0xb8, 1, 0, 0, 0, HLT };
    static const uint8_t two[] = { 0xb8, 2, 0, 0, 0, HLT };
    static const uint8_t inv[] = { INVLPG(0x200000), HLT };
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(m, 0x20000, one, sizeof(one)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x21000, two, sizeof(two)), RS_OK);
    window_pte(0, 0x20000 | PTE_URW);
    rs_set_reg(m, RS_RIP, 0x200000);
    rs_run(m, 10, &why, NULL);
    ck_assert_uint_eq(reg(RS_RAX), 1);
    window_pte(0, 0x21000 | PTE_URW);
    rs_set_reg(m, RS_RIP, 0x200000);
    rs_run(m, 10, &why, NULL);
    ck_assert_uint_eq(reg(RS_RAX), 1);              /* stale, as a TLB may be */
    run_at(0x10000, inv, sizeof(inv));
    rs_set_reg(m, RS_RIP, 0x200000);
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 2);
}
END_TEST

/* Self-modifying code through another linear alias of the same physical
 * page: blocks are keyed by physical address, so the store invalidates. */
START_TEST(smc_through_alias)
{
    static const uint8_t target[] = { 0xb8, 7, 0, 0, 0, HLT };
    /* mov byte [0x201001], 9; hlt */
    static const uint8_t patch[] = { 0xc6, 0x04, 0x25, 0x01, 0x10, 0x20, 0x00, 9, HLT };
    rs_stop why;
    uint64_t d0, inv0, d1, inv1;
    ck_assert_int_eq(rs_write_phys(m, 0x20000, target, sizeof(target)), RS_OK);
    window_pte(0, 0x20000 | PTE_URW);
    window_pte(1, 0x20000 | PTE_URW);
    rs_set_reg(m, RS_RIP, 0x200000);
    rs_run(m, 10, &why, NULL);
    ck_assert_uint_eq(reg(RS_RAX), 7);
    rs_decode_stats(m, &d0, &inv0);
    run_at(0x10000, patch, sizeof(patch));
    rs_set_reg(m, RS_RIP, 0x200000);
    rs_run(m, 10, &why, NULL);
    ck_assert_uint_eq(reg(RS_RAX), 9);
    rs_decode_stats(m, &d1, &inv1);
    ck_assert_uint_gt(inv1, inv0);
}
END_TEST

/* An instruction spanning two pages: after its second page is remapped (and
 * INVLPG), the block found by its first byte's physical address is checked
 * against the new translation of the second page and decoded again. */
START_TEST(two_page_block_revalidated)
{
    static const uint8_t first[] = { 0xb8, 0x05 };              /* mov eax, imm32 ... */
    static const uint8_t second_a[] = { 0, 0, 0, HLT };
    static const uint8_t second_b[] = { 7, 0, 0, HLT };
    static const uint8_t inv[] = { INVLPG(0x201000), HLT };
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(m, 0x20ffe, first, sizeof(first)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x21000, second_a, sizeof(second_a)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x22000, second_b, sizeof(second_b)), RS_OK);
    window_pte(0, 0x20000 | PTE_URW);
    window_pte(1, 0x21000 | PTE_URW);
    rs_set_reg(m, RS_RIP, 0x200ffe);
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 5);
    window_pte(1, 0x22000 | PTE_URW);
    run_at(0x10000, inv, sizeof(inv));
    rs_set_reg(m, RS_RIP, 0x200ffe);
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 0x705);
}
END_TEST

/* A store to the second page of an instruction that crosses pages, when
 * that page is not physically next to the first: the block is invalidated. */
START_TEST(smc_second_page_not_adjacent)
{
    static const uint8_t first[] = { 0xb8, 0x05 };              /* mov eax, imm32 ... */
    static const uint8_t second[] = { 0, 0, 0, HLT };
    /* mov byte [0x22000], 9; hlt (the identity map reaches phys 0x22000) */
    static const uint8_t patch[] = { 0xc6, 0x04, 0x25, 0x00, 0x20, 0x02, 0x00, 9, HLT };
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(m, 0x20ffe, first, sizeof(first)), RS_OK);
    ck_assert_int_eq(rs_write_phys(m, 0x22000, second, sizeof(second)), RS_OK);
    window_pte(0, 0x20000 | PTE_URW);
    window_pte(1, 0x22000 | PTE_URW);
    rs_set_reg(m, RS_RIP, 0x200ffe);
    rs_run(m, 10, &why, NULL);
    ck_assert_uint_eq(reg(RS_RAX), 5);
    run_at(0x10000, patch, sizeof(patch));
    rs_set_reg(m, RS_RIP, 0x200ffe);
    rs_run(m, 10, &why, NULL);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(reg(RS_RAX), 0x905);
}
END_TEST

/* Counters: a walk per TLB miss, none for hits. */
START_TEST(counters)
{
    static const uint8_t code[] = { LD_RAX(0x200000), LD_RSI(0x200000), LD_RDI(0x200008), HLT };
    static const uint8_t inv[] = { INVLPG(0x200000), LD_R8(0x200000), HLT };
    struct mmu_stats s0, s1, s2;
    window_pte(0, 0x20000 | PTE_URW);
    mmu_stats(cpu, &s0);
    run_at(0x10000, code, sizeof(code));
    mmu_stats(cpu, &s1);
    /* One walk for the code page, one for the data page. */
    ck_assert_uint_eq(s1.walks - s0.walks, 2);
    ck_assert_uint_eq(s1.tlb_misses - s0.tlb_misses, 2);
    ck_assert_uint_ge(s1.tlb_hits - s0.tlb_hits, 1);  /* the decoder's fetch */
    run_at(0x10100, inv, sizeof(inv));
    mmu_stats(cpu, &s2);
    /* The same code page (jump cache flushed by INVLPG, the exec entry
     * kept) and the data page walked again. */
    ck_assert_uint_eq(s2.walks - s1.walks, 1);
}
END_TEST

/* Context numbers are recycled after 2047 non-global flushes: counted as
 * flushes the SDM did not require. */
START_TEST(context_recycling_counted)
{
    struct mmu_stats s0, s1;
    mmu_stats(cpu, &s0);
    for (int i = 0; i < 5000; i++)
        mmu_write_cr3(cpu, 0x1000);
    mmu_stats(cpu, &s1);
    ck_assert_uint_eq(s1.pcid_flushes - s0.pcid_flushes, 5000);
    ck_assert_uint_eq(s1.avoidable_flushes - s0.avoidable_flushes, 2);
    static const uint8_t code[] = { LD_RAX(0x200000), HLT };
    window_pte(0, 0x20000 | PTE_URW);
    run_at(0x10000, code, sizeof(code));
    ck_assert_uint_eq(reg(RS_RAX), 0x1111);
}
END_TEST

/* PAE paging: MOV to CR3 loads the PDPTEs and refuses reserved bits with
 * #GP(0), CR3 unchanged; mmu_prepare_paging_change checks before a CR0/CR4
 * write commits. */
START_TEST(pae_pdpte_checks)
{
    rs_set_mode(m, RS_MODE_PROT32, 0);
    put64(0x6000, 0x7000 | 1);          /* good PDPT at 0x6000 */
    put64(0x6100, 0x7000 | 3);          /* bad: bit 1 reserved */
    rs_set_reg(m, RS_CR4, 0x20);
    rs_set_reg(m, RS_CR3, 0x6000);
    rs_set_reg(m, RS_CR0, 0x80000011);
    cpu->exc.vector = -1;
    if (setjmp(cpu->fault_jmp) == 0) {
        mmu_write_cr3(cpu, 0x6100);
        ck_abort_msg("no #GP");
    }
    ck_assert_int_eq(cpu->exc.vector, 13);
    ck_assert_uint_eq(cpu->exc.error_code, 0);
    ck_assert_uint_eq(reg(RS_CR3), 0x6000);
    cpu->exc.vector = -1;
    mmu_write_cr3(cpu, 0x6000);         /* fine */
    ck_assert_uint_eq(cpu->paging.pdpte[0], 0x7001);
    /* Turning paging on over a bad PDPT: #GP before anything changes. */
    rs_set_reg(m, RS_CR0, 0x11);
    rs_set_reg(m, RS_CR3, 0x6100);
    if (setjmp(cpu->fault_jmp) == 0) {
        mmu_prepare_paging_change(cpu, 0x80000011, 0x20);
        ck_abort_msg("no #GP");
    }
    ck_assert_int_eq(cpu->exc.vector, 13);
    cpu->exc.vector = -1;
    rs_set_reg(m, RS_CR3, 0x6000);
    mmu_prepare_paging_change(cpu, 0x80000011, 0x20);
    cpu->cr0 = 0x80000011;
    mmu_paging_changed(cpu);
    ck_assert(cpu->paging.pdpte_loaded);
    ck_assert_uint_eq(cpu->paging.pdpte[0], 0x7001);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("paging");
    TCase *tc = tcase_create("tlb");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, debugger_reads_through_paging);
    tcase_add_test(tc, stale_until_invlpg);
    tcase_add_test(tc, stale_until_cr3_write);
    tcase_add_test(tc, global_survives_cr3_write);
    tcase_add_test(tc, global_needs_pge);
    tcase_add_test(tc, pcid_switches);
    tcase_add_test(tc, pcid_global_shared);
    tcase_add_test(tc, invpcid_types);
    tcase_add_test(tc, invlpg_large_page);
    tcase_add_test(tc, smap_follows_ac);
    tcase_add_test(tc, cpl_change_no_stale_permission);
    tcase_add_test(tc, code_remap_needs_invlpg);
    tcase_add_test(tc, smc_through_alias);
    tcase_add_test(tc, two_page_block_revalidated);
    tcase_add_test(tc, smc_second_page_not_adjacent);
    tcase_add_test(tc, counters);
    tcase_add_test(tc, context_recycling_counted);
    tcase_add_test(tc, pae_pdpte_checks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
