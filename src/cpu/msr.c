/*
 * Model-specific registers, as a table: number, name, access, reset value,
 * reserved bits, where the value lives, and the extra rule WRMSR applies
 * (SDM Vol. 4, chapter 2, Table 2-2 "IA-32 Architectural MSRs"; the
 * WRMSR/RDMSR pages of Vol. 2). RDMSR/WRMSR (system.c) and the embedding
 * API (rs_get_msr/rs_set_msr) share it.
 *
 * The model has the MSRs a common 64-bit kernel touches at boot and that
 * CPUID announces (docs/cpu-model.md): TSC, PLATFORM_ID, APIC_BASE,
 * FEATURE_CONTROL, BIOS_SIGN_ID, MTRRs (MTRR = 1), SYSENTER (SEP = 1),
 * MCG_CAP/MCG_STATUS (MCA = 1, zero banks), MISC_ENABLE, PAT (PAT = 1),
 * TSC_DEADLINE (TSC-deadline timer = 1), EFER and the SYSCALL MSRs, FS/GS
 * bases, TSC_AUX (RDTSCP = 1). Any other
 * number is #GP(0), as on silicon. docs/system.md lists each rule.
 */
#include <stddef.h>

#include "cpu/system.h"
#include "mmu/access.h"
#include "mmu/paging.h"

enum msr_slot {
    SLOT_FIELD,     /* a uint64_t inside struct cpu at `offset` */
    SLOT_CONST,     /* no storage: reads return `reset` */
    SLOT_TSC, SLOT_EFER, SLOT_FS_BASE, SLOT_GS_BASE,
    SLOT_APIC_BASE,     /* a field, and the platform's local APIC follows it (cpu->hooks) */
    SLOT_TSC_DEADLINE,  /* the local APIC's (cpu->hooks); without one: reads 0, writes ignored */
};

enum msr_access { RW, RO };    /* RO: WRMSR is #GP(0) */

enum msr_check {
    CHK_NONE,
    CHK_CANON,      /* the value is a linear address: canonical, else #GP */
    CHK_MTRR_LOW,   /* bits 7:0 hold a memory type valid in MTRRs */
    CHK_MTRR_ALL,   /* each of the 8 bytes holds a memory type valid in MTRRs */
    CHK_PAT,        /* each byte holds a memory type valid in the PAT */
    CHK_LOCK,       /* bit 0 locks the MSR: writes #GP once it is set */
    CHK_EFER,       /* LME may not change while CR0.PG = 1 */
};

struct msr_desc {
    uint32_t index;
    const char *name;
    uint8_t slot;
    uint32_t offset;            /* SLOT_FIELD: offsetof(struct cpu, ...) */
    uint8_t access, check;
    uint64_t reset;             /* value after power-on (for `ro` bits: always) */
    uint64_t reserved;          /* WRMSR #GP(0) when any of these is 1 */
    uint64_t ro;                /* writes ignored; they read as in `reset` */
};

#define F(field) SLOT_FIELD, (uint32_t)offsetof(struct cpu, field)
#define HI32 0xffffffff00000000ull
/* Physical-address bits above MAXPHYADDR (39) are reserved. */
#define ABOVE_PA (~PHYS_ADDR_MASK)

#define MTRR_VAR(n)                                                                       \
    { 0x200 + 2 * (n), "IA32_MTRR_PHYSBASE" #n, F(msr.mtrr_var[2 * (n)]), RW, CHK_MTRR_LOW, \
      0, ABOVE_PA | 0xf00, 0 },                  /* Vol. 3A 12.11.2.3: type, base */         \
    { 0x201 + 2 * (n), "IA32_MTRR_PHYSMASK" #n, F(msr.mtrr_var[2 * (n) + 1]), RW, CHK_NONE, \
      0, ABOVE_PA | 0x7ff, 0 }                   /* V (bit 11), mask */
#define MTRR_FIX(i, n, name) \
    { i, name, F(msr.mtrr_fixed[n]), RW, CHK_MTRR_ALL, 0, 0, 0 }   /* Vol. 3A 12.11.2.2 */

