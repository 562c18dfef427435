/*
 * Inside --trace (trace.h is the run loop's side): the writer's state and
 * the two output formats. trace.c owns the file, the filters, the ring
 * buffer and the subscription; trace_jsonl.c and trace_chrome.c turn events
 * into text; trace_names.c names vectors, stack sources and addresses.
 * docs/trace-format.md describes the output.
 */
#ifndef RINGSCOPE_TRACE_WRITER_H
#define RINGSCOPE_TRACE_WRITER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/run.h"
#include "frontend/symbols.h"

#define TRACE_FORMAT_VERSION 1
#define TRACE_ALL_KINDS ((1u << RS_EV_KIND_COUNT) - 1)

enum trace_format { TRACE_JSONL, TRACE_CHROME };

struct trace_chrome;

struct trace_writer {
    struct run_state *st;       /* base_cycles, the totals at the end, the options */
    FILE *f;
    bool owned;                 /* opened by us (not stdout) */
    enum trace_format format;
    struct symtab *syms;        /* NULL: no image, nothing to symbolize */
    uint32_t kinds;             /* bit per rs_event_kind that is written */
    uint64_t from_cycle;
    uint64_t hz;                /* core clock, known once a machine is attached */
    uint64_t base;              /* run-wide cycle at which the current machine started */
    bool attached;              /* a machine has been attached (the prologue is out) */
    bool failed;                /* a write failed: stop formatting, report at the end */
    int errnum;                 /* errno of the first failure */
    /* --trace-ring: the last `cap` kept events, oldest at `head` once full. */
    rs_event *ring;
    uint64_t cap, len, head, dropped, grown;
    bool ring_nomem;
    struct trace_chrome *chrome;        /* TRACE_CHROME */
};

/* ---- trace_names.c ------------------------------------------------------- */

/* "#PF", "#GP", ... for vectors 0-31 that have a mnemonic, else NULL. */
const char *trace_exception_name(int vector);
/* "exception #PF", "irq 0x30", "soft_int 0x80", "syscall": what an event is. */
void trace_event_title(const rs_event *e, char *buf, size_t len);
/* "tss_rsp", "tss_ist", "sysenter", ... (rs_stack_source). */
const char *trace_stack_source_name(rs_stack_source s);
/* An address as a symbol ("entry_SYSCALL_64+0x1c") or "0x..." when there is
 * no symbol or `mode` is real mode (RIP is then an offset into CS, which
 * the ELF cannot describe). */
const char *trace_symbolize(const struct trace_writer *t, uint64_t addr, rs_mode mode,
                            char *buf, size_t len);
/* json_string of "0x..." */
json_t *trace_hex(uint64_t v);
/* json_string, with bytes that are not UTF-8 (a symbol name can hold any)
 * replaced by '?' so that every line stays valid JSON. */
json_t *trace_text(const char *s);
/* The address space an event's CR3 names: the PML4/PDPT address without the
 * PCID (bits 11:0) or the no-flush bit 63. */
uint64_t trace_task_of(uint64_t cr3);
/* A write failed: remember the first errno. */
void trace_fail(struct trace_writer *t);
/* Write `j` compactly followed by `sep`, and free it; false on a write error. */
bool trace_dump(struct trace_writer *t, json_t *j, const char *sep);

/* ---- trace_jsonl.c ------------------------------------------------------- */

/* The fields both formats put in their header (the Chrome format's
 * "otherData"): format name and version, clock, image, filters, ring. */
json_t *trace_header_fields(struct trace_writer *t, const char *ring_reason);
/* The header line. `ring_reason` is NULL, or why the ring buffer is written. */
void trace_jsonl_header(struct trace_writer *t, const char *ring_reason);
void trace_jsonl_event(struct trace_writer *t, const rs_event *e);

/* ---- trace_chrome.c ------------------------------------------------------ */

int trace_chrome_new(struct trace_writer *t);
/* The opening of the JSON object, the process name, the metadata. */
void trace_chrome_prologue(struct trace_writer *t, const char *ring_reason);
/* A machine starts at run-wide cycle `cycle` in this state (power-on or
 * reboot; not called in ring mode): the open span ends, and one opens
 * here unless --trace-from-cycle is later. */
void trace_chrome_machine(struct trace_writer *t, uint64_t cycle, unsigned cpl, rs_mode mode,
                          uint64_t cr3, bool reboot);
/* Every event at or after --trace-from-cycle, in order: it moves the spans;
 * `keep` says whether --trace-events keeps it (an "i" event). */
void trace_chrome_event(struct trace_writer *t, const rs_event *e, bool keep);
/* Close the open span at `end_cycle` and end the JSON object. */
void trace_chrome_epilogue(struct trace_writer *t, uint64_t end_cycle);
void trace_chrome_free(struct trace_writer *t);

#endif
