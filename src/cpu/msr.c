/*
 * Model-specific registers, as a table: number, name, where the value lives.
 * RDMSR/WRMSR (with their #GP rules) come with the system milestone; this
 * table is what they and the embedding API share.
 */
#include <stddef.h>

#include "cpu/cpu.h"

enum msr_slot { SLOT_FIELD, SLOT_TSC, SLOT_EFER, SLOT_FS_BASE, SLOT_GS_BASE };

struct msr_desc {
    uint32_t index;
    const char *name;
    enum msr_slot slot;
    size_t offset;              /* into struct msrs, for SLOT_FIELD */
};

#define FIELD(i, n, f) { i, n, SLOT_FIELD, offsetof(struct msrs, f) }
static const struct msr_desc msr_table[] = {
    { 0x00000010, "IA32_TIME_STAMP_COUNTER", SLOT_TSC, 0 },
    FIELD(0x0000001b, "IA32_APIC_BASE", apic_base),
    FIELD(0x00000174, "IA32_SYSENTER_CS", sysenter_cs),
    FIELD(0x00000175, "IA32_SYSENTER_ESP", sysenter_esp),
    FIELD(0x00000176, "IA32_SYSENTER_EIP", sysenter_eip),
    FIELD(0x000001a0, "IA32_MISC_ENABLE", misc_enable),
    FIELD(0x00000277, "IA32_PAT", pat),
    { 0xc0000080, "IA32_EFER", SLOT_EFER, 0 },
    FIELD(0xc0000081, "IA32_STAR", star),
    FIELD(0xc0000082, "IA32_LSTAR", lstar),
    FIELD(0xc0000083, "IA32_CSTAR", cstar),
    FIELD(0xc0000084, "IA32_FMASK", sfmask),
    { 0xc0000100, "IA32_FS_BASE", SLOT_FS_BASE, 0 },
    { 0xc0000101, "IA32_GS_BASE", SLOT_GS_BASE, 0 },
    FIELD(0xc0000102, "IA32_KERNEL_GS_BASE", kernel_gs_base),
    FIELD(0xc0000103, "IA32_TSC_AUX", tsc_aux),
};
#undef FIELD

static const struct msr_desc *find_msr(uint32_t index)
{
    for (size_t i = 0; i < sizeof(msr_table) / sizeof(msr_table[0]); i++)
        if (msr_table[i].index == index)
            return &msr_table[i];
    return NULL;
}

bool msr_read(struct cpu *cpu, uint32_t index, uint64_t *value)
{
    const struct msr_desc *d = find_msr(index);
    if (!d)
        return false;
    switch (d->slot) {
    case SLOT_TSC: *value = cpu->icount + cpu->msr.tsc_offset; break;
    case SLOT_EFER: *value = cpu->efer; break;
    case SLOT_FS_BASE: *value = cpu->seg[S_FS].base; break;
    case SLOT_GS_BASE: *value = cpu->seg[S_GS].base; break;
    default: *value = *(const uint64_t *)((const char *)&cpu->msr + d->offset); break;
    }
    return true;
}

bool msr_write(struct cpu *cpu, uint32_t index, uint64_t value)
{
    const struct msr_desc *d = find_msr(index);
    if (!d)
        return false;
    switch (d->slot) {
    case SLOT_TSC: cpu->msr.tsc_offset = value - cpu->icount; break;
    case SLOT_EFER: cpu->efer = value; cpu_update_mode(cpu); cpu_flush_tlb(cpu); break;
    case SLOT_FS_BASE: cpu->seg[S_FS].base = value; break;
    case SLOT_GS_BASE: cpu->seg[S_GS].base = value; break;
    default: *(uint64_t *)((char *)&cpu->msr + d->offset) = value; break;
    }
    return true;
}
