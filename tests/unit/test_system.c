/*
 * System instructions through the public API, for what one-instruction
 * vectors cannot show: port handlers (OUT reaching them, IN values, REP
 * OUTSB streaming a string, no port access when the instruction faults),
 * the event stream of SYSCALL/SYSRET, SYSENTER/SYSEXIT and MOV to CR3, mode
 * switch sequences (real -> protected -> IA-32e -> protected -> real),
 * debug-register round trips and DR7.GD, MSRs through the API.
 *
 * Programs that run with paging on get identity page tables (2 MiB user
 * pages over the first GiB), so they run the same with and without the
 * paging unit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ringscope/ringscope.h"

#define RAM_SIZE (8u << 20)
#define PT_BASE 0x100000u       /* PML4; PDPT at +1000h, PD at +2000h */

static rs_machine *m;

static void setup(void)
{
    rs_config cfg = { .stop_on_exception = true };
    ck_assert_int_eq(rs_create(&cfg, &m), RS_OK);
    ck_assert_int_eq(rs_set_cpu_model(m, "one-cycle"), RS_OK);     /* RDTSC checks count insns */
    ck_assert_int_eq(rs_map_ram(m, 0, RAM_SIZE), RS_OK);
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

static void put(uint64_t addr, const void *bytes, size_t len)
{
    ck_assert_int_eq(rs_write_phys(m, addr, bytes, len), RS_OK);
}

static void put64(uint64_t addr, uint64_t v)
{
    put(addr, &v, 8);
}

/* 4-level identity map of 0..1 GiB with 2 MiB pages, present, writable,
 * user, rooted at `pml4` (PDPT and PD follow it). */
static void identity_map(uint64_t pml4)
{
    put64(pml4, (pml4 + 0x1000) | 7);
    put64(pml4 + 0x1000, (pml4 + 0x2000) | 7);
    for (uint64_t i = 0; i < 512; i++)
        put64(pml4 + 0x2000 + 8 * i, (i << 21) | 0x87);
}

/* 64-bit mode at `cpl` with the identity map in CR3. */
static void long_mode(unsigned cpl)
{
    identity_map(PT_BASE);
    ck_assert_int_eq(rs_set_mode(m, RS_MODE_LONG64, cpl), RS_OK);
    ck_assert_int_eq(rs_set_reg(m, RS_CR3, PT_BASE), RS_OK);
}

static rs_stop run_at(uint64_t rip, uint64_t budget)
{
    rs_stop why;
    rs_set_reg(m, RS_RIP, rip);
    ck_assert_int_eq(rs_run(m, budget, &why, NULL), RS_OK);
    return why;
}

static void expect_exception(rs_stop why, unsigned vector)
{
    rs_exception e;
    ck_assert_int_eq(why, RS_STOP_EXCEPTION);
    ck_assert_int_eq(rs_last_exception(m, &e), RS_OK);
    ck_assert_uint_eq(e.vector, vector);
}

/* ------------------------------------------------------------- events */

#define MAX_EVENTS 16
static rs_event events[MAX_EVENTS];
static unsigned n_events;

static void on_event(void *ctx, const rs_event *ev)
{
    (void)ctx;
    if (n_events < MAX_EVENTS)
        events[n_events] = *ev;
    n_events++;
}

static void subscribe(void)
{
    n_events = 0;
    ck_assert_int_eq(rs_subscribe(m, on_event, NULL), RS_OK);
}

/* ------------------------------------------------------------- ports */

struct port_log {
    unsigned outs, ins;
    uint16_t port[64];
    unsigned size[64];
    uint32_t value[64];
    char text[8192];
    size_t text_len;
    unsigned stop_after;        /* rs_request_stop after this many bytes (0: never) */
    uint32_t next_in;
};
static struct port_log plog;

static void port_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
    struct port_log *l = ctx;
    if (l->outs < 64) {
        l->port[l->outs] = port;
        l->size[l->outs] = size;
        l->value[l->outs] = value;
    }
    l->outs++;
    if (port == 0xe9 && size == 1 && l->text_len < sizeof(l->text)) {
        l->text[l->text_len++] = (char)value;
        if (l->stop_after && l->text_len == l->stop_after)
            rs_request_stop(m);
    }
}