static const struct msr_desc msr_table[] = {
    /* Vol. 4 Table 2-2 unless noted. */
    { 0x00000010, "IA32_TIME_STAMP_COUNTER", SLOT_TSC, 0, RW, CHK_NONE, 0, 0, 0 },
    /* Platform ID 52:50 = 0 (microcode selection); read-only. */
    { 0x00000017, "IA32_PLATFORM_ID", SLOT_CONST, 0, RO, CHK_NONE, 0, 0, 0 },
    /* BSP (8, read-only), APIC global enable (11), base (38:12); x2APIC
     * enable (10) is reserved: x2APIC is not reported. After a write the
     * local APIC moves its page, or hides it when bit 11 is clear
     * (Vol. 3A 11.4.4). */
    { 0x0000001b, "IA32_APIC_BASE", SLOT_APIC_BASE, (uint32_t)offsetof(struct cpu, msr.apic_base),
      RW, CHK_NONE, 0xfee00900, ~(0x100ull | 0x800 | (PHYS_ADDR_MASK & ~0xfffull)), 0x100 },
    /* Lock (0) only: VMX, SMX, SGX and LMCE are not reported (Vol. 3C 24.7). */
    { 0x0000003a, "IA32_FEATURE_CONTROL", F(msr.feature_control), RW, CHK_LOCK, 0, ~1ull, 0 },
    /* Microcode signature: revision 1 in 63:32; writes (software writes 0
     * before CPUID, Vol. 3A 10.11.7.1) are accepted and ignored. */
    /* Microcode revision 0x2000065 in EDX: a Skylake-SP revision recent enough that
     * Linux keeps the TSC-deadline timer enabled (it wants >= 0x02000014). */
    { 0x0000008b, "IA32_BIOS_SIGN_ID", SLOT_CONST, 0, RW, CHK_NONE, 0x0200006500000000ull, 0, ~0ull },
    /* VCNT = 8, FIX (8), WC (10); no SMRR (Vol. 3A 12.11.2.1). */
    { 0x000000fe, "IA32_MTRRCAP", SLOT_CONST, 0, RO, CHK_NONE, 0x508, 0, 0 },
    /* 15:0 selector, 31:16 unused but read/write, 63:32 writes ignored, read 0. */
    { 0x00000174, "IA32_SYSENTER_CS", F(msr.sysenter_cs), RW, CHK_NONE, 0, 0, HI32 },
    { 0x00000175, "IA32_SYSENTER_ESP", F(msr.sysenter_esp), RW, CHK_CANON, 0, 0, 0 },
    { 0x00000176, "IA32_SYSENTER_EIP", F(msr.sysenter_eip), RW, CHK_CANON, 0, 0, 0 },
    /* Zero banks, no MCG_CTL, CMCI, SER or LMCE (Vol. 3B 16.3.1.1). */
    { 0x00000179, "IA32_MCG_CAP", SLOT_CONST, 0, RO, CHK_NONE, 0, 0, 0 },
    /* RIPV, EIPV, MCIP (Vol. 3B 16.3.1.2). */
    { 0x0000017a, "IA32_MCG_STATUS", F(msr.mcg_status), RW, CHK_NONE, 0, ~7ull, 0 },
    /* Fast strings (0, reset 1) and automatic thermal control (3) are
     * writable; performance monitoring available (7) reads 0, BTS (11)
     * and PEBS (12) unavailable read 1. Everything else (EIST, MONITOR,
     * limit-CPUID, XD disable, ...) is reserved in this model. */
    { 0x000001a0, "IA32_MISC_ENABLE", F(msr.misc_enable), RW, CHK_NONE, 0x1801,
      ~(0x1ull | 0x8 | 0x80 | 0x800 | 0x1000), 0x1880 },
    MTRR_VAR(0), MTRR_VAR(1), MTRR_VAR(2), MTRR_VAR(3),
    MTRR_VAR(4), MTRR_VAR(5), MTRR_VAR(6), MTRR_VAR(7),
    MTRR_FIX(0x250, 0, "IA32_MTRR_FIX64K_00000"),
    MTRR_FIX(0x258, 1, "IA32_MTRR_FIX16K_80000"),
    MTRR_FIX(0x259, 2, "IA32_MTRR_FIX16K_A0000"),
    MTRR_FIX(0x268, 3, "IA32_MTRR_FIX4K_C0000"),
    MTRR_FIX(0x269, 4, "IA32_MTRR_FIX4K_C8000"),
    MTRR_FIX(0x26a, 5, "IA32_MTRR_FIX4K_D0000"),
    MTRR_FIX(0x26b, 6, "IA32_MTRR_FIX4K_D8000"),
    MTRR_FIX(0x26c, 7, "IA32_MTRR_FIX4K_E0000"),
    MTRR_FIX(0x26d, 8, "IA32_MTRR_FIX4K_E8000"),
    MTRR_FIX(0x26e, 9, "IA32_MTRR_FIX4K_F0000"),
    MTRR_FIX(0x26f, 10, "IA32_MTRR_FIX4K_F8000"),
    /* PA0..PA7: 3-bit types, 2 and 3 reserved; bits 7:3 of each byte
     * reserved (Vol. 3A 12.12.2). Reset WB WT UC- UC, twice. */
    { 0x00000277, "IA32_PAT", F(msr.pat), RW, CHK_PAT, 0x0007040600070406ull,
      0xf8f8f8f8f8f8f8f8ull, 0 },
    /* Type (7:0), FE (10), E (11) (Vol. 3A 12.11.2.1). */
    { 0x000002ff, "IA32_MTRR_DEF_TYPE", F(msr.mtrr_def_type), RW, CHK_MTRR_LOW, 0,
      ~0xcffull, 0 },
    /* CPUID.01H:ECX.TSC_Deadline = 1: the local APIC timer's deadline in
     * TSC ticks; reads 0 and ignores writes unless the LVT timer is in
     * TSC-deadline mode, 0 disarms, it reads 0 once met (Vol. 3A 11.5.4.1). */
    { 0x000006e0, "IA32_TSC_DEADLINE", SLOT_TSC_DEADLINE, 0, RW, CHK_NONE, 0, 0, 0 },
    /* SCE (0), LME (8), LMA (10, read-only: the processor sets it), NXE (11). */
    { 0xc0000080, "IA32_EFER", SLOT_EFER, 0, RW, CHK_EFER, 0, ~0xd01ull, 0 },
    { 0xc0000081, "IA32_STAR", F(msr.star), RW, CHK_NONE, 0, 0, 0 },
    { 0xc0000082, "IA32_LSTAR", F(msr.lstar), RW, CHK_CANON, 0, 0, 0 },
    /* Not used by an Intel processor (SYSCALL is #UD in compatibility
     * mode) but present, with WRMSR's canonical check. */
    { 0xc0000083, "IA32_CSTAR", F(msr.cstar), RW, CHK_CANON, 0, 0, 0 },
    /* 31:0 the mask, 63:32 reserved. */
    { 0xc0000084, "IA32_FMASK", F(msr.sfmask), RW, CHK_NONE, 0, HI32, 0 },
    { 0xc0000100, "IA32_FS_BASE", SLOT_FS_BASE, 0, RW, CHK_CANON, 0, 0, 0 },
    { 0xc0000101, "IA32_GS_BASE", SLOT_GS_BASE, 0, RW, CHK_CANON, 0, 0, 0 },
    { 0xc0000102, "IA32_KERNEL_GS_BASE", F(msr.kernel_gs_base), RW, CHK_CANON, 0, 0, 0 },
    /* 31:0 the auxiliary value RDTSCP returns, 63:32 reserved. */
    { 0xc0000103, "IA32_TSC_AUX", F(msr.tsc_aux), RW, CHK_NONE, 0, HI32, 0 },
};
#undef F

