/* vecgen.c - silicon test-vector generator for ringscope: harness, native runner,
 * JSON output and the driver (one forked child per instruction form).
 * Format: docs/test-vectors.md.  Overview: tests/gen/README.md. */
#define _GNU_SOURCE
#include "vecgen.h"

#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <asm/ldt.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

test_t T;
const form_t *curform;
const char *regname[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                           "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *MODE = M64 ? "long64" : "prot32";
int P16;
uint32_t cs_base, insn_ip = INSN_ADDR;
#define CS16_SEL 0x7 /* LDT entry 0, RPL 3 */
static char oracle[64];
static char sregs_json[300];

/* ------------------------------------------------------------------ prng */
static uint64_t rs;
void rnd_seed(uint64_t s) { rs = s; }
uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint64_t fnv(const char *s, uint64_t h)
{
    while (*s) h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
    return h;
}

/* ------------------------------------------------------------- regions */
typedef struct {
    uint32_t base, size;
    uint8_t ini[0x2000], fin[0x2000];
    uint8_t cov[0x2000]; /* byte is inside an emitted range */
} region_t;
static region_t reg_[3] = {{DATA_BASE, DATA_SIZE, {0}, {0}, {0}},
                           {STACK_BASE, STACK_SIZE, {0}, {0}, {0}},
                           {LOW_BASE, LOW_SIZE, {0}, {0}, {0}}};
#define NRGN 3

static region_t *rgn_of(uint64_t a)
{
    for (int i = 0; i < NRGN; i++)
        if (a >= reg_[i].base && a < (uint64_t)reg_[i].base + reg_[i].size) return &reg_[i];
    return NULL;
}
uint8_t *img(uint64_t a, int n)
{
    region_t *r = rgn_of(a);
    if (!r || a + n > (uint64_t)r->base + r->size) return NULL;
    return r->ini + (a - r->base);
}
void mem_poke(uint64_t a, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t *p = img(a + i, 1);
        if (p) *p = (uint8_t)(v >> (8 * (i & 7)));
    }
}
uint64_t mem_peek(uint64_t a, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n && i < 8; i++) {
        uint8_t *p = img(a + i, 1);
        if (p) v |= (uint64_t)*p << (8 * i);
    }
    return v;
}

/* ---------------------------------------------------------------- stats */
static struct {
    long gen, emit, pf, badaddr, unstable, lenbad, other;
} st;

/* --------------------------------------------------------------- native */
typedef struct {
    uint64_t r[16], rip, fl;
    int signo, trapno;
    uint64_t err;
} res_t;
static volatile int g_armed;
static sigjmp_buf g_jb;
static res_t g_res;

