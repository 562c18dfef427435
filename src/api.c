/*
 * The embeddable API (include/ringscope/ringscope.h) over struct machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/blockcache.h"
#include "cpu/flags.h"
#include "devices/pc.h"
#include "machine.h"
#include "mmu/paging.h"
#include "ringscope/ringscope.h"

struct rs_machine {
    struct machine m;
};

static struct cpu *cpu_of(rs_machine *rm) { return &rm->m.cpu; }

rs_err rs_create(const rs_config *config, rs_machine **out)
{
    if (!out)
        return RS_ERR_ARG;
    struct machine *m = machine_create();
    if (!m)
        return RS_ERR_NOMEM;
    /* struct rs_machine is a struct machine with a public name. */
    rs_machine *rm = (rs_machine *)m;
    if (config)
        m->cpu.stop_on_exception = config->stop_on_exception;
    *out = rm;
    return RS_OK;
}

void rs_destroy(rs_machine *m)
{
    if (m)
        machine_destroy(&m->m);
}

rs_err rs_map_ram(rs_machine *m, uint64_t phys, uint64_t size)
{
    if (!m)
        return RS_ERR_ARG;
    int r = physmem_map_ram(&m->m.mem, phys, size);
    if (r == -2)
        return RS_ERR_NOMEM;
    if (r < 0)
        return (size == 0 || (phys | size) & PAGE_MASK) ? RS_ERR_ARG : RS_ERR_OVERLAP;
    cpu_flush_tlb(cpu_of(m));
    return RS_OK;
}

/* Walk [phys, phys+len) region by region; every byte must be RAM. */
static rs_err copy_phys(rs_machine *m, uint64_t phys, void *data, size_t len, bool write)
{
    if (!m || (!data && len))
        return RS_ERR_ARG;
    uint8_t *p = data;
    while (len) {
        struct ram_region *r = physmem_region(&m->m.mem, phys);
        if (!r)
            return RS_ERR_UNMAPPED;
        uint64_t off = phys - r->base;
        size_t n = (size_t)(r->size - off < len ? r->size - off : len);
        if (write) {
            /* Drop decoded instructions on every page this write touches. */
            for (uint64_t pg = off >> PAGE_SHIFT; pg <= (off + n - 1) >> PAGE_SHIFT; pg++) {
                if (r->code_pages[pg]) {
                    blockcache_invalidate_page(m->m.cpu.blocks, r->base + (pg << PAGE_SHIFT));
                    r->code_pages[pg] = 0;
                }
            }
            memcpy(r->host + off, p, n);
        } else {
            memcpy(p, r->host + off, n);
        }
        p += n;
        phys += n;
        len -= n;
    }
    return RS_OK;
}

rs_err rs_write_phys(rs_machine *m, uint64_t phys, const void *data, size_t len)
{
    return copy_phys(m, phys, (void *)data, len, true);
}

rs_err rs_read_phys(rs_machine *m, uint64_t phys, void *data, size_t len)
{
    return copy_phys(m, phys, data, len, false);
}

rs_err rs_translate(rs_machine *m, uint64_t linear, uint64_t *phys)
{
    if (!m || !phys)
        return RS_ERR_ARG;
    return paging_peek(cpu_of(m), linear, phys) ? RS_OK : RS_ERR_UNMAPPED;
}

rs_err rs_read_virt(rs_machine *m, uint64_t linear, void *data, size_t len)
{
    if (!m || (!data && len))
        return RS_ERR_ARG;
    uint8_t *out = data;
    while (len) {
        uint64_t pa;
        size_t chunk = 0x1000 - (linear & 0xfff);
        if (chunk > len)
            chunk = len;
        if (!paging_peek(cpu_of(m), linear, &pa))
            return RS_ERR_UNMAPPED;
        rs_err e = rs_read_phys(m, pa, out, chunk);
        if (e)
            return e;
        out += chunk;
        linear += chunk;
        len -= chunk;
    }
    return RS_OK;
}