static const struct msr_desc *find_msr(uint32_t index)
{
    for (size_t i = 0; i < sizeof(msr_table) / sizeof(msr_table[0]); i++)
        if (msr_table[i].index == index)
            return &msr_table[i];
    return NULL;
}

static uint64_t *field(struct cpu *cpu, const struct msr_desc *d)
{
    return (uint64_t *)((char *)cpu + d->offset);
}

/* Memory types (Vol. 3A, Table 12-8): UC 0, WC 1, WT 4, WP 5, WB 6; the PAT
 * adds UC- 7. */
static bool mtrr_type_ok(unsigned t) { return t == 0 || t == 1 || (t >= 4 && t <= 6); }
static bool pat_type_ok(unsigned t) { return t == 0 || t == 1 || (t >= 4 && t <= 7); }

/* The stored value, as RDMSR returns it. */
static uint64_t msr_value(struct cpu *cpu, const struct msr_desc *d)
{
    uint64_t v;
    switch (d->slot) {
    case SLOT_TSC: return cpu_tsc(cpu);
    case SLOT_EFER: return cpu->efer;
    case SLOT_FS_BASE: return cpu->seg[S_FS].base;
    case SLOT_GS_BASE: return cpu->seg[S_GS].base;
    case SLOT_CONST: return d->reset;
    case SLOT_TSC_DEADLINE:
        return cpu->hooks.tsc_deadline_read ? cpu->hooks.tsc_deadline_read(cpu->hooks.ctx) : 0;
    default:        /* SLOT_FIELD, SLOT_APIC_BASE */
        v = *field(cpu, d);
        return (v & ~d->ro) | (d->reset & d->ro);
    }
}

