/*
 * Accounting for --stats (see stats.h).
 */
#include "frontend/stats.h"

#include <jansson.h>
#include <string.h>

/* Charge [last_cycle, now) to the current CPL, mode and address space. */
static void close_interval(struct run_stats *s, uint64_t now)
{
    uint64_t d = now > s->last_cycle ? now - s->last_cycle : 0;
    s->last_cycle = now;
    s->cycles_cpl[s->cpl & 3] += d;
    if ((unsigned)s->mode < RS_MODE_COUNT)
        s->cycles_mode[s->mode] += d;
    for (unsigned i = 0; i < s->nspaces; i++) {
        if (s->space[i].cr3 == s->cr3) {
            s->space[i].cycles += d;
            return;
        }
    }
    if (s->nspaces < STATS_MAX_SPACES)
        s->space[s->nspaces++] = (typeof(s->space[0])){ s->cr3, d };
    else
        s->other_spaces += d;
}

static void on_event(void *ctx, const rs_event *ev)
{
    struct run_stats *s = ctx;
    close_interval(s, ev->cycle);
    s->cpl = ev->cpl_after;
    s->mode = ev->mode_after;
    s->cr3 = ev->cr3_after;
    if ((unsigned)ev->kind < RS_EV_KIND_COUNT) {
        typeof(s->kind[0]) *k = &s->kind[ev->kind];
        if (k->count == 0 || ev->cycles < k->min)
            k->min = ev->cycles;
        if (ev->cycles > k->max)
            k->max = ev->cycles;
        k->count++;
        k->total += ev->cycles;
    }
    s->events++;
}

void stats_attach(struct run_stats *s, rs_machine *m)
{
    uint64_t cycles = 0, cr3 = 0;
    rs_counters(m, NULL, &cycles);
    rs_get_reg(m, RS_CR3, &cr3);
    s->last_cycle = cycles;
    s->cpl = 0;                 /* power-on: real mode, CPL 0 */
    s->mode = RS_MODE_REAL;
    rs_get_mode(m, &s->mode);
    s->cr3 = cr3;
    rs_get_cpu_model(m, &s->cpu_model);
    rs_subscribe(m, on_event, s);
}

void stats_detach(struct run_stats *s, rs_machine *m)
{
    uint64_t cycles = 0;
    rs_tlb_stats t;
    rs_counters(m, NULL, &cycles);
    close_interval(s, cycles);
    s->base_cycle += cycles;
    if (rs_get_tlb_stats(m, &t) == RS_OK) {
        s->tlb.hits += t.hits;
        s->tlb.misses += t.misses;
        s->tlb.walks += t.walks;
        s->tlb.full_flushes += t.full_flushes;
        s->tlb.pcid_flushes += t.pcid_flushes;
        s->tlb.avoidable_flushes += t.avoidable_flushes;
        s->tlb.model_l1_misses += t.model_l1_misses;
        s->tlb.model_stlb_hits += t.model_stlb_hits;
        s->tlb.model_stlb_misses += t.model_stlb_misses;
        s->tlb.model_walk_entries += t.model_walk_entries;
    }
    rs_unsubscribe(m, on_event, s);
}

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void stats_print(const struct run_stats *s, FILE *f, uint64_t insns, uint64_t cycles,
                 uint64_t cpu_hz, double host_seconds)
{
    double emulated = cpu_hz ? (double)cycles / (double)cpu_hz : 0.0;
    fprintf(f, "ringscope stats: %llu instructions, %llu cycles (%.6f s of virtual time at %.3f GHz, "
            "CPU model %s)\n", (unsigned long long)insns, (unsigned long long)cycles, emulated,
            (double)cpu_hz / 1e9, s->cpu_model ? s->cpu_model : "?");
    fprintf(f, "  host: %.3f s, %.1f MIPS, emulated/host time %.3f\n", host_seconds,
            host_seconds > 0 ? (double)insns / host_seconds / 1e6 : 0.0,
            host_seconds > 0 ? emulated / host_seconds : 0.0);
    fprintf(f, "  cycles by CPL:");
    for (unsigned c = 0; c < 4; c++)
        if (s->cycles_cpl[c])
            fprintf(f, "  ring %u %llu (%.1f%%)", c, (unsigned long long)s->cycles_cpl[c],
                    pct(s->cycles_cpl[c], cycles));
    fprintf(f, "\n  cycles by mode:");
    for (unsigned i = 0; i < RS_MODE_COUNT; i++)
        if (s->cycles_mode[i])
            fprintf(f, "  %s %llu (%.1f%%)", rs_mode_name((rs_mode)i), (unsigned long long)s->cycles_mode[i],
                    pct(s->cycles_mode[i], cycles));
    fprintf(f, "\n  transitions (%llu events; cycles charged per transition):\n",
            (unsigned long long)s->events);
    for (unsigned k = 0; k < RS_EV_KIND_COUNT; k++) {
        if (!s->kind[k].count)
            continue;
        fprintf(f, "    %-12s %10llu  total %llu  mean %.1f  min %llu  max %llu\n", rs_event_kind_name((rs_event_kind)k),
                (unsigned long long)s->kind[k].count, (unsigned long long)s->kind[k].total,
                (double)s->kind[k].total / (double)s->kind[k].count,
                (unsigned long long)s->kind[k].min, (unsigned long long)s->kind[k].max);
    }
    fprintf(f, "  TLB: %llu hits, %llu misses, %llu page walks, %llu full flushes, "
               "%llu PCID flushes (%llu avoidable)\n",
            (unsigned long long)s->tlb.hits, (unsigned long long)s->tlb.misses,
            (unsigned long long)s->tlb.walks, (unsigned long long)s->tlb.full_flushes,
            (unsigned long long)s->tlb.pcid_flushes, (unsigned long long)s->tlb.avoidable_flushes);
    if (s->tlb.model_l1_misses)
        fprintf(f, "  modelled TLBs: %llu first-level misses, %llu second-level hits, %llu page walks "
                   "(%llu entries read)\n",
                (unsigned long long)s->tlb.model_l1_misses, (unsigned long long)s->tlb.model_stlb_hits,
                (unsigned long long)s->tlb.model_stlb_misses,
                (unsigned long long)s->tlb.model_walk_entries);
    fprintf(f, "  cycles by address space (CR3):\n");
    for (unsigned i = 0; i < s->nspaces; i++)
        fprintf(f, "    0x%012llx %12llu (%.1f%%)\n", (unsigned long long)s->space[i].cr3,
                (unsigned long long)s->space[i].cycles, pct(s->space[i].cycles, cycles));
    if (s->other_spaces)
        fprintf(f, "    (others)       %12llu\n", (unsigned long long)s->other_spaces);
}