rs_err rs_get_reg(rs_machine *m, rs_reg reg, uint64_t *value)
{
    if (!m || !value || (unsigned)reg >= RS_REG_COUNT)
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    if (reg <= RS_R15)
        *value = cpu->gpr[reg];
    else switch (reg) {
    case RS_RIP: *value = cpu->rip; break;
    case RS_RFLAGS: *value = flags_read(cpu); break;
    case RS_CR0: *value = cpu->cr0; break;
    case RS_CR2: *value = cpu->cr2; break;
    case RS_CR3: *value = cpu->cr3; break;
    case RS_CR4: *value = cpu->cr4; break;
    case RS_CR8: *value = cpu->cr8; break;
    default: *value = cpu->efer; break;
    }
    return RS_OK;
}

rs_err rs_set_reg(rs_machine *m, rs_reg reg, uint64_t value)
{
    if (!m || (unsigned)reg >= RS_REG_COUNT)
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    if (reg <= RS_R15) {
        cpu->gpr[reg] = value;
        return RS_OK;
    }
    switch (reg) {
    case RS_RIP: cpu->rip = value; cpu->halted = false; return RS_OK;
    case RS_RFLAGS: flags_write(cpu, value); return RS_OK;
    case RS_CR0: cpu->cr0 = value; break;
    case RS_CR2: cpu->cr2 = value; return RS_OK;
    case RS_CR3: cpu->cr3 = value; break;
    case RS_CR4: cpu->cr4 = value; break;
    case RS_CR8: cpu->cr8 = value; return RS_OK;
    default: cpu->efer = value; break;
    }
    cpu_update_mode(cpu);
    cpu_flush_tlb(cpu);
    blockcache_flush(cpu->blocks);
    return RS_OK;
}

static struct segment *segment_of(struct cpu *cpu, rs_sreg s)
{
    return s == RS_LDTR ? &cpu->ldtr : s == RS_TR ? &cpu->tr : &cpu->seg[s];
}

rs_err rs_get_segment(rs_machine *m, rs_sreg sreg, rs_segment *out)
{
    if (!m || !out || (unsigned)sreg >= RS_SREG_COUNT)
        return RS_ERR_ARG;
    const struct segment *s = segment_of(cpu_of(m), sreg);
    out->selector = s->selector;
    out->attr = s->attr;
    out->limit = s->limit;
    out->base = s->base;
    return RS_OK;
}

rs_err rs_set_segment(rs_machine *m, rs_sreg sreg, const rs_segment *seg)
{
    if (!m || !seg || (unsigned)sreg >= RS_SREG_COUNT)
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    cpu_load_segment_cache(cpu, (int)sreg, seg->selector, seg->base, seg->limit, seg->attr);
    if (sreg == RS_CS || sreg == RS_SS) {
        /* CPL is the DPL of the SS/CS cache outside real mode (SDM Vol. 3A, 5.5). */
        cpu->cpl = (cpu->cr0 & CR0_PE) ? (uint8_t)((seg->attr >> SA_DPL_SHIFT) & 3) : 0;
        cpu_update_mode(cpu);
    }
    return RS_OK;
}

rs_err rs_descriptor_table(rs_machine *m, int which, bool set, rs_table_reg *reg)
{
    if (!m || !reg || (which != 0 && which != 1))
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    uint64_t *base = which ? &cpu->idtr_base : &cpu->gdtr_base;
    uint16_t *limit = which ? &cpu->idtr_limit : &cpu->gdtr_limit;
    if (set) {
        *base = reg->base;
        *limit = reg->limit;
    } else {
        reg->base = *base;
        reg->limit = *limit;
    }
    return RS_OK;
}

rs_err rs_get_msr(rs_machine *m, uint32_t index, uint64_t *value)
{
    if (!m || !value)
        return RS_ERR_ARG;
    return msr_read(cpu_of(m), index, value) ? RS_OK : RS_ERR_ARG;
}

rs_err rs_set_msr(rs_machine *m, uint32_t index, uint64_t value)
{
    if (!m)
        return RS_ERR_ARG;
    return msr_write(cpu_of(m), index, value) ? RS_OK : RS_ERR_ARG;
}

rs_err rs_run(rs_machine *m, uint64_t max_insns, rs_stop *why, uint64_t *retired)
{
    if (!m)
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    uint64_t before = cpu->icount;
    rs_stop s = machine_run(&m->m, max_insns);
    if (why)
        *why = s;
    if (retired)
        *retired += cpu->icount - before;
    return RS_OK;
}