/* Store without checks (rs_set_msr, and WRMSR after its checks). */
static void msr_store(struct cpu *cpu, const struct msr_desc *d, uint64_t value)
{
    switch (d->slot) {
    case SLOT_TSC: cpu->msr.tsc_offset = value - (cpu_tsc(cpu) - cpu->msr.tsc_offset); break;
    case SLOT_EFER: cpu->efer = value; break;
    case SLOT_FS_BASE: cpu->seg[S_FS].base = value; break;
    case SLOT_GS_BASE: cpu->seg[S_GS].base = value; break;
    case SLOT_CONST: break;
    case SLOT_TSC_DEADLINE:
        if (cpu->hooks.tsc_deadline_write)
            cpu->hooks.tsc_deadline_write(cpu->hooks.ctx, value);
        break;
    case SLOT_APIC_BASE:
        *field(cpu, d) = value;
        if (cpu->hooks.apic_base_written)
            cpu->hooks.apic_base_written(cpu->hooks.ctx, value);
        break;
    default: *field(cpu, d) = value; break;
    }
}

bool msr_read(struct cpu *cpu, uint32_t index, uint64_t *value)
{
    const struct msr_desc *d = find_msr(index);
    if (!d)
        return false;
    *value = msr_value(cpu, d);
    return true;
}

/* The embedder's raw write: no WRMSR checks; an EFER write re-derives the
 * mode and drops translations (the API documents raw state writes). */
bool msr_write(struct cpu *cpu, uint32_t index, uint64_t value)
{
    const struct msr_desc *d = find_msr(index);
    if (!d)
        return false;
    msr_store(cpu, d, value);
    if (d->slot == SLOT_EFER) {
        cpu_update_mode(cpu);
        mmu_paging_changed(cpu);
    }
    return true;
}

enum msr_result msr_rdmsr(struct cpu *cpu, uint32_t index, uint64_t *value)
{
    return msr_read(cpu, index, value) ? MSR_OK : MSR_GP;
}

/* WRMSR's checks (Vol. 2 WRMSR: "#GP(0) if the value in ECX specifies a
 * reserved or unimplemented MSR address, if EDX:EAX sets bits that are
 * reserved in the MSR, or if a non-canonical value is written to an MSR
 * that holds an address"), then the store. */
enum msr_result msr_wrmsr(struct cpu *cpu, uint32_t index, uint64_t value)
{
    const struct msr_desc *d = find_msr(index);
    if (!d || d->access == RO || (value & d->reserved))
        return MSR_GP;
    switch (d->check) {
    case CHK_CANON:
        if (!is_canonical(value))
            return MSR_GP;
        break;
    case CHK_MTRR_LOW:
        if (!mtrr_type_ok(value & 0xff))
            return MSR_GP;
        break;
    case CHK_MTRR_ALL:
        for (unsigned i = 0; i < 64; i += 8)
            if (!mtrr_type_ok((value >> i) & 0xff))
                return MSR_GP;
        break;
    case CHK_PAT:
        for (unsigned i = 0; i < 64; i += 8)
            if (!pat_type_ok((value >> i) & 0xff))
                return MSR_GP;
        break;
    case CHK_LOCK:
        if (msr_value(cpu, d) & 1)
            return MSR_GP;
        break;
    case CHK_EFER:
        /* Vol. 3A 9.8.5 / Vol. 4 IA32_EFER: LME cannot change while paging
         * is on; LMA is read-only, a written LMA is ignored. */
        if (((value ^ cpu->efer) & EFER_LME) && (cpu->cr0 & CR0_PG))
            return MSR_GP;
        value = (value & ~(uint64_t)EFER_LMA) | (cpu->efer & EFER_LMA);
        break;
    default:
        break;
    }
    if (d->slot == SLOT_FIELD || d->slot == SLOT_APIC_BASE)
        value = (value & ~d->ro) | (*field(cpu, d) & d->ro);
    msr_store(cpu, d, value);
    return MSR_OK;
}
