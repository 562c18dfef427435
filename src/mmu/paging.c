/*
 * The paging unit (SDM Vol. 3A, chapter 5 "Paging"): page walks for 32-bit,
 * PAE and 4-level paging with every access-rights check, the PDPTE
 * registers, and the TLB's invalidation rules (5.10.4) including PCIDs.
 * The TLB itself and its lookups live in mmu/access.c; docs/paging.md
 * describes the design and the decisions taken where the SDM leaves room.
 */
#include "mmu/paging.h"

#include <string.h>

#include "cpu/blockcache.h"

/* ------------------------------------------------------------ the walk */

/* Reserved bits, MAXPHYADDR = 39 (SDM Vol. 3A, 5.3-5.5, Tables 5-4..5-20). */
#define RSV_HI_4LEVEL  0x000fff8000000000ull   /* bits 51:39 (62:52 ignored) */
#define RSV_HI_PAE     0x7fffff8000000000ull   /* bits 62:39 */
#define RSV_XD         0x8000000000000000ull   /* XD: reserved unless EFER.NXE */
#define RSV_PDPTE_PAE  0xffffff80000001e6ull   /* PAE PDPTE: 63:39, 8:5, 2:1 */
#define RSV_1G         0x000000003fffe000ull   /* 1 GiB page: bits 29:13 */
#define RSV_2M         0x00000000001fe000ull   /* 2 MiB page: bits 20:13 */
#define RSV_4M_PSE36   0x0000000000300000ull   /* 4 MiB page: bits 21:(M-19) = 21:20 */


/* #PF error code bits (SDM Vol. 3A, 5.7, Figure 5-12). */
#define PFEC_P    0x01u
#define PFEC_W    0x02u
#define PFEC_U    0x04u
#define PFEC_RSVD 0x08u
#define PFEC_I    0x10u

/* A paging-structure entry from physical memory; outside RAM the bus reads
 * all-ones (present, every reserved bit set: a RSVD fault). */
static uint64_t entry_read(struct cpu *cpu, uint64_t pa, unsigned size)
{
    if (cpu->timing.charge_walk) {
        /* A walk the modelled TLBs could not spare (timing_tlb.c). */
        cpu_charge(cpu, T_WALK_LEVEL);
        cpu->timing.walk_entries++;
    }
    const uint8_t *p = physmem_ptr(cpu->mem, pa, size);
    if (!p)
        return size == 8 ? ~0ull : 0xffffffffull;
    return load_le(p, size);
}

/* Set accessed/dirty bits in an entry's low byte. The processor's write is
 * an ordinary store as far as decoded code is concerned. */
static void entry_set_bits(struct cpu *cpu, uint64_t pa, uint8_t bits)
{
    struct ram_region *r = physmem_region(cpu->mem, pa);
    if (!r)
        return;
    uint8_t *p = r->host + (pa - r->base);
    if ((*p & bits) == bits)
        return;
    if (region_is_code_page(r, pa)) {
        uint64_t page = pa & ~(uint64_t)PAGE_MASK;
        blockcache_invalidate_page(cpu->blocks, page);
        r->code_pages[(page - r->base) >> PAGE_SHIFT] = 0;
        cpu->stop_block = true;
    }
    *p |= bits;
}

static noreturn void page_fault(struct cpu *cpu, uint64_t lin, uint32_t code)
{
    cpu->cr2 = lin;
    cpu_raise(cpu, EXC_PF, code);
}

/* Load the four PAE PDPTEs at CR3[31:5] (5.4.1); false when a present one
 * has a reserved bit set. */
static bool load_pdptes(struct cpu *cpu, uint64_t cr3, uint64_t out[4])
{
    uint64_t base = cr3 & 0xffffffe0u;
    bool ok = true;
    for (unsigned i = 0; i < 4; i++) {
        out[i] = entry_read(cpu, base + 8 * i, 8);
        if ((out[i] & PTE_P) && (out[i] & RSV_PDPTE_PAE))
            ok = false;
    }
    return ok;
}

/* SMAP (5.6.1): a supervisor data access to a user-mode address is refused
 * when CR4.SMAP = 1 unless it is explicit (CPL < 3) and RFLAGS.AC = 1. */
static bool smap_refuses(const struct cpu *cpu, unsigned af)
{
    return (cpu->cr4 & PG_CR4_SMAP) && ((af & AF_IMPLICIT) || !(cpu->rflags & F_AC));
}