rs_err rs_step(rs_machine *m, rs_stop *why)
{
    return rs_run(m, 1, why, NULL);
}

rs_err rs_last_exception(rs_machine *m, rs_exception *out)
{
    if (!m || !out)
        return RS_ERR_ARG;
    const struct cpu *cpu = cpu_of(m);
    if (cpu->exc.vector < 0)
        return RS_ERR_STATE;
    out->vector = (uint8_t)cpu->exc.vector;
    out->has_error_code = cpu->exc.has_error_code;
    out->error_code = cpu->exc.error_code;
    return RS_OK;
}

rs_err rs_counters(rs_machine *m, uint64_t *insns, uint64_t *cycles)
{
    if (!m)
        return RS_ERR_ARG;
    if (insns)
        *insns = cpu_of(m)->icount;
    if (cycles)
        *cycles = cpu_of(m)->cycles;
    return RS_OK;
}

rs_err rs_decode_stats(rs_machine *m, uint64_t *decoded, uint64_t *invalidated)
{
    if (!m || !decoded || !invalidated)
        return RS_ERR_ARG;
    blockcache_stats(cpu_of(m)->blocks, decoded, invalidated);
    return RS_OK;
}

const char *rs_strerror(rs_err err)
{
    switch (err) {
    case RS_OK: return "success";
    case RS_ERR_ARG: return "invalid argument";
    case RS_ERR_NOMEM: return "out of host memory";
    case RS_ERR_OVERLAP: return "memory region overlaps mapped RAM";
    case RS_ERR_UNMAPPED: return "address is not backed by RAM";
    case RS_ERR_STATE: return "inconsistent CPU state";
    }
    return "unknown error";
}

/* Flat segment attributes (docs/test-vectors.md, "Mode defaults"). */
static uint16_t flat_attr(bool code, unsigned dpl, bool db, bool l, bool g)
{
    return (uint16_t)(SA_P | SA_S | (dpl << SA_DPL_SHIFT) | (code ? 0xb : 0x3) |
                      (db ? SA_DB : 0) | (l ? SA_L : 0) | (g ? SA_G : 0));
}

rs_err rs_set_mode(rs_machine *m, rs_mode mode, unsigned cpl)
{
    if (!m || (unsigned)mode >= RS_MODE_COUNT || cpl > 3 || (mode == RS_MODE_REAL && cpl))
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    bool real = mode == RS_MODE_REAL;
    bool lma = mode == RS_MODE_COMPAT16 || mode == RS_MODE_COMPAT32 || mode == RS_MODE_LONG64;
    bool code32 = mode == RS_MODE_PROT32 || mode == RS_MODE_COMPAT32;
    cpu->cr0 = real ? CR0_ET : lma ? (CR0_PG | CR0_PE | CR0_ET) : (CR0_PE | CR0_ET);
    cpu->cr4 = lma ? CR4_PAE : 0;
    cpu->efer = lma ? (EFER_LME | EFER_LMA) : 0;
    cpu->cpl = (uint8_t)cpl;
    uint16_t cs_sel = real ? 0 : (uint16_t)(0x08 | cpl), ds_sel = real ? 0 : (uint16_t)(0x10 | cpl);
    uint32_t limit = real ? 0xffff : 0xffffffffu;
    for (int s = 0; s < 6; s++) {
        if (s == S_CS)
            cpu_load_segment_cache(cpu, s, cs_sel, 0, limit,
                                   flat_attr(true, cpl, code32, mode == RS_MODE_LONG64, !real));
        else
            cpu_load_segment_cache(cpu, s, ds_sel, 0, limit, flat_attr(false, cpl, !real, false, !real));
    }
    cpu_update_mode(cpu);
    cpu_flush_tlb(cpu);
    blockcache_flush(cpu->blocks);
    /* IA-32e mode runs with paging on: identity-map all physical memory
     * (1 GiB pages, user, writable; docs/paging.md) so linear = physical. */
    if (lma && !paging_flat_identity(cpu))
        return RS_ERR_NOMEM;
    return RS_OK;
}