static uint32_t port_in(void *ctx, uint16_t port, unsigned size)
{
    struct port_log *l = ctx;
    (void)port;
    (void)size;
    l->ins++;
    return l->next_in++;
}

static void ports(void)
{
    memset(&plog, 0, sizeof(plog));
    ck_assert_int_eq(rs_set_port_handlers(m, port_in, port_out, &plog), RS_OK);
}

/* OUT imm8 / DX at each size reaches the handler with the port, size and
 * value. */
START_TEST(out_reaches_handler)
{
    static const uint8_t code[] = {
        0xb0, 0x41,                         /* mov al, 41h */
        0xe6, 0xe9,                         /* out 0e9h, al */
        0xba, 0xf8, 0x03,                   /* mov dx, 3f8h */
        0xb8, 0x34, 0x12,                   /* mov ax, 1234h */
        0xef,                               /* out dx, ax */
        0x66, 0xb8, 0xef, 0xbe, 0xad, 0xde, /* mov eax, 0deadbeefh */
        0x66, 0xef,                         /* out dx, eax */
        0xf4,                               /* hlt */
    };
    ports();
    rs_set_mode(m, RS_MODE_REAL, 0);
    put(0x1000, code, sizeof(code));
    ck_assert_int_eq(run_at(0x1000, 100), RS_STOP_HALT);
    ck_assert_uint_eq(plog.outs, 3);
    ck_assert_uint_eq(plog.port[0], 0xe9);
    ck_assert_uint_eq(plog.size[0], 1);
    ck_assert_uint_eq(plog.value[0], 0x41);
    ck_assert_uint_eq(plog.port[1], 0x3f8);
    ck_assert_uint_eq(plog.size[1], 2);
    ck_assert_uint_eq(plog.value[1], 0x1234);
    ck_assert_uint_eq(plog.port[2], 0x3f8);
    ck_assert_uint_eq(plog.size[2], 4);
    ck_assert_uint_eq(plog.value[2], 0xdeadbeef);
}
END_TEST

/* IN takes the handler's value masked to the operand size. */
START_TEST(in_from_handler)
{
    static const uint8_t code[] = {
        0xe4, 0x60,                         /* in al, 60h */
        0x88, 0xc3,                         /* mov bl, al */
        0xed,                               /* in ax, dx */
        0x89, 0xc1,                         /* mov cx, ax */
        0x66, 0xed,                         /* in eax, dx */
        0xf4,
    };
    ports();
    plog.next_in = 0x12345678;
    rs_set_mode(m, RS_MODE_REAL, 0);
    put(0x1000, code, sizeof(code));
    rs_set_reg(m, RS_RBX, 0);
    rs_set_reg(m, RS_RCX, 0);
    ck_assert_int_eq(run_at(0x1000, 100), RS_STOP_HALT);
    ck_assert_uint_eq(plog.ins, 3);
    ck_assert_uint_eq(reg(RS_RBX), 0x78);
    ck_assert_uint_eq(reg(RS_RCX), 0x5679);
    ck_assert_uint_eq(reg(RS_RAX) & 0xffffffff, 0x1234567a);
}
END_TEST

/* REP OUTSB streams a string to the port in order, also when it is longer
 * than one execution chunk (4096 iterations) and when a handler asks the
 * machine to stop in the middle. */
static void stream_string(size_t len, unsigned stop_after)
{
    static const uint8_t code[] = {
        0x48, 0x8d, 0x35, 0xf9, 0x0f, 0x00, 0x00,   /* lea rsi, [rip + 0ff9h] -> 2000h */
        0xb9, 0, 0, 0, 0,                           /* mov ecx, len */
        0xba, 0xe9, 0x00, 0x00, 0x00,               /* mov edx, 0e9h */
        0xf3, 0x6e,                                 /* rep outsb */
        0xf4,                                       /* hlt */
    };
    uint8_t prog[sizeof(code)];
    char *text = malloc(len);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < len; i++)
        text[i] = (char)('A' + i % 26);
    memcpy(prog, code, sizeof(code));
    memcpy(prog + 8, &(uint32_t){ (uint32_t)len }, 4);
    ports();
    plog.stop_after = stop_after;
    long_mode(0);
    put(0x1000, prog, sizeof(prog));
    put(0x2000, text, len);

    rs_stop why = run_at(0x1000, 10000);
    if (why == RS_STOP_REQUESTED) {
        /* Stopped between iterations: the instruction resumes. */
        ck_assert_uint_eq(reg(RS_RIP), 0x1011);
        ck_assert_uint_eq(reg(RS_RCX), len - stop_after);
        ck_assert_int_eq(rs_run(m, 10000, &why, NULL), RS_OK);
    }
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_uint_eq(plog.text_len, len);
    ck_assert_int_eq(memcmp(plog.text, text, len), 0);
    ck_assert_uint_eq(reg(RS_RCX), 0);
    ck_assert_uint_eq(reg(RS_RSI), 0x2000 + len);
    free(text);
}