void paging_walk(struct cpu *cpu, uint64_t lin, enum access_kind kind, unsigned af,
                 struct walk_result *res)
{
    enum paging_mode pm = paging_mode(cpu);
    bool nxe = (cpu->efer & PG_EFER_NXE) != 0;
    bool is_user = (af & AF_USER) != 0;
    /* Error-code bits that describe the access (5.7): W/R, U/S, and I/D only
     * with SMEP, or with NXE under PAE or 4-level paging. */
    uint32_t code = (kind == ACC_WRITE ? PFEC_W : 0) | (is_user ? PFEC_U : 0);
    if (kind == ACC_EXEC && ((cpu->cr4 & PG_CR4_SMEP) || (pm != PAGING_32 && nxe)))
        code |= PFEC_I;

    uint64_t ent_pa[4], leaf = 0, pa = 0;
    unsigned n = 0, shift = 12;
    uint64_t user = PTE_US, rw = PTE_RW;
    bool xd = false;
    cpu->paging.walks++;

    if (pm == PAGING_32) {
        /* 32-bit paging (5.3): PDE, then PTE or a 4 MiB page with CR4.PSE. */
        uint64_t pde_pa = (cpu->cr3 & 0xfffff000u) + ((lin >> 22) & 0x3ff) * 4;
        uint64_t pde = entry_read(cpu, pde_pa, 4);
        if (!(pde & PTE_P))
            page_fault(cpu, lin, code);
        ent_pa[n++] = pde_pa;
        user &= pde;
        rw &= pde;
        if ((pde & PTE_PS) && (cpu->cr4 & PG_CR4_PSE)) {
            if (pde & RSV_4M_PSE36)
                page_fault(cpu, lin, code | PFEC_P | PFEC_RSVD);
            /* PSE-36: PDE bits 19:13 are physical-address bits 38:32. */
            leaf = pde;
            shift = 22;
            pa = (((pde >> 13) & 0x7f) << 32) | (pde & 0xffc00000u) | (lin & 0x3fffff);
        } else {
            uint64_t pte_pa = (pde & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4;
            uint64_t pte = entry_read(cpu, pte_pa, 4);
            if (!(pte & PTE_P))
                page_fault(cpu, lin, code);
            ent_pa[n++] = pte_pa;
            user &= pte;
            rw &= pte;
            leaf = pte;
            pa = (pte & 0xfffff000u) | (lin & 0xfff);
        }
    } else {
        /* PAE (5.4) and 4-level (5.5) paging: 8-byte entries, 9 bits a level. */
        uint64_t rsv_hi = (pm == PAGING_PAE ? RSV_HI_PAE : RSV_HI_4LEVEL) | (nxe ? 0 : RSV_XD);
        uint64_t table;
        int level;
        if (pm == PAGING_PAE) {
            if (!cpu->paging.pdpte_loaded) {
                /* Raw state from the embedder (rs_set_reg): load them now. */
                load_pdptes(cpu, cpu->cr3, cpu->paging.pdpte);
                cpu->paging.pdpte_loaded = true;
            }
            uint64_t pdpte = cpu->paging.pdpte[(lin >> 30) & 3];
            if (!(pdpte & PTE_P))
                page_fault(cpu, lin, code);
            if (pdpte & RSV_PDPTE_PAE)  /* only PDPTEs loaded without the MOV CR3 check */
                page_fault(cpu, lin, code | PFEC_P | PFEC_RSVD);
            table = pdpte & PG_ADDR_MASK;
            level = 2;
        } else {
            table = cpu->cr3 & PG_ADDR_MASK;
            level = 4;
        }
        for (;;) {
            unsigned s = 12 + 9 * (unsigned)(level - 1);
            uint64_t e_pa = table + ((lin >> s) & 0x1ff) * 8;
            uint64_t e = entry_read(cpu, e_pa, 8);
            if (!(e & PTE_P))
                page_fault(cpu, lin, code);
            bool large = level > 1 && (e & PTE_PS);
            uint64_t rsv = rsv_hi;
            if (level == 4)
                rsv |= PTE_PS;          /* PS is reserved in a PML4E */
            else if (large)
                rsv |= level == 3 ? RSV_1G : RSV_2M;
            if (e & rsv)
                page_fault(cpu, lin, code | PFEC_P | PFEC_RSVD);
            ent_pa[n++] = e_pa;
            user &= e;
            rw &= e;
            xd |= nxe && (e >> 63);
            if (level == 1 || large) {
                leaf = e;
                shift = s;
                uint64_t off = (1ull << s) - 1;
                pa = (e & PG_ADDR_MASK & ~off) | (lin & off);
                break;
            }
            table = e & PG_ADDR_MASK;
            level--;
        }
    }

    /* Access rights (5.6): U/S and R/W of every level, XD of any level. */
    bool uaddr = user != 0, writable = rw != 0, refused;
    switch (kind) {
    case ACC_EXEC:
        refused = is_user ? (!uaddr || xd) : (xd || (uaddr && (cpu->cr4 & PG_CR4_SMEP)));
        break;
    case ACC_READ:
        refused = is_user ? !uaddr : (uaddr && smap_refuses(cpu, af));
        break;
    default:
        refused = is_user ? (!uaddr || !writable)
                          : ((uaddr && smap_refuses(cpu, af)) || (!writable && (cpu->cr0 & PG_CR0_WP)));
        break;
    }
    if (refused)
        page_fault(cpu, lin, code | PFEC_P);

    /* Accessed flags on every entry used, dirty on the leaf for a write
     * (5.8). Intel sets them only once the walk and the rights check have
     * succeeded: a faulting access changes no entry. */
    for (unsigned i = 0; i < n; i++)
        entry_set_bits(cpu, ent_pa[i], (i == n - 1 && kind == ACC_WRITE) ? PTE_A | PTE_D : PTE_A);

    res->pa = pa;
    res->shift = shift;
    res->global = (leaf & PTE_G) && (cpu->cr4 & PG_CR4_PGE);
    res->user = uaddr;
}

/* ------------------------------------------------- TLB invalidation */

static inline unsigned entry_ctx(const struct tlb_entry *e)
{
    return (unsigned)(e->vtag >> TLB_CTX_SHIFT);
}

static inline uint64_t entry_page(const struct tlb_entry *e)
{
    return (e->vtag & TLB_PAGE_TAG_MASK) - 1;
}

static inline void entry_clear(struct tlb_entry *e)
{
    e->tag = e->vtag = 0;
}

/* The array `k` of the TLB (0-2 read, 3-5 write, 6-7 exec). */
#define TLB_ARRAYS 8
static struct tlb_entry *tlb_array(struct cpu *cpu, unsigned k)
{
    return k < 3 ? cpu->tlb.read[k] : k < 6 ? cpu->tlb.write[k - 3] : cpu->tlb.exec[k - 6];
}

static void jump_flush(struct cpu *cpu)
{
    if (cpu->blocks)
        blockcache_flush_jump(cpu->blocks);
}

/* Forget every PCID's context (clearing only the slots in use when few). */
static void forget_contexts(struct paging_state *ps)
{
    if (ps->pcid_nused > 8)
        memset(ps->pcid_ctx, 0, sizeof(ps->pcid_ctx));
    else
        for (unsigned i = 0; i < ps->pcid_nused; i++)
            ps->pcid_ctx[ps->pcid_used[i]] = 0;
    ps->pcid_nused = 0;
}

void tlb_set_context(struct cpu *cpu)
{
    struct paging_state *ps = &cpu->paging;
    uint16_t pcid = current_pcid(cpu);
    if (!ps->pcid_ctx[pcid]) {
        if (ps->next_ctx == 0 || ps->next_ctx > TLB_MAX_CTX) {
            /* Every context number has been handed out: drop the non-global
             * entries of every PCID and number again. More than the SDM asks
             * for (the other PCIDs' entries could have stayed). */
            if (ps->next_ctx)
                ps->avoidable_flushes++;
            forget_contexts(ps);
            for (unsigned k = 0; k < TLB_ARRAYS; k++) {
                struct tlb_entry *set = tlb_array(cpu, k);
                for (unsigned i = 0; i < TLB_ENTRIES; i++)
                    if (!(set[i].phys & TLBF_GLOBAL))
                        entry_clear(&set[i]);
            }
            ps->next_ctx = 1;
        }
        ps->pcid_ctx[pcid] = ps->next_ctx++;
        bool listed = ps->pcid_nused > 8;
        for (unsigned i = 0; i < ps->pcid_nused && !listed; i++)
            listed = ps->pcid_used[i] == pcid;
        if (!listed) {
            if (ps->pcid_nused < 8)
                ps->pcid_used[ps->pcid_nused] = pcid;
            ps->pcid_nused++;   /* 9: too many to list */
        }
    }
    cpu->tlb.tag_base = 1 + ((uint64_t)ps->pcid_ctx[pcid] << TLB_CTX_SHIFT);
}

void tlb_flush_all(struct cpu *cpu)
{
    struct paging_state *ps = &cpu->paging;
    /* Nothing was filled since the last full flush: nothing to clear. */
    if (cpu->tlb.misses != ps->misses_at_flush) {
        for (unsigned k = 0; k < TLB_ARRAYS; k++)
            memset(tlb_array(cpu, k), 0, TLB_ENTRIES * sizeof(struct tlb_entry));
        ps->misses_at_flush = cpu->tlb.misses;
    }
    forget_contexts(ps);
    ps->next_ctx = 1;
    ps->flushes++;
    timing_tlb_flush_all(cpu);
    cpu->tlb.has_large = false;
    tlb_set_context(cpu);
    jump_flush(cpu);
}

/* Drop the non-global entries of `pcid` by giving it a fresh context
 * number: its old entries can never match again. */
static void flush_pcid(struct cpu *cpu, uint16_t pcid)
{
    struct paging_state *ps = &cpu->paging;
    if (ps->pcid_ctx[pcid]) {
        ps->pcid_ctx[pcid] = 0;
        ps->ctx_flushes++;
    }
    timing_tlb_flush_pcid(cpu, pcid);
    if (pcid == current_pcid(cpu)) {
        tlb_set_context(cpu);
        jump_flush(cpu);
    }
}

void tlb_flush_pcid(struct cpu *cpu, uint16_t pcid)
{
    flush_pcid(cpu, pcid & 0xfff);
}

void tlb_flush_nonglobal(struct cpu *cpu)
{
    struct paging_state *ps = &cpu->paging;
    forget_contexts(ps);
    ps->ctx_flushes++;
    timing_tlb_flush_nonglobal(cpu);
    tlb_set_context(cpu);
    jump_flush(cpu);
}

/* Drop the entries for the page of `lin` whose context is `ctx` (0: none)
 * and, when `globals`, the global ones. Large pages were split into 4 KiB
 * entries: every entry from the large page holding `lin` goes. */
static void invalidate_page(struct cpu *cpu, uint64_t lin, unsigned ctx, bool globals)
{
    uint64_t page = lin >> 12;
    for (unsigned k = 0; k < TLB_ARRAYS; k++) {
        struct tlb_entry *e = &tlb_array(cpu, k)[page & (TLB_ENTRIES - 1)];
        if (e->vtag && entry_page(e) == page &&
            ((ctx && entry_ctx(e) == ctx) || (globals && (e->phys & TLBF_GLOBAL))))
            entry_clear(e);
    }
    if (!cpu->tlb.has_large)
        return;
    for (unsigned k = 0; k < TLB_ARRAYS; k++) {
        struct tlb_entry *set = tlb_array(cpu, k);
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            struct tlb_entry *e = &set[i];
            unsigned s = TLBF_SHIFT_OF(e->phys);
            if (e->vtag && s > 12 && ((entry_page(e) ^ page) >> (s - 12)) == 0 &&
                ((ctx && entry_ctx(e) == ctx) || (globals && (e->phys & TLBF_GLOBAL))))
                entry_clear(e);
        }
    }
}