rs_err rs_get_mode(rs_machine *m, rs_mode *out)
{
    if (!m || !out)
        return RS_ERR_ARG;
    static const rs_mode map[] = { RS_MODE_REAL, RS_MODE_PROT16, RS_MODE_PROT32,
                                   RS_MODE_COMPAT16, RS_MODE_COMPAT32, RS_MODE_LONG64 };
    *out = map[cpu_of(m)->mode];
    return RS_OK;
}

rs_err rs_subscribe(rs_machine *m, rs_event_fn fn, void *ctx)
{
    if (!m || !fn)
        return RS_ERR_ARG;
    struct event_sink *es = &cpu_of(m)->events;
    if (es->count == EVENT_MAX_SUBSCRIBERS)
        return RS_ERR_STATE;
    es->fn[es->count] = fn;
    es->ctx[es->count] = ctx;
    es->count++;
    return RS_OK;
}

rs_err rs_unsubscribe(rs_machine *m, rs_event_fn fn, void *ctx)
{
    if (!m || !fn)
        return RS_ERR_ARG;
    struct event_sink *es = &cpu_of(m)->events;
    for (unsigned i = 0; i < es->count; i++) {
        if (es->fn[i] == fn && es->ctx[i] == ctx) {
            for (unsigned k = i + 1; k < es->count; k++) {
                es->fn[k - 1] = es->fn[k];
                es->ctx[k - 1] = es->ctx[k];
            }
            es->count--;
            return RS_OK;
        }
    }
    return RS_ERR_ARG;
}

rs_err rs_interrupt(rs_machine *m, uint8_t vector)
{
    if (!m)
        return RS_ERR_ARG;
    struct cpu *cpu = cpu_of(m);
    cpu->intr.ext_pending = true;
    cpu->intr.ext_vector = vector;
    cpu->stop_block = true;     /* let the run loop look at it at the next boundary */
    return RS_OK;
}

rs_err rs_nmi(rs_machine *m)
{
    if (!m)
        return RS_ERR_ARG;
    cpu_of(m)->intr.nmi_pending = true;
    cpu_of(m)->stop_block = true;
    return RS_OK;
}

rs_err rs_set_port_handlers(rs_machine *m, rs_port_in_fn in, rs_port_out_fn out, void *ctx)
{
    if (!m)
        return RS_ERR_ARG;
    struct port_bus *pb = &cpu_of(m)->ports;
    pb->in = in;
    pb->out = out;
    pb->ctx = ctx;
    return RS_OK;
}

rs_err rs_request_stop(rs_machine *m)
{
    if (!m)
        return RS_ERR_ARG;
    cpu_of(m)->stop_request = true;
    cpu_of(m)->stop_block = true;
    return RS_OK;
}

rs_err rs_get_shutdown_report(rs_machine *m, rs_shutdown_report *out)
{
    if (!m || !out)
        return RS_ERR_ARG;
    *out = cpu_of(m)->intr.shutdown;
    return RS_OK;
}

rs_err rs_set_log(rs_machine *m, rs_log_fn fn, void *ctx)
{
    if (!m)
        return RS_ERR_ARG;
    m->m.log = fn;
    m->m.log_ctx = ctx;
    return RS_OK;
}

rs_err rs_create_pc(const rs_pc_config *cfg, rs_machine **out, char *err, size_t errlen)
{
    char scratch[8];
    if (!err) {
        err = scratch;
        errlen = sizeof(scratch);
    }
    err[0] = 0;
    if (!out)
        return RS_ERR_ARG;
    *out = NULL;
    rs_pc_config defaults = { 0 };
    struct machine *m = machine_create();
    if (!m) {
        snprintf(err, errlen, "out of host memory");
        return RS_ERR_NOMEM;
    }
    if (pc_create(m, cfg ? cfg : &defaults, err, errlen)) {
        machine_destroy(m);
        return RS_ERR_STATE;
    }
    *out = (rs_machine *)m;
    return RS_OK;
}

rs_err rs_serial_input(rs_machine *m, unsigned port, const uint8_t *data, size_t len)
{
    if (!m || port > 1 || (!data && len) || !m->m.pc || !m->m.pc->com[port])
        return RS_ERR_ARG;
    uart_receive(m->m.pc->com[port], data, len);
    return RS_OK;
}