int stats_write_json(const struct run_stats *s, FILE *f, uint64_t insns, uint64_t cycles,
                     uint64_t cpu_hz, double host_seconds)
{
    json_t *root = json_object(), *cpl = json_object(), *mode = json_object();
    json_t *kinds = json_object(), *spaces = json_array();
    json_object_set_new(root, "instructions", json_integer((json_int_t)insns));
    json_object_set_new(root, "cycles", json_integer((json_int_t)cycles));
    json_object_set_new(root, "cpu_hz", json_integer((json_int_t)cpu_hz));
    json_object_set_new(root, "cpu_model", json_string(s->cpu_model ? s->cpu_model : "?"));
    json_object_set_new(root, "host_seconds", json_real(host_seconds));
    json_object_set_new(root, "mips", json_real(host_seconds > 0 ? (double)insns / host_seconds / 1e6 : 0));
    for (unsigned c = 0; c < 4; c++) {
        char key[8];
        snprintf(key, sizeof(key), "%u", c);
        json_object_set_new(cpl, key, json_integer((json_int_t)s->cycles_cpl[c]));
    }
    for (unsigned i = 0; i < RS_MODE_COUNT; i++)
        json_object_set_new(mode, rs_mode_name((rs_mode)i), json_integer((json_int_t)s->cycles_mode[i]));
    for (unsigned k = 0; k < RS_EV_KIND_COUNT; k++) {
        if (!s->kind[k].count)
            continue;
        json_object_set_new(kinds, rs_event_kind_name((rs_event_kind)k),
                            json_pack("{s:I,s:I,s:f,s:I,s:I}", "count", (json_int_t)s->kind[k].count,
                                      "total", (json_int_t)s->kind[k].total,
                                      "mean", (double)s->kind[k].total / (double)s->kind[k].count,
                                      "min", (json_int_t)s->kind[k].min,
                                      "max", (json_int_t)s->kind[k].max));
    }
    for (unsigned i = 0; i < s->nspaces; i++)
        json_array_append_new(spaces, json_pack("{s:I,s:I}", "cr3", (json_int_t)s->space[i].cr3,
                                                "cycles", (json_int_t)s->space[i].cycles));
    json_object_set_new(root, "cycles_by_cpl", cpl);
    json_object_set_new(root, "cycles_by_mode", mode);
    json_object_set_new(root, "transitions", kinds);
    json_object_set_new(root, "address_spaces", spaces);
    json_object_set_new(root, "tlb", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I,s:I}}",
        "misses", (json_int_t)s->tlb.misses, "walks", (json_int_t)s->tlb.walks,
        "hits", (json_int_t)s->tlb.hits, "full_flushes", (json_int_t)s->tlb.full_flushes,
        "pcid_flushes", (json_int_t)s->tlb.pcid_flushes,
        "avoidable_flushes", (json_int_t)s->tlb.avoidable_flushes,
        "model", "l1_misses", (json_int_t)s->tlb.model_l1_misses,
        "stlb_hits", (json_int_t)s->tlb.model_stlb_hits,
        "stlb_misses", (json_int_t)s->tlb.model_stlb_misses,
        "walk_entries", (json_int_t)s->tlb.model_walk_entries));
    int r = json_dumpf(root, f, JSON_INDENT(2) | JSON_SORT_KEYS);
    fputc('\n', f);
    json_decref(root);
    return r;
}