START_TEST(rep_outsb_streams_a_string)
{
    stream_string(17, 0);
}
END_TEST

START_TEST(rep_outsb_longer_than_a_chunk)
{
    stream_string(5000, 0);
}
END_TEST

START_TEST(rep_outsb_stop_request_resumes)
{
    stream_string(40, 3);
}
END_TEST

/* REP INSW stores what the handler returns. */
START_TEST(rep_insw_fills_memory)
{
    static const uint8_t code[] = {
        0xbf, 0x00, 0x30, 0x00, 0x00,   /* mov edi, 3000h */
        0xb9, 0x03, 0x00, 0x00, 0x00,   /* mov ecx, 3 */
        0xba, 0x60, 0x00, 0x00, 0x00,   /* mov edx, 60h */
        0x66, 0xf3, 0x6d,               /* rep insw */
        0xf4,
    };
    uint16_t got[4];
    ports();
    plog.next_in = 0xabcd0001;
    long_mode(0);
    put(0x1000, code, sizeof(code));
    ck_assert_int_eq(run_at(0x1000, 100), RS_STOP_HALT);
    ck_assert_int_eq(rs_read_phys(m, 0x3000, got, sizeof(got)), RS_OK);
    ck_assert_uint_eq(got[0], 0x0001);
    ck_assert_uint_eq(got[1], 0x0002);
    ck_assert_uint_eq(got[2], 0x0003);
    ck_assert_uint_eq(got[3], 0);
    ck_assert_uint_eq(reg(RS_RDI), 0x3006);
}
END_TEST

/* A faulting I/O instruction never reaches the bus: the permission check
 * fails before OUT, and INS probes its destination before reading the port. */
START_TEST(faulting_io_touches_no_port)
{
    static const uint8_t out_code[] = { 0xe6, 0x80 };     /* out 80h, al */
    static const uint8_t ins_code[] = { 0x6d };           /* insw */
    rs_segment tr = { .selector = 0x28, .attr = 0x83, .limit = 0x2b, .base = 0x5000 };
    ports();
    rs_set_mode(m, RS_MODE_PROT32, 3);
    rs_set_segment(m, RS_TR, &tr);          /* a 16-bit TSS: no bitmap */
    put(0x1000, out_code, sizeof(out_code));
    expect_exception(run_at(0x1000, 1), 13);
    ck_assert_uint_eq(plog.outs, 0);

    rs_set_mode(m, RS_MODE_REAL, 0);
    put(0x1000, ins_code, sizeof(ins_code));
    rs_set_reg(m, RS_RDI, 0xffff);          /* the word crosses the ES limit */
    expect_exception(run_at(0x1000, 1), 13);
    ck_assert_uint_eq(plog.ins, 0);
}
END_TEST

/* ------------------------------------------------------------- events */

/* SYSCALL from 64-bit user code and SYSRETQ back: two events with the
 * privilege, selectors, RIPs and "stack kept". */