void tlb_invlpg(struct cpu *cpu, uint64_t lin)
{
    /* The current PCID's entries and global ones (SDM INVLPG). */
    invalidate_page(cpu, lin, cpu->paging.pcid_ctx[current_pcid(cpu)], true);
    timing_tlb_invlpg(cpu, current_pcid(cpu), lin);
    jump_flush(cpu);
}

void tlb_invlpg_pcid(struct cpu *cpu, uint16_t pcid, uint64_t lin)
{
    unsigned ctx = cpu->paging.pcid_ctx[pcid & 0xfff];
    if (ctx)
        invalidate_page(cpu, lin, ctx, false);
    timing_tlb_invlpg(cpu, pcid & 0xfff, lin);
    if ((pcid & 0xfff) == current_pcid(cpu))
        jump_flush(cpu);
}

/* ------------------------------------------- CR3, CR0/CR4, statistics */

void mmu_write_cr3(struct cpu *cpu, uint64_t value)
{
    bool pcide = (cpu->cr4 & PG_CR4_PCIDE) != 0;
    bool noflush = pcide && (value & PG_CR3_NOFLUSH);
    if (pcide)
        value &= ~PG_CR3_NOFLUSH;   /* the hint is not part of CR3 */
    if (paging_mode(cpu) == PAGING_PAE) {
        /* 5.4.1: MOV to CR3 with PAE paging loads the PDPTEs; a reserved
         * bit in a present one is #GP(0) and CR3 keeps its old value. */
        uint64_t p[4];
        if (!load_pdptes(cpu, value, p))
            raise_gp0(cpu);
        memcpy(cpu->paging.pdpte, p, sizeof(p));
        cpu->paging.pdpte_loaded = true;
    }
    cpu->cr3 = value;
    /* 5.10.4.1: without PCIDs every non-global entry goes (all belong to
     * PCID 000H); with them, those of the new PCID unless bit 63 was set. */
    if (!noflush)
        flush_pcid(cpu, current_pcid(cpu));
    cpu_charge(cpu, noflush ? T_CR3_NOFLUSH : T_CR3_FLUSH);
    tlb_set_context(cpu);
    jump_flush(cpu);    /* the decoded-block jump cache is keyed by linear address only */
}