rs_err rs_get_exit_status(rs_machine *m, int *status)
{
    if (!m || !status)
        return RS_ERR_ARG;
    *status = m->m.exit_status;
    return RS_OK;
}

rs_err rs_vga_text(rs_machine *m, char *buf, size_t len)
{
    if (!m || !buf || len < 25 * 81 + 1 || !m->m.pc || !m->m.pc->vga)
        return RS_ERR_ARG;
    vga_text_dump(m->m.pc->vga, buf, len);
    return RS_OK;
}

rs_err rs_set_cycle_limit(rs_machine *m, uint64_t cycle)
{
    if (!m)
        return RS_ERR_ARG;
    m->m.cycle_limit = cycle;
    return RS_OK;
}

rs_err rs_get_tlb_stats(rs_machine *m, rs_tlb_stats *out)
{
    if (!m || !out)
        return RS_ERR_ARG;
    struct mmu_stats ms;
    mmu_stats(cpu_of(m), &ms);
    const struct timing_state *t = &cpu_of(m)->timing;
    *out = (rs_tlb_stats){ ms.tlb_hits, ms.tlb_misses, ms.walks, ms.full_flushes,
                           ms.pcid_flushes, ms.avoidable_flushes, t->l1_misses, t->stlb_hits,
                           t->stlb_misses, t->walk_entries };
    return RS_OK;
}

const char *rs_mode_name(rs_mode mode)
{
    static const char *const names[RS_MODE_COUNT] = {
        "real", "prot16", "prot32", "compat16", "compat32", "long64",
    };
    return (unsigned)mode < RS_MODE_COUNT ? names[mode] : "?";
}

const char *rs_event_kind_name(rs_event_kind kind)
{
    static const char *const names[RS_EV_KIND_COUNT] = {
        "syscall", "sysret", "sysenter", "sysexit", "soft_int", "exception", "irq", "nmi",
        "iret", "far_call", "far_jmp", "far_ret", "cr3_write", "mode_switch", "triple_fault",
    };
    return (unsigned)kind < RS_EV_KIND_COUNT ? names[kind] : "?";
}

rs_err rs_get_clock(rs_machine *m, uint64_t *cpu_hz, uint64_t *tsc_hz)
{
    if (!m)
        return RS_ERR_ARG;
    if (cpu_hz)
        *cpu_hz = cpu_of(m)->cpu_hz;
    if (tsc_hz)
        *tsc_hz = cpu_of(m)->tsc_hz;
    return RS_OK;
}

rs_err rs_cpu_model_info(unsigned index, const char **name, const char **description)
{
    const struct timing_profile *p = timing_profile_at(index);
    if (!p)
        return RS_ERR_ARG;
    if (name)
        *name = p->name;
    if (description)
        *description = p->description;
    return RS_OK;
}

rs_err rs_set_breakpoint(rs_machine *m, uint64_t linear)
{
    if (!m)
        return RS_ERR_ARG;
    struct host_breakpoints *hb = &cpu_of(m)->host_bp;
    for (unsigned i = 0; i < hb->count; i++)
        if (hb->addr[i] == linear)
            return RS_OK;
    if (hb->count == RS_MAX_BREAKPOINTS)
        return RS_ERR_ARG;
    hb->addr[hb->count++] = linear;
    return RS_OK;
}

rs_err rs_clear_breakpoint(rs_machine *m, uint64_t linear)
{
    if (!m)
        return RS_ERR_ARG;
    struct host_breakpoints *hb = &cpu_of(m)->host_bp;
    for (unsigned i = 0; i < hb->count; i++)
        if (hb->addr[i] == linear) {
            hb->addr[i] = hb->addr[--hb->count];
            return RS_OK;
        }
    return RS_ERR_ARG;
}

rs_err rs_get_cpu_model(rs_machine *m, const char **name)
{
    if (!m || !name)
        return RS_ERR_ARG;
    *name = cpu_of(m)->timing.profile->name;
    return RS_OK;
}

rs_err rs_set_cpu_model(rs_machine *m, const char *name)
{
    const struct timing_profile *p = timing_profile_find(name);
    if (!m || !p)
        return RS_ERR_ARG;
    timing_set_profile(cpu_of(m), p);
    return RS_OK;
}