START_TEST(events_syscall_sysret)
{
    static const uint8_t user[] = {
        0x0f, 0x05,                         /* 400000: syscall */
        0x41, 0xbc, 0x07, 0x00, 0x00, 0x00, /* 400002: mov r12d, 7 */
        0x0f, 0x0b,                         /* ud2 */
    };
    static const uint8_t kernel[] = {
        0xbb, 0x01, 0x00, 0x00, 0x00,       /* 200000: mov ebx, 1 */
        0x48, 0x0f, 0x07,                   /* 200005: sysretq */
    };
    long_mode(3);
    put(0x400000, user, sizeof(user));
    put(0x200000, kernel, sizeof(kernel));
    ck_assert_int_eq(rs_set_msr(m, 0xc0000080, 0x501), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0xc0000081, 0x0023001000000000ull), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0xc0000082, 0x200000), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0xc0000084, 0x47700), RS_OK);
    rs_set_reg(m, RS_RSP, 0x7ff000);
    rs_set_reg(m, RS_RFLAGS, 0x202);
    subscribe();
    expect_exception(run_at(0x400000, 100), 6);

    ck_assert_uint_eq(reg(RS_RBX), 1);
    ck_assert_uint_eq(reg(RS_R12), 7);
    ck_assert_uint_eq(reg(RS_RFLAGS) & 0x200, 0x200);   /* IF back from R11 */
    ck_assert_uint_eq(n_events, 2);
    const rs_event *c = &events[0], *r = &events[1];
    ck_assert_int_eq(c->kind, RS_EV_SYSCALL);
    ck_assert_int_eq(c->vector, -1);
    ck_assert_uint_eq(c->cpl_before, 3);
    ck_assert_uint_eq(c->cpl_after, 0);
    ck_assert_int_eq(c->mode_before, RS_MODE_LONG64);
    ck_assert_int_eq(c->mode_after, RS_MODE_LONG64);
    ck_assert_uint_eq(c->cs_before, 0x0b);
    ck_assert_uint_eq(c->cs_after, 0x10);
    ck_assert_uint_eq(c->ss_after, 0x18);
    ck_assert_uint_eq(c->rip_before, 0x400000);
    ck_assert_uint_eq(c->rip_after, 0x200000);
    ck_assert_uint_eq(c->rsp_before, 0x7ff000);
    ck_assert_uint_eq(c->rsp_after, 0x7ff000);
    ck_assert_uint_eq(c->rflags_before & 0x200, 0x200);
    ck_assert_uint_eq(c->rflags_after & 0x200, 0);
    ck_assert_uint_eq(c->cr3_before, PT_BASE);
    ck_assert_int_eq(c->stack_source, RS_STACK_KEPT);

    ck_assert_int_eq(r->kind, RS_EV_SYSRET);
    ck_assert_uint_eq(r->cpl_before, 0);
    ck_assert_uint_eq(r->cpl_after, 3);
    ck_assert_uint_eq(r->cs_before, 0x10);
    ck_assert_uint_eq(r->cs_after, 0x33);
    ck_assert_uint_eq(r->ss_after, 0x2b);
    ck_assert_uint_eq(r->rip_before, 0x200005);
    ck_assert_uint_eq(r->rip_after, 0x400002);
    ck_assert_uint_eq(r->rsp_after, 0x7ff000);
    ck_assert_int_eq(r->stack_source, RS_STACK_KEPT);
}
END_TEST

/* SYSENTER from 32-bit user code and SYSEXIT back, with where each RSP came
 * from. */
START_TEST(events_sysenter_sysexit)
{
    static const uint8_t user[] = { 0x0f, 0x34 };            /* 1000: sysenter */
    static const uint8_t back[] = { 0x0f, 0x0b };            /* 1100: ud2 */
    static const uint8_t kernel[] = {
        0xba, 0x00, 0x11, 0x00, 0x00,       /* 3000: mov edx, 1100h */
        0xb9, 0x00, 0x80, 0x00, 0x00,       /* mov ecx, 8000h */
        0x0f, 0x35,                         /* 300a: sysexit */
    };
    rs_set_mode(m, RS_MODE_PROT32, 3);
    put(0x1000, user, sizeof(user));
    put(0x1100, back, sizeof(back));
    put(0x3000, kernel, sizeof(kernel));
    ck_assert_int_eq(rs_set_msr(m, 0x174, 0x10), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0x175, 0x9000), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0x176, 0x3000), RS_OK);
    rs_set_reg(m, RS_RSP, 0x7000);
    subscribe();
    expect_exception(run_at(0x1000, 100), 6);

    ck_assert_uint_eq(n_events, 2);
    const rs_event *e = &events[0], *x = &events[1];
    ck_assert_int_eq(e->kind, RS_EV_SYSENTER);
    ck_assert_uint_eq(e->cpl_before, 3);
    ck_assert_uint_eq(e->cpl_after, 0);
    ck_assert_uint_eq(e->cs_after, 0x10);
    ck_assert_uint_eq(e->ss_after, 0x18);
    ck_assert_uint_eq(e->rsp_before, 0x7000);
    ck_assert_uint_eq(e->rsp_after, 0x9000);
    ck_assert_uint_eq(e->rip_after, 0x3000);
    ck_assert_int_eq(e->stack_source, RS_STACK_SYSENTER);
    ck_assert_int_eq(e->mode_after, RS_MODE_PROT32);

    ck_assert_int_eq(x->kind, RS_EV_SYSEXIT);
    ck_assert_uint_eq(x->cpl_before, 0);
    ck_assert_uint_eq(x->cpl_after, 3);
    ck_assert_uint_eq(x->cs_after, 0x23);
    ck_assert_uint_eq(x->ss_after, 0x2b);
    ck_assert_uint_eq(x->rip_before, 0x300a);
    ck_assert_uint_eq(x->rip_after, 0x1100);
    ck_assert_uint_eq(x->rsp_after, 0x8000);
    ck_assert_int_eq(x->stack_source, RS_STACK_SYSEXIT);
}
END_TEST