#if M64
static const int gmap[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                             REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
#define GIP REG_RIP
#else
static const int gmap[8] = {REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI};
#define GIP REG_EIP
#endif

static void h_start(int s, siginfo_t *si, void *p)
{
    (void)s;
    (void)si;
    ucontext_t *uc = p;
    greg_t *g = uc->uc_mcontext.gregs;
    for (int i = 0; i < NREG; i++) g[gmap[i]] = (greg_t)T.r[i];
#if !M64
    g[REG_UESP] = (greg_t)T.r[RSP];
#endif
    g[GIP] = (greg_t)T.rip;
#if !M64
    if (P16) g[REG_CS] = CS16_SEL;
#endif
    g[REG_EFL] = (greg_t)T.fl;
    g_armed = 1;
}

static void h_end(int s, siginfo_t *si, void *p)
{
    (void)si;
    ucontext_t *uc = p;
    greg_t *g = uc->uc_mcontext.gregs;
    if (!g_armed) {
        static const char m[] = "vecgen: signal outside a test\n";
        if (write(2, m, sizeof m - 1)) {}
        signal(s, SIG_DFL);
        raise(s);
        _exit(98);
    }
    g_armed = 0;
    for (int i = 0; i < NREG; i++) g_res.r[i] = (uint64_t)(unsigned long)g[gmap[i]];
    g_res.rip = (uint64_t)(unsigned long)g[GIP];
    g_res.fl = (uint64_t)(unsigned long)g[REG_EFL];
    g_res.signo = s;
    g_res.trapno = (int)g[REG_TRAPNO];
    g_res.err = (uint64_t)(unsigned long)g[REG_ERR];
    siglongjmp(g_jb, 1);
}

static void clean_flags(void)
{
#if M64
    __asm__ volatile("pushfq; andq $~0x244500, (%%rsp); popfq" ::: "memory", "cc");
#else
    __asm__ volatile("pushfl; andl $~0x244500, (%%esp); popfl" ::: "memory", "cc");
#endif
}

static void die(const char *m)
{
    perror(m);
    _exit(97);
}

/* The parent reserves the fixed regions before it allocates anything, so that its heap
 * can never grow into them; each child maps them for real (MAP_FIXED over the reservation). */
static void map_regions(int prot, int flags)
{
    void *p = mmap((void *)(uintptr_t)CODE_BASE, CODE_SIZE, prot ? prot | PROT_EXEC : 0,
                   MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
    int bad = p != (void *)(uintptr_t)CODE_BASE;
    for (int i = 0; i < NRGN; i++) {
        p = mmap((void *)(uintptr_t)reg_[i].base, reg_[i].size, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
        bad |= p != (void *)(uintptr_t)reg_[i].base;
    }
    if (bad) {
        FILE *mp = fopen("/proc/self/maps", "r");
        char l[256];
        while (mp && fgets(l, sizeof l, mp)) fputs(l, stderr);
        die("vecgen: fixed regions not free");
    }
}

static void setup_child(void)
{
    map_regions(PROT_READ | PROT_WRITE, MAP_FIXED);
    if (P16) { /* 16-bit code segment: base CODE_BASE, limit 0xffff, D=0 */
        struct user_desc d;
        memset(&d, 0, sizeof d);
        d.entry_number = CS16_SEL >> 3;
        d.base_addr = CODE_BASE;
        d.limit = 0xffff;
        d.contents = 2; /* code, non-conforming */
        if (syscall(SYS_modify_ldt, 1, &d, sizeof d)) die("modify_ldt");
    }
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL)) die("sigaltstack");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sa.sa_sigaction = h_start;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_sigaction = h_end;
    int sigs[] = {SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
    alarm(120);
}

/* fills pages from images and runs T once; verify: only covered bytes, rest 0 / unmapped */
static void run_native(res_t *o, int verify)
{
    uint8_t *code = (uint8_t *)(uintptr_t)CODE_BASE;
    memset(code, 0xcc, CODE_SIZE);
    memcpy(code + (cs_base + T.rip - CODE_BASE), T.b, T.len);
    for (int i = 0; i < NRGN; i++) {
        region_t *r = &reg_[i];
        uint8_t *m = (uint8_t *)(uintptr_t)r->base;
        if (!verify) {
            memcpy(m, r->ini, r->size);
            continue;
        }
        for (uint32_t pg = 0; pg < r->size; pg += 0x1000) {
            int any = 0;
            for (uint32_t k = pg; k < pg + 0x1000; k++) any |= r->cov[k];
            if (!any) {
                memset(m + pg, 0, 0x1000);
                if (mprotect(m + pg, 0x1000, PROT_NONE)) die("mprotect");
                continue;
            }
            for (uint32_t k = pg; k < pg + 0x1000; k++) m[k] = r->cov[k] ? r->ini[k] : 0;
        }
    }
    memset(&g_res, 0, sizeof g_res);
    if (sigsetjmp(g_jb, 1) == 0) {
        clean_flags();
        raise(SIGUSR1);
        fprintf(stderr, "vecgen: raise returned\n");
        _exit(96);
    }
    *o = g_res;
    if (verify)
        for (int i = 0; i < NRGN; i++)
            if (mprotect((void *)(uintptr_t)reg_[i].base, reg_[i].size, PROT_READ | PROT_WRITE))
                die("mprotect");
}

/* --------------------------------------------------------------- ranges */
void t_range(uint64_t a, uint64_t n)
{
    if (T.nrg < (int)(sizeof T.rg / sizeof *T.rg)) {
        T.rg[T.nrg].a = (uint32_t)a;
        T.rg[T.nrg].n = (uint32_t)n;
        T.nrg++;
    }
}
static void cover(uint64_t a, uint64_t n)
{
    /* window: 8 bytes of slack each side, 8-aligned, clipped to the region */
    uint64_t lo = (a >= 8 ? a - 8 : 0) & ~7ull, hi = (a + n + 8 + 7) & ~7ull;
    for (uint64_t x = lo; x < hi; x++) {
        region_t *r = rgn_of(x);
        if (r && rgn_of(a) == r) r->cov[x - r->base] = 1;
    }
}

/* ------------------------------------------------------------------ json */
static FILE *out;
static char jb[1 << 16];
static int jl;
static void js(const char *s)
{
    size_t n = strlen(s);
    if (jl + n < sizeof jb) {
        memcpy(jb + jl, s, n);
        jl += (int)n;
    }
}
static void jf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void jf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(jb + jl, sizeof jb - jl, fmt, ap);
    va_end(ap);
    if (n > 0 && jl + n < (int)sizeof jb) jl += n;
}
static void jhex(const uint8_t *p, int n)
{
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < n && jl + 2 < (int)sizeof jb; i++) {
        jb[jl++] = hx[p[i] >> 4];
        jb[jl++] = hx[p[i] & 15];
    }
}
static void jram(int fin)
{
    int first = 1;
    for (int i = 0; i < NRGN; i++) {
        region_t *r = &reg_[i];
        for (uint32_t k = 0; k < r->size;) {
            if (!r->cov[k]) {
                k++;
                continue;
            }
            uint32_t e = k;
            while (e < r->size && r->cov[e]) e++;
            js(first ? "\"ram\":[" : ",");
            first = 0;
            jf("[\"0x%x\",\"", r->base + k);
            jhex((fin ? r->fin : r->ini) + k, (int)(e - k));
            js("\"]");
            k = e;
        }
    }
    if (!first) js("]");
}