static bool pdpte_reload_bits(uint64_t cr0_a, uint64_t cr0_b, uint64_t cr4_a, uint64_t cr4_b)
{
    return ((cr0_a ^ cr0_b) & (CR0_PG | PG_CR0_CD | PG_CR0_NW)) ||
           ((cr4_a ^ cr4_b) & (CR4_PAE | PG_CR4_PGE | PG_CR4_PSE | PG_CR4_SMEP));
}

void mmu_prepare_paging_change(struct cpu *cpu, uint64_t new_cr0, uint64_t new_cr4)
{
    struct paging_state *ps = &cpu->paging;
    ps->pdpte_staged = false;
    /* PAE paging afterwards: PG and PAE set and not IA-32e (which PG would
     * activate if EFER.LME = 1). */
    bool pae_after = (new_cr0 & CR0_PG) && (new_cr4 & CR4_PAE) && !(cpu->efer & EFER_LME);
    if (!pae_after || !pdpte_reload_bits(cpu->cr0, new_cr0, cpu->cr4, new_cr4))
        return;
    if (!load_pdptes(cpu, cpu->cr3, ps->staged))
        raise_gp0(cpu);
    ps->pdpte_staged = true;
    ps->staged_cr0 = new_cr0;
    ps->staged_cr4 = new_cr4;
}