/* MOV to CR3 emits one event with both CR3 values. */
START_TEST(events_cr3_write)
{
    static const uint8_t code[] = {
        0x48, 0xb8, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00,   /* mov rax, 110000h */
        0x0f, 0x22, 0xd8,                                           /* 100a: mov cr3, rax */
        0x0f, 0x20, 0xdb,                                           /* mov rbx, cr3 */
        0x0f, 0x0b,
    };
    long_mode(0);
    identity_map(0x110000);
    put(0x1000, code, sizeof(code));
    subscribe();
    expect_exception(run_at(0x1000, 100), 6);
    ck_assert_uint_eq(reg(RS_RBX), 0x110000);
    ck_assert_uint_eq(n_events, 1);
    ck_assert_int_eq(events[0].kind, RS_EV_CR3_WRITE);
    ck_assert_uint_eq(events[0].cr3_before, PT_BASE);
    ck_assert_uint_eq(events[0].cr3_after, 0x110000);
    ck_assert_uint_eq(events[0].rip_before, 0x100a);
    ck_assert_uint_eq(events[0].rip_after, 0x100d);
    ck_assert_uint_eq(events[0].cpl_after, 0);
}
END_TEST

/* Real mode -> 16-bit protected mode -> IA-32e (compatibility) -> protected
 * -> real, each switch one MOV CR0, each reported as a mode-switch event. */
START_TEST(mode_switch_round_trip)
{
    static const uint8_t code[] = {
        0x0f, 0x20, 0xc0,                           /* mov eax, cr0 */
        0x0c, 0x01,                                 /* or al, 1 */
        0x0f, 0x22, 0xc0,                           /* mov cr0, eax: protected */
        0x66, 0xb8, 0x00, 0x00, 0x10, 0x00,         /* mov eax, PT_BASE */
        0x0f, 0x22, 0xd8,                           /* mov cr3, eax */
        0x66, 0xb8, 0x20, 0x00, 0x00, 0x00,         /* mov eax, 20h */
        0x0f, 0x22, 0xe0,                           /* mov cr4, eax: PAE */
        0x66, 0xb9, 0x80, 0x00, 0x00, 0xc0,         /* mov ecx, IA32_EFER */
        0x0f, 0x32,                                 /* rdmsr */
        0x0d, 0x00, 0x01,                           /* or ax, 100h: LME */
        0x0f, 0x30,                                 /* wrmsr */
        0x0f, 0x20, 0xc0,                           /* mov eax, cr0 */
        0x66, 0x0d, 0x00, 0x00, 0x00, 0x80,         /* or eax, 80000000h */
        0x0f, 0x22, 0xc0,                           /* mov cr0, eax: IA-32e */
        0x89, 0xc3,                                 /* mov bx, ax (runs paged) */
        0x66, 0x25, 0xff, 0xff, 0xff, 0x7f,         /* and eax, 7fffffffh */
        0x0f, 0x22, 0xc0,                           /* mov cr0, eax: IA-32e off */
        0x24, 0xfe,                                 /* and al, 0feh */
        0x0f, 0x22, 0xc0,                           /* mov cr0, eax: real */
        0xf4,
    };
    static const rs_mode from[] = { RS_MODE_REAL, RS_MODE_PROT16, RS_MODE_COMPAT16, RS_MODE_PROT16 };
    static const rs_mode to[] = { RS_MODE_PROT16, RS_MODE_COMPAT16, RS_MODE_PROT16, RS_MODE_REAL };
    identity_map(PT_BASE);
    rs_set_mode(m, RS_MODE_REAL, 0);
    put(0x1000, code, sizeof(code));
    subscribe();
    ck_assert_int_eq(run_at(0x1000, 100), RS_STOP_HALT);

    ck_assert_uint_eq(n_events, 5);
    ck_assert_int_eq(events[1].kind, RS_EV_CR3_WRITE);
    ck_assert_uint_eq(events[1].cr3_after, PT_BASE);
    for (unsigned i = 0, k = 0; i < n_events; i++) {
        if (i == 1)
            continue;
        ck_assert_int_eq(events[i].kind, RS_EV_MODE_SWITCH);
        ck_assert_int_eq(events[i].mode_before, from[k]);
        ck_assert_int_eq(events[i].mode_after, to[k]);
        k++;
    }
    rs_mode mode;
    rs_get_mode(m, &mode);
    ck_assert_int_eq(mode, RS_MODE_REAL);
    ck_assert_uint_eq(reg(RS_EFER), 0x100);         /* LME stays, LMA cleared */
    ck_assert_uint_eq(reg(RS_CR0) & 0x80000001, 0);
    ck_assert_uint_eq(reg(RS_RBX) & 0xffff, 0x0011);
}
END_TEST