void t_name(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(T.name, sizeof T.name, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------ test */
void t_new(const form_t *f)
{
    (void)f;
    memset(&T, 0, sizeof T);
    for (int i = 0; i < NREG; i++) T.r[i] = regval();
    T.r[RSP] = STACK_MID + (int32_t)(rn(0x80) - 0x40) * 8;
    if (!M64 || rn(8) == 0) T.r[RSP] -= 4 * rn(2);
    T.locked = 1u << RSP;
    T.fl = 0x202 | (rnd() & ARITH) | (rn(8) == 0 ? DF : 0);
    T.rip = insn_ip;
    for (int i = 0; i < NRGN; i++) {
        uint64_t *q = (uint64_t *)reg_[i].ini;
        for (uint32_t k = 0; k < reg_[i].size / 8; k++) q[k] = rnd();
    }
    snprintf(T.name, sizeof T.name, "%s%s%s", f->mn, *f->shape ? " " : "", f->shape);
    if (P16 && !strcmp(f->shape, "rel32")) snprintf(T.name, sizeof T.name, "%s rel16", f->mn);
}

void t_skip(void) { T.skip = 1; }

static int same_res(const res_t *a, const res_t *b)
{
    if (a->signo != b->signo || a->rip != b->rip || a->fl != b->fl) return 0;
    if (a->signo != SIGTRAP && (a->trapno != b->trapno || a->err != b->err)) return 0;
    for (int i = 0; i < NREG; i++)
        if (a->r[i] != b->r[i]) return 0;
    return 1;
}

static const char *flagnm[] = {"cf", "pf", "af", "zf", "sf", "of"};
static const uint32_t flagbit[] = {CF, PF, AF, ZF, SF, OF};

void t_run(void)
{
    if (!T.len || T.skip) return;
    st.gen++;
    if (T.ripfix) {
        int32_t d = (int32_t)(T.ripea - (T.rip + T.len));
        memcpy(T.b + T.ripfix, &d, 4);
    }
    for (int i = 0; i < NRGN; i++) memset(reg_[i].cov, 0, reg_[i].size);
    for (int i = 0; i < T.nrg; i++) cover(T.rg[i].a, T.rg[i].n);

    res_t r1, r2;
    run_native(&r1, 0);
    /* add any byte written outside the declared ranges */
    for (int i = 0; i < NRGN; i++) {
        region_t *r = &reg_[i];
        memcpy(r->fin, (void *)(uintptr_t)r->base, r->size);
        for (uint32_t k = 0; k < r->size; k++)
            if (r->fin[k] != r->ini[k] && !r->cov[k]) cover(r->base + k, 1);
    }
    int exc = -1;
    if (r1.signo != SIGTRAP || r1.trapno != 3) {
        exc = r1.trapno;
        if (exc == 14) {
            if (getenv("VECGEN_DEBUG")) fprintf(stderr, "  %s: %s: #PF\n", MODE, T.name);
            st.pf++;
            return;
        }
        uint64_t want = T.rip + (T.trap_ok && exc == 4 ? (uint64_t)T.len : 0);
        if (r1.rip != want) {
            st.badaddr++;
            fprintf(stderr, "  %s: %s: fault %d at 0x%llx, discarded\n", MODE, T.name, exc,
                    (unsigned long long)r1.rip);
            return;
        }
        /* INTO is a trap: like the hand-written INT3 vectors, rip stays after the instruction */
        r1.fl &= ~(uint64_t)RF;
    } else {
        r1.rip -= 1; /* int3 executed */
    }
    if (M64 == 0) {
        for (int i = 0; i < NREG; i++) r1.r[i] &= 0xffffffffu;
        r1.rip &= 0xffffffffu;
        r1.fl &= 0xffffffffu;
    }
    if (exc < 0 && !T.branch && r1.rip != T.rip + T.len) {
        st.lenbad++;
        fprintf(stderr, "  %s: %s: rip 0x%llx after, expected 0x%llx (length)\n", MODE, T.name,
                (unsigned long long)r1.rip, (unsigned long long)(T.rip + T.len));
        return;
    }
    if (exc >= 0) {
        int bad = r1.fl != T.fl;
        for (int i = 0; i < NREG; i++) bad |= r1.r[i] != T.r[i];
        for (int i = 0; i < NRGN; i++) bad |= memcmp(reg_[i].fin, reg_[i].ini, reg_[i].size) != 0;
        if (bad) {
            st.other++;
            fprintf(stderr, "  %s: %s: state changed by fault %d\n", MODE, T.name, exc);
            return;
        }
    }
    if (r1.fl & ~(uint64_t)(ARITH | DF | IF_ | NT | ID | AC | 2)) {
        st.other++;
        fprintf(stderr, "  %s: %s: odd rflags 0x%llx\n", MODE, T.name, (unsigned long long)r1.fl);
        return;
    }
    /* verification run: only the emitted bytes present, untouched pages unmapped */
    run_native(&r2, 1);
    if (r2.signo == SIGTRAP && r2.trapno == 3) r2.rip -= 1;
    else r2.fl &= ~(uint64_t)RF;
    if (!M64) {
        for (int i = 0; i < NREG; i++) r2.r[i] &= 0xffffffffu;
        r2.rip &= 0xffffffffu;
    }
    int ok = same_res(&r1, &r2);
    for (int i = 0; ok && i < NRGN; i++) {
        region_t *r = &reg_[i];
        const uint8_t *m = (const uint8_t *)(uintptr_t)r->base;
        for (uint32_t k = 0; k < r->size; k++) {
            uint8_t want = r->cov[k] ? r->fin[k] : 0;
            if (m[k] != want) {
                ok = 0;
                break;
            }
        }
    }
    if (!ok) {
        if (getenv("VECGEN_DEBUG")) {
            fprintf(stderr, "r1 sig %d trap %d rip %llx fl %llx | r2 sig %d trap %d rip %llx fl %llx\n", r1.signo,
                    r1.trapno, (unsigned long long)r1.rip, (unsigned long long)r1.fl, r2.signo, r2.trapno,
                    (unsigned long long)r2.rip, (unsigned long long)r2.fl);
            for (int i = 0; i < NREG; i++)
                if (r1.r[i] != r2.r[i])
                    fprintf(stderr, "  %s %llx %llx\n", regname[i], (unsigned long long)r1.r[i], (unsigned long long)r2.r[i]);
        }
        st.unstable++;
        fprintf(stderr, "  %s: %s: depends on memory outside its ranges, discarded\n", MODE, T.name);
        return;
    }

    /* ---- emit */
    jl = 0;
    js(T.name);
    js("\t\"mode\":\"");
    js(MODE);
    js("\",\"cpl\":3,\"bytes\":\"");
    jhex(T.b, T.len);
    js("\",\"initial\":{\"regs\":{");
    for (int i = 0; i < NREG; i++) jf("\"%s\":\"0x%llx\",", regname[i], (unsigned long long)T.r[i]);
    jf("\"rip\":\"0x%llx\",\"rflags\":\"0x%llx\"},", (unsigned long long)T.rip,
       (unsigned long long)T.fl);
    js(sregs_json);
    int anyram = 0;
    for (int i = 0; i < NRGN; i++)
        for (uint32_t k = 0; k < reg_[i].size && !anyram; k++) anyram |= reg_[i].cov[k];
    if (anyram) {
        js(",");
        jram(0);
    }
    js("},\"final\":{\"regs\":{");
    for (int i = 0; i < NREG; i++)
        if (r1.r[i] != T.r[i]) jf("\"%s\":\"0x%llx\",", regname[i], (unsigned long long)r1.r[i]);
    jf("\"rip\":\"0x%llx\",\"rflags\":\"0x%llx\"}", (unsigned long long)r1.rip,
       (unsigned long long)r1.fl);
    if (anyram) {
        js(",");
        jram(1);
    }
    js("}");
    if (exc >= 0) {
        jf(",\"exception\":{\"vector\":%d", exc);
        if (exc == 8 || (exc >= 10 && exc <= 14) || exc == 17) jf(",\"error_code\":%llu", (unsigned long long)r1.err);
        js("}");
    }
    if (exc >= 0) T.uflags = T.uregs = 0; /* nothing may change on a fault */
    if (T.uflags || T.uregs) {
        js(",\"undefined\":[");
        int first = 1;
        for (int i = 0; i < 6; i++)
            if (T.uflags & flagbit[i]) {
                jf("%s\"%s\"", first ? "" : ",", flagnm[i]);
                first = 0;
            }
        for (int i = 0; i < NREG; i++)
            if (T.uregs & (1u << i)) {
                jf("%s\"%s\"", first ? "" : ",", regname[i]);
                first = 0;
            }
        js("]");
    }
    jf(",\"oracle\":\"%s\"}\n", oracle);
    fwrite(jb, 1, jl, out);
    st.emit++;
}

/* ------------------------------------------------------------ driver */
static void get_oracle(void)
{
    unsigned a, b, c, d;
    char v[13];
    __cpuid(0, a, b, c, d);
    memcpy(v, &b, 4);
    memcpy(v + 4, &d, 4);
    memcpy(v + 8, &c, 4);
    v[12] = 0;
    __cpuid(1, a, b, c, d);
    unsigned fam = (a >> 8) & 15, model = (a >> 4) & 15, step = a & 15;
    if (fam == 15) fam += (a >> 20) & 0xff;
    if (fam >= 6) model |= ((a >> 16) & 15) << 4;
    snprintf(oracle, sizeof oracle, "%s %u/%u/%u", v, fam, model, step);
}
static void get_sregs(void)
{
    unsigned short cs, ss, ds, es, fs, gs;
    __asm__ volatile("mov %%cs,%0; mov %%ss,%1; mov %%ds,%2; mov %%es,%3; mov %%fs,%4; mov %%gs,%5"
                     : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    if (P16)
        snprintf(sregs_json, sizeof sregs_json,
                 "\"sregs\":{\"cs\":{\"sel\":\"0x%x\",\"base\":\"0x%x\",\"limit\":\"0xffff\",\"attr\":\"0xfb\"},"
                 "\"ss\":\"0x%x\",\"ds\":\"0x%x\",\"es\":\"0x%x\",\"fs\":\"0x%x\",\"gs\":\"0x%x\"}",
                 CS16_SEL, CODE_BASE, ss, ds, es, fs, gs);
    else
        snprintf(sregs_json, sizeof sregs_json,
                 "\"sregs\":{\"cs\":\"0x%x\",\"ss\":\"0x%x\",\"ds\":\"0x%x\",\"es\":\"0x%x\",\"fs\":\"0x%x\","
                 "\"gs\":\"0x%x\"}",
                 cs, ss, ds, es, fs, gs);
}

typedef struct {
    const char *name;
    char *buf;
    size_t len, cap;
    long forms, vecs, pf, badaddr, unstable, lenbad, other, crashed;
} fam_t;
static fam_t fams[64];
static int nfams;

/* basename counters for "#n" numbering, per family */
typedef struct cnt {
    struct cnt *next;
    int fam, n;
    char key[];
} cnt_t;
static cnt_t *htab[1 << 14];
static int next_num(int fam, const char *key, size_t klen)
{
    uint64_t h = fnv("", 1469598103934665603ull) ^ (uint64_t)fam;
    for (size_t i = 0; i < klen; i++) h = (h ^ (uint8_t)key[i]) * 0x100000001b3ull;
    cnt_t **pp = &htab[h & ((1 << 14) - 1)];
    for (cnt_t *c = *pp; c; c = c->next)
        if (c->fam == fam && strlen(c->key) == klen && !memcmp(c->key, key, klen)) return c->n++;
    cnt_t *c = malloc(sizeof *c + klen + 1);
    c->fam = fam;
    c->n = 1;
    memcpy(c->key, key, klen);
    c->key[klen] = 0;
    c->next = *pp;
    *pp = c;
    return 0;
}
static void fam_add(fam_t *f, const char *s, size_t n)
{
    if (f->len + n + 1 > f->cap) {
        f->cap = (f->len + n + 1) * 2;
        f->buf = realloc(f->buf, f->cap);
    }
    memcpy(f->buf + f->len, s, n);
    f->len += n;
}

#define PART_LIMIT (880 * 1024)
static void write_family(const char *dir, fam_t *f)
{
    if (!f->len) return;
    int parts = (int)((f->len + PART_LIMIT - 1) / PART_LIMIT);
    size_t target = f->len / parts + 4096;
    if (target > PART_LIMIT) target = PART_LIMIT;
    size_t pos = 0;
    for (int p = 1; pos < f->len; p++) {
        char path[1200];
        if (parts == 1) snprintf(path, sizeof path, "%s/%s.jsonl", dir, f->name);
        else snprintf(path, sizeof path, "%s/%s-%d.jsonl", dir, f->name, p);
        size_t end = pos;
        while (end < f->len) {
            char *nl = memchr(f->buf + end, '\n', f->len - end);
            size_t e2 = (size_t)(nl - f->buf) + 1;
            if (e2 - pos > target && end > pos) break;
            end = e2;
        }
        FILE *o = fopen(path, "w");
        if (!o) die(path);
        fwrite(f->buf + pos, 1, end - pos, o);
        fclose(o);
        pos = end;
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "-16")) {
        if (M64) {
            fprintf(stderr, "-16 needs the 32-bit build\n");
            return 2;
        }
        P16 = 1;
        MODE = "prot16";
        cs_base = CODE_BASE;
        insn_ip = INSN_ADDR - CODE_BASE;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s [-16] OUTDIR [SUBSTRING]\n", argv[0]);
        return 2;
    }
    const char *filter = argc > 2 ? argv[2] : NULL;
    map_regions(PROT_NONE, MAP_FIXED_NOREPLACE);
    get_oracle();
    get_sregs();
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", argv[1], MODE);
    mkdir(argv[1], 0777);
    mkdir(dir, 0777);
    for (int fi = 0; fi < nforms; fi++) {
        const form_t *f = &forms[fi];
        if ((f->fl & F_M64) && !M64) continue;
        if ((f->fl & F_M32) && M64) continue;
        if (P16 && ((f->fl & F_NO16) || !strcmp(f->fam, "prefix"))) continue;
        char full[160];
        snprintf(full, sizeof full, "%s %s %s", f->fam, f->mn, f->shape);
        if (filter && !strstr(full, filter)) continue;
        int fam = 0;
        while (fam < nfams && strcmp(fams[fam].name, f->fam)) fam++;
        if (fam == nfams) fams[nfams++].name = f->fam;
        fam_t *F = &fams[fam];
        F->forms++;
        int pfd[2];
        if (pipe(pfd)) die("pipe");
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) die("fork");
        if (pid == 0) {
            close(pfd[0]);
            out = fdopen(pfd[1], "w");
            static char obuf[1 << 16];
            setvbuf(out, obuf, _IOFBF, sizeof obuf);
            setup_child();
            curform = f;
            /* seed: form identity and its position among equal names */
            uint64_t seed = fnv(full, 1469598103934665603ull);
            seed = fnv(MODE, seed);
            for (int k = 0; k < fi; k++)
                if (forms[k].fam == f->fam && !strcmp(forms[k].mn, f->mn) &&
                    !strcmp(forms[k].shape, f->shape))
                    seed = fnv("+", seed);
            rnd_seed(seed);
            f->gen(f);
            fprintf(out, "!%ld %ld %ld %ld %ld %ld %ld\n", st.gen, st.emit, st.pf, st.badaddr,
                    st.unstable, st.lenbad, st.other);
            fclose(out);
            _exit(0);
        }
        close(pfd[1]);
        size_t cap = 1 << 20, len = 0;
        char *buf = malloc(cap);
        for (;;) {
            if (len + 65536 > cap) buf = realloc(buf, cap *= 2);
            ssize_t n = read(pfd[0], buf + len, cap - len);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            len += (size_t)n;
        }
        close(pfd[0]);
        int status;
        waitpid(pid, &status, 0);
        int gotstat = 0;
        for (size_t p = 0; p < len;) {
            char *nl = memchr(buf + p, '\n', len - p);
            if (!nl) break; /* partial line from a dead child */
            size_t e = (size_t)(nl - buf);
            if (buf[p] == '!') {
                long g, em, pf, ba, un, lb, ot;
                if (sscanf(buf + p + 1, "%ld %ld %ld %ld %ld %ld %ld", &g, &em, &pf, &ba, &un, &lb,
                           &ot) == 7) {
                    F->pf += pf;
                    F->badaddr += ba;
                    F->unstable += un;
                    F->lenbad += lb;
                    F->other += ot;
                    gotstat = 1;
                }
            } else {
                char *tab = memchr(buf + p, '\t', e - p);
                size_t kl = (size_t)(tab - (buf + p));
                int num = next_num(fam, buf + p, kl);
                char head[200];
                int hn = snprintf(head, sizeof head, "{\"name\":\"%.*s #%d\",", (int)kl, buf + p, num);
                fam_add(F, head, (size_t)hn);
                fam_add(F, tab + 1, e + 1 - (size_t)(tab + 1 - buf));
                F->vecs++;
            }
            p = e + 1;
        }
        free(buf);
        if (!gotstat || !WIFEXITED(status) || WEXITSTATUS(status)) {
            F->crashed++;
            fprintf(stderr, "vecgen: %s: form '%s %s' child died (status 0x%x), kept what it sent\n",
                    MODE, f->mn, f->shape, status);
        }
    }
    long tv = 0, tf = 0;
    fprintf(stderr, "%-8s %-8s %6s %7s %6s %6s %6s %6s %6s\n", MODE, "family", "forms", "vectors",
            "#PF", "addr", "unstbl", "len", "other");
    for (int i = 0; i < nfams; i++) {
        fam_t *F = &fams[i];
        write_family(dir, F);
        fprintf(stderr, "%-8s %-8s %6ld %7ld %6ld %6ld %6ld %6ld %6ld%s\n", MODE, F->name, F->forms,
                F->vecs, F->pf, F->badaddr, F->unstable, F->lenbad, F->other,
                F->crashed ? "  CRASHED FORMS" : "");
        tv += F->vecs;
        tf += F->forms;
    }
    fprintf(stderr, "%-8s %-8s %6ld %7ld\n", MODE, "total", tf, tv);
    return 0;
}
