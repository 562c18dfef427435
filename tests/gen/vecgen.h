/* vecgen.h - shared declarations of the silicon test-vector generator.
 * See tests/gen/README.md.  Built twice: gcc -m64 (long64) and gcc -m32 (prot32). */
#ifndef VECGEN_H
#define VECGEN_H

#include <stdint.h>
#include <stddef.h>

#ifdef __x86_64__
#define M64 1
#define NREG 16
#else
#define M64 0
#define NREG 8
#endif

/* Fixed addresses, free in both the 32-bit and the 64-bit static binaries. */
#define CODE_BASE 0x10000000u
#define CODE_SIZE 0x1000u
#define INSN_ADDR 0x10000800u
#define DATA_BASE 0x10010000u
#define DATA_SIZE 0x2000u
#define STACK_BASE 0x10020000u
#define STACK_SIZE 0x2000u
#define STACK_MID (STACK_BASE + 0x1000u)
#define LOW_BASE 0x00006000u /* 16-bit addressing (0x67 in 32-bit mode) */
#define LOW_SIZE 0x2000u

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* rflags bits */
#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define TF 0x100u
#define IF_ 0x200u
#define DF 0x400u
#define OF 0x800u
#define NT 0x4000u
#define RF 0x10000u
#define AC 0x40000u
#define ID 0x200000u
#define ARITH (CF | PF | AF | ZF | SF | OF)

/* operand-size masks for form_t.sizes */
#define S8 1
#define S16 2
#define S32 4
#define S64 8
#define SV (S16 | S32 | S64)

/* immediate kinds */
#define IB 1
#define IW 2
#define ID4 4
#define IZ 5 /* min(os,4), sign-extended */
#define IV 6 /* os bytes (B8+r imm64) */

/* form flags */
#define F_M64 0x1u      /* 64-bit mode only */
#define F_M32 0x2u      /* 32-bit mode only */
#define F_MEM 0x4u      /* memory operand only */
#define F_REG 0x8u      /* register operand only */
#define F_LOCK 0x10u    /* emit LOCK prefix */
#define F_BRANCH 0x20u  /* rip after is not rip+len */
#define F_NOACC 0x40u   /* memory operand not accessed (LEA, NOP) */
#define F_WILD 0x80u    /* memory operand address unconstrained */
#define F_NO67 0x100u   /* no 0x67 variants */
#define F_STACK 0x200u  /* touches the stack: declare window at rsp */
#define F_NOREX 0x400u  /* no optional REX */
#define F_W64 0x800u    /* 64-bit operand size is the default (push/pop), REX.W redundant */
#define F_UD 0x1000u    /* expected to raise #UD (documentation only) */
#define F_RSPADJ 0x2000u/* POP Ev: address computed after rsp += os */
#define F_SEGPFX 0x4000u/* random segment override prefix (ignored/flat) */
#define F_STALEREX 0x8000u /* REX followed by a legacy prefix: REX ignored */
#define F_66W 0x10000u  /* 66 together with REX.W */
#define F_PAD15 0x20000u /* pad with redundant prefixes to 15 bytes */
#define F_PAD16 0x40000u /* pad to 16 bytes -> #GP(0) */
#define F_NONCANON 0x80000u /* non-canonical memory operand */

typedef struct form form_t;
typedef void (*genfn)(const form_t *);
struct form {
    const char *fam, *mn, *shape;
    genfn gen;
    uint8_t op[4];
    uint8_t oplen;
    int8_t digit;   /* ModRM.reg digit, -1: register operand */
    uint8_t sizes;  /* S8..S64 */
    uint8_t imm;    /* IB.. */
    uint8_t msz;    /* memory/E operand size override, bytes */
    uint32_t fl;    /* F_* */
    uint16_t undef; /* static undefined flags */
    uint8_t vh;     /* value hook */
    uint8_t pfx;    /* mandatory / extra prefix byte */
    int n;          /* number of tests to generate */
    int a, b;       /* generator parameters */
};

typedef struct { uint32_t a, n; } range_t;

typedef struct test {
    char name[128];
    uint8_t b[24];
    int len;
    uint64_t r[16];
    uint64_t fl, rip;
    range_t rg[32];
    int nrg;
    uint32_t uflags, uregs;
    uint32_t locked;
    int branch, trap_ok, skip;
    int ripfix; /* offset of a RIP-relative disp32 to patch, 0 = none */
    uint64_t ripea;
} test_t;

extern test_t T;
extern const form_t *curform;

/* prot16 (32-bit build, option -16): code runs in a 16-bit code segment from the LDT
 * based at CODE_BASE; rip values are offsets in it */
extern int P16;
extern uint32_t cs_base, insn_ip;
#define F_NO16 0x200000u /* not generated for prot16 */
static inline int defas(void) { return M64 ? 8 : P16 ? 2 : 4; }
static inline int altas(void) { return M64 ? 4 : P16 ? 4 : 2; }
static inline int need66(int os) { return M64 ? os == 2 : (os == 2 || os == 4) && os != (P16 ? 2 : 4); }

/* prng */
uint64_t rnd(void);
void rnd_seed(uint64_t s);
static inline uint32_t rn(uint32_t n) { return (uint32_t)(rnd() % n); }

/* harness (vecgen.c) */
void t_new(const form_t *f);
void t_run(void);
void t_range(uint64_t a, uint64_t n);
uint8_t *img(uint64_t a, int n); /* pointer into the initial memory image, NULL if outside */
void mem_poke(uint64_t a, uint64_t v, int n);
uint64_t mem_peek(uint64_t a, int n);
void t_name(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void t_skip(void);
extern const char *regname[16];

/* generators (gen.c) */
uint64_t val(int bits);
uint64_t opval(int bits);
uint64_t regval(void);
uint64_t msk(int bits);
uint64_t sext(uint64_t v, int bits);
void eb(uint8_t x);
void ebytes(uint64_t v, int n);

extern const form_t forms[];
extern const int nforms;

/* value hooks (form_t.vh) */
enum {
    VH_NONE, VH_SHIFT, VH_SHLD, VH_DIV, VH_IDIV, VH_CMPXCHG, VH_CX8, VH_BSF, VH_ZERO, VH_BT,
    VH_TARGET, VH_SREG, VH_BOUND, VH_XLAT, VH_POPF, VH_RET, VH_ENTER, VH_LEAVE, VH_BCD,
    VH_AAM, VH_INTO, VH_SIGN, VH_PUSHA, VH_STACK, VH_PUSHSREG
};

/* generators */
void g_modrm(const form_t *f);
void g_accimm(const form_t *f);
void g_opreg(const form_t *f);
void g_plain(const form_t *f);
void g_moffs(const form_t *f);
void g_string(const form_t *f);
void g_jrel(const form_t *f);
void g_vex(const form_t *f);

#endif