/* LMSW can enter protected mode (one event) but never leave it. */
START_TEST(lmsw_enters_but_cannot_leave_protected_mode)
{
    static const uint8_t code[] = {
        0xb8, 0x01, 0x00,           /* mov ax, 1 */
        0x0f, 0x01, 0xf0,           /* lmsw ax */
        0x31, 0xc0,                 /* xor ax, ax */
        0x0f, 0x01, 0xf0,           /* lmsw ax: PE stays */
        0xf4,
    };
    rs_set_mode(m, RS_MODE_REAL, 0);
    put(0x1000, code, sizeof(code));
    subscribe();
    ck_assert_int_eq(run_at(0x1000, 100), RS_STOP_HALT);
    ck_assert_uint_eq(n_events, 1);
    ck_assert_int_eq(events[0].kind, RS_EV_MODE_SWITCH);
    ck_assert_int_eq(events[0].mode_before, RS_MODE_REAL);
    ck_assert_int_eq(events[0].mode_after, RS_MODE_PROT16);
    ck_assert_uint_eq(reg(RS_CR0), 0x11);
}
END_TEST

/* CR4.PCIDE can be set only while CR3[11:0] = 0 (SDM Vol. 3A, 4.10.1). */
START_TEST(pcide_needs_cr3_low_bits_clear)
{
    static const uint8_t code[] = {
        0x0f, 0x20, 0xe0,                   /* mov rax, cr4 */
        0x48, 0x0d, 0x00, 0x00, 0x02, 0x00, /* or rax, 20000h */
        0x0f, 0x22, 0xe0,                   /* 1009: mov cr4, rax */
        0x0f, 0x0b,
    };
    long_mode(0);
    put(0x1000, code, sizeof(code));
    rs_set_reg(m, RS_CR3, PT_BASE | 0x18);  /* PWT, PCD */
    expect_exception(run_at(0x1000, 100), 13);
    ck_assert_uint_eq(reg(RS_RIP), 0x1009);
    ck_assert_uint_eq(reg(RS_CR4), 0x20);

    rs_set_reg(m, RS_CR3, PT_BASE);
    expect_exception(run_at(0x1000, 100), 6);
    ck_assert_uint_eq(reg(RS_CR4), 0x20020);
}
END_TEST

/* ------------------------------------------------------------- debug registers */

/* DR0-DR3 hold any address; DR6/DR7 keep their fixed bits; DR4/DR5 alias
 * DR6/DR7 while CR4.DE = 0. */