void mmu_paging_changed(struct cpu *cpu)
{
    struct paging_state *ps = &cpu->paging;
    if (paging_mode(cpu) == PAGING_PAE) {
        if (ps->pdpte_staged && ps->staged_cr0 == cpu->cr0 && ps->staged_cr4 == cpu->cr4) {
            memcpy(ps->pdpte, ps->staged, sizeof(ps->pdpte));
            ps->pdpte_loaded = true;
        } else if (pdpte_reload_bits(ps->seen_cr0, cpu->cr0, ps->seen_cr4, cpu->cr4)) {
            ps->pdpte_loaded = false;   /* caller did not prepare: load unchecked */
        }
    }
    ps->pdpte_staged = false;
    ps->seen_cr0 = cpu->cr0;
    ps->seen_cr4 = cpu->cr4;
    tlb_flush_all(cpu);
}

void mmu_stats(const struct cpu *cpu, struct mmu_stats *out)
{
    out->tlb_hits = cpu->tlb.hits;
    out->tlb_misses = cpu->tlb.misses;
    out->walks = cpu->paging.walks;
    out->full_flushes = cpu->paging.flushes;
    out->pcid_flushes = cpu->paging.ctx_flushes;
    out->avoidable_flushes = cpu->paging.avoidable_flushes;
}

/* --------------------------------------------------- harness convenience */

bool paging_flat_identity(struct cpu *cpu)
{
    const uint64_t base = PAGING_FLAT_TABLES;
    if (!physmem_ptr(cpu->mem, base, 2 * PAGE_SIZE) &&
        physmem_map_ram(cpu->mem, base, 2 * PAGE_SIZE) != 0)
        return false;
    uint8_t *t = physmem_ptr(cpu->mem, base, 2 * PAGE_SIZE);
    if (!t)
        return false;
    memset(t, 0, 2 * PAGE_SIZE);
    /* PML4[0] -> PDPT; PDPT[i] = 1 GiB page i: P, R/W, U/S, A, D, PS. */
    store_le(t, 8, (base + PAGE_SIZE) | 0x27);
    for (uint64_t i = 0; i < 512; i++)
        store_le(t + PAGE_SIZE + 8 * i, 8, (i << 30) | 0xe7);
    cpu->cr3 = base;
    cpu_flush_tlb(cpu);
    return true;
}