START_TEST(debug_registers_round_trip)
{
    static const uint8_t code[] = {
        0x48, 0xb8, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* mov rax, 8000000000001000h */
        0x0f, 0x23, 0xc0,                   /* mov dr0, rax */
        0x48, 0xff, 0xc0, 0x0f, 0x23, 0xc8, /* inc rax; mov dr1, rax */
        0x48, 0xff, 0xc0, 0x0f, 0x23, 0xd0, /* inc rax; mov dr2, rax */
        0x48, 0xff, 0xc0, 0x0f, 0x23, 0xd8, /* inc rax; mov dr3, rax */
        0xb8, 0xff, 0xff, 0xff, 0xff,       /* mov eax, 0ffffffffh */
        0x0f, 0x23, 0xe0,                   /* mov dr4, rax (dr6) */
        0xb8, 0xff, 0xdf, 0xff, 0xff,       /* mov eax, 0ffffdfffh (no GD) */
        0x0f, 0x23, 0xe8,                   /* mov dr5, rax (dr7) */
        0x41, 0x0f, 0x21, 0xc0,             /* mov r8, dr0 */
        0x41, 0x0f, 0x21, 0xc9,             /* mov r9, dr1 */
        0x41, 0x0f, 0x21, 0xd2,             /* mov r10, dr2 */
        0x41, 0x0f, 0x21, 0xdb,             /* mov r11, dr3 */
        0x41, 0x0f, 0x21, 0xf4,             /* mov r12, dr6 */
        0x41, 0x0f, 0x21, 0xfd,             /* mov r13, dr7 */
        0x31, 0xc0, 0x0f, 0x23, 0xf0,       /* xor eax, eax; mov dr6, rax */
        0x41, 0x0f, 0x21, 0xf6,             /* mov r14, dr6 */
        0x0f, 0x23, 0xf8,                   /* mov dr7, rax */
        0x41, 0x0f, 0x21, 0xff,             /* mov r15, dr7 */
        0x0f, 0x0b,
    };
    long_mode(0);
    put(0x1000, code, sizeof(code));
    expect_exception(run_at(0x1000, 100), 6);
    ck_assert_uint_eq(reg(RS_R8), 0x8000000000001000ull);
    ck_assert_uint_eq(reg(RS_R9), 0x8000000000001001ull);
    ck_assert_uint_eq(reg(RS_R10), 0x8000000000001002ull);
    ck_assert_uint_eq(reg(RS_R11), 0x8000000000001003ull);
    ck_assert_uint_eq(reg(RS_R12), 0xffffefff);     /* B0-B3 BD BS BT + fixed ones; bit 12 reads 0 */
    ck_assert_uint_eq(reg(RS_R13), 0xffff07ff);     /* bits 11 12 14 15 read 0, 10 reads 1 */
    ck_assert_uint_eq(reg(RS_R14), 0xffff0ff0);
    ck_assert_uint_eq(reg(RS_R15), 0x400);
}
END_TEST

/* DR7.GD: the next MOV DRn is a #DB fault with DR6.BD set; GD is cleared so
 * the handler can use the debug registers. */
START_TEST(dr7_general_detect)
{
    static const uint8_t code[] = {
        0xb8, 0x00, 0x24, 0x00, 0x00,       /* mov eax, 2400h (GD) */
        0x0f, 0x23, 0xf8,                   /* mov dr7, rax */
        0x0f, 0x21, 0xc0,                   /* 1008: mov rax, dr0 -> #DB */
        0x0f, 0x21, 0xfb,                   /* 100b: mov rbx, dr7 */
        0x0f, 0x21, 0xf1,                   /* mov rcx, dr6 */
        0x0f, 0x0b,
    };
    long_mode(0);
    put(0x1000, code, sizeof(code));
    rs_set_reg(m, RS_RAX, 0x1234);
    expect_exception(run_at(0x1000, 100), 1);
    ck_assert_uint_eq(reg(RS_RIP), 0x1008);         /* a fault */
    ck_assert_uint_eq(reg(RS_RAX), 0x2400);
    expect_exception(run_at(0x100b, 100), 6);
    ck_assert_uint_eq(reg(RS_RBX), 0x400);
    ck_assert_uint_eq(reg(RS_RCX), 0xffff2ff0);
}
END_TEST

/* SWAPGS twice restores both bases. */
START_TEST(swapgs_twice)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0xf8,                   /* swapgs */
        0xb9, 0x01, 0x01, 0x00, 0xc0,       /* mov ecx, IA32_GS_BASE */
        0x0f, 0x32,                         /* rdmsr */
        0x89, 0xc6,                         /* mov esi, eax */
        0x0f, 0x01, 0xf8,                   /* swapgs */
        0x0f, 0x32,                         /* rdmsr */
        0x89, 0xc7,                         /* mov edi, eax */
        0x0f, 0x0b,
    };
    long_mode(0);
    put(0x1000, code, sizeof(code));
    ck_assert_int_eq(rs_set_msr(m, 0xc0000101, 0x1111000), RS_OK);
    ck_assert_int_eq(rs_set_msr(m, 0xc0000102, 0x2222000), RS_OK);
    expect_exception(run_at(0x1000, 100), 6);
    ck_assert_uint_eq(reg(RS_RSI), 0x2222000);
    ck_assert_uint_eq(reg(RS_RDI), 0x1111000);
}
END_TEST

/* ------------------------------------------------------------- MSRs */

START_TEST(msrs_through_the_api)
{
    uint64_t v;
    ck_assert_int_eq(rs_get_msr(m, 0xfe, &v), RS_OK);
    ck_assert_uint_eq(v, 0x508);
    ck_assert_int_eq(rs_get_msr(m, 0x1a0, &v), RS_OK);
    ck_assert_uint_eq(v, 0x1801);
    ck_assert_int_eq(rs_get_msr(m, 0x1b, &v), RS_OK);
    ck_assert_uint_eq(v, 0xfee00900);
    ck_assert_int_eq(rs_set_msr(m, 0x2ff, 0xc06), RS_OK);
    ck_assert_int_eq(rs_get_msr(m, 0x2ff, &v), RS_OK);
    ck_assert_uint_eq(v, 0xc06);
    ck_assert_int_eq(rs_set_msr(m, 0x26f, 0x0606060606060606ull), RS_OK);
    ck_assert_int_eq(rs_get_msr(m, 0x26f, &v), RS_OK);
    ck_assert_uint_eq(v, 0x0606060606060606ull);
    ck_assert_int_eq(rs_get_msr(m, 0x12345, &v), RS_ERR_ARG);
    ck_assert_int_eq(rs_set_msr(m, 0x12345, 0), RS_ERR_ARG);
}
END_TEST

/* RDTSC after WRMSR to the TSC counts on from the written value. */
START_TEST(wrmsr_tsc_then_rdtsc)
{
    static const uint8_t code[] = {
        0xb9, 0x10, 0x00, 0x00, 0x00,       /* mov ecx, 10h */
        0x31, 0xc0,                         /* xor eax, eax */
        0xba, 0x01, 0x00, 0x00, 0x00,       /* mov edx, 1 */
        0x0f, 0x30,                         /* wrmsr: TSC = 1_0000_0000h */
        0x90,                               /* nop */
        0x0f, 0x31,                         /* rdtsc */
        0x0f, 0x0b,
    };
    long_mode(0);
    put(0x1000, code, sizeof(code));
    expect_exception(run_at(0x1000, 100), 6);
    /* One cycle per instruction: WRMSR set it as it ran, NOP and RDTSC's
     * own start are two instructions later. */
    ck_assert_uint_eq(reg(RS_RDX), 1);
    ck_assert_uint_eq(reg(RS_RAX), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("system");
    TCase *tc = tcase_create("system");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, out_reaches_handler);
    tcase_add_test(tc, in_from_handler);
    tcase_add_test(tc, rep_outsb_streams_a_string);
    tcase_add_test(tc, rep_outsb_longer_than_a_chunk);
    tcase_add_test(tc, rep_outsb_stop_request_resumes);
    tcase_add_test(tc, rep_insw_fills_memory);
    tcase_add_test(tc, faulting_io_touches_no_port);
    tcase_add_test(tc, events_syscall_sysret);
    tcase_add_test(tc, events_sysenter_sysexit);
    tcase_add_test(tc, events_cr3_write);
    tcase_add_test(tc, mode_switch_round_trip);
    tcase_add_test(tc, lmsw_enters_but_cannot_leave_protected_mode);
    tcase_add_test(tc, pcide_needs_cr3_low_bits_clear);
    tcase_add_test(tc, debug_registers_round_trip);
    tcase_add_test(tc, dr7_general_detect);
    tcase_add_test(tc, swapgs_twice);
    tcase_add_test(tc, msrs_through_the_api);
    tcase_add_test(tc, wrmsr_tsc_then_rdtsc);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
