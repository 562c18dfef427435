/*
 * ringscope — embeddable API.
 *
 * The CLI, the instruction-vector runner and the tests all drive the emulator
 * through this header only. A machine is an opaque handle; every call returns
 * an rs_err code (RS_OK on success) and writes results through out-parameters,
 * so an embedder never has to guess whether a call worked.
 */
#ifndef RINGSCOPE_RINGSCOPE_H
#define RINGSCOPE_RINGSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result of every API call. */
typedef enum rs_err {
    RS_OK = 0,
    RS_ERR_ARG,         /* an argument is out of range or NULL */
    RS_ERR_NOMEM,       /* the host is out of memory */
    RS_ERR_OVERLAP,     /* a memory region overlaps one already mapped */
    RS_ERR_UNMAPPED,    /* a physical address is not backed by RAM */
    RS_ERR_STATE,       /* the requested CPU state is inconsistent */
} rs_err;

/* Why rs_run()/rs_step() returned. */
typedef enum rs_stop {
    RS_STOP_BUDGET = 0, /* the instruction or cycle budget ran out */
    RS_STOP_EXCEPTION,  /* an exception was raised and the machine is configured
                           to stop on exceptions (see rs_config) */
    RS_STOP_HALT,       /* HLT with nothing to wake the CPU */
    RS_STOP_SHUTDOWN,   /* triple fault (see rs_shutdown_report) */
    RS_STOP_REQUESTED,  /* rs_request_stop() was called, e.g. by an I/O handler */
    RS_STOP_POWEROFF,   /* the guest powered off (isa-debug-exit, ACPI): rs_get_exit_status */
    RS_STOP_RESET,      /* the guest asked for a reset and the machine was told not to reboot */
    RS_STOP_BREAKPOINT, /* the next instruction is at a host breakpoint (rs_set_breakpoint) */
} rs_stop;

/* General-purpose registers, RIP and RFLAGS, in encoding order. */
typedef enum rs_reg {
    RS_RAX, RS_RCX, RS_RDX, RS_RBX, RS_RSP, RS_RBP, RS_RSI, RS_RDI,
    RS_R8, RS_R9, RS_R10, RS_R11, RS_R12, RS_R13, RS_R14, RS_R15,
    RS_RIP, RS_RFLAGS,
    RS_CR0, RS_CR2, RS_CR3, RS_CR4, RS_CR8, RS_EFER,
    RS_REG_COUNT
} rs_reg;

/* Segment registers, in encoding order, then the system segments. */
typedef enum rs_sreg {
    RS_ES, RS_CS, RS_SS, RS_DS, RS_FS, RS_GS, RS_LDTR, RS_TR,
    RS_SREG_COUNT
} rs_sreg;

/* A segment register with its hidden descriptor cache. `attr` holds
 * descriptor byte 5 in bits 0-7 (type, S, DPL, P) and the flags nibble of
 * byte 6 in bits 12-15 (AVL, L, D/B, G), as docs/test-vectors.md describes. */
typedef struct rs_segment {
    uint16_t selector;
    uint16_t attr;
    uint32_t limit;     /* byte-granular: G has already been applied */
    uint64_t base;
} rs_segment;

/* A descriptor-table register (GDTR, IDTR). */
typedef struct rs_table_reg {
    uint64_t base;
    uint16_t limit;
} rs_table_reg;

/* The exception that stopped the machine, when rs_run() says RS_STOP_EXCEPTION. */
typedef struct rs_exception {
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
} rs_exception;

/* Machine configuration. Zero-initialise, then set what you need. */
typedef struct rs_config {
    /* Stop and report instead of delivering exceptions through the IDT/IVT.
     * The instruction-vector runner sets this; a booting guest does not. */
    bool stop_on_exception;
} rs_config;

typedef struct rs_machine rs_machine;

/* Create a machine from `config` (NULL means all defaults) in the x86 power-on
 * state, with no memory mapped. On success *out receives the handle, which the
 * caller owns and releases with rs_destroy(). */
rs_err rs_create(const rs_config *config, rs_machine **out);

/* Release a machine and all memory it mapped. NULL is accepted and ignored. */
void rs_destroy(rs_machine *m);

/* Back the guest-physical range [phys, phys+size) with zero-filled host RAM.
 * Both must be multiples of 4096 and the range must not overlap RAM already
 * mapped; host memory is reserved lazily, so large sparse maps are cheap. */
rs_err rs_map_ram(rs_machine *m, uint64_t phys, uint64_t size);

/* Copy `len` bytes from `data` into guest-physical memory at `phys`. Every byte
 * must fall in mapped RAM; writes invalidate any decoded instructions there. */
rs_err rs_write_phys(rs_machine *m, uint64_t phys, const void *data, size_t len);

/* Copy `len` bytes of guest-physical memory at `phys` into `data`. Every byte
 * must fall in mapped RAM. */
rs_err rs_read_phys(rs_machine *m, uint64_t phys, void *data, size_t len);

/* Debugger access through the current paging structures (CR3, CR0.PG,
 * CR4.PAE, EFER.LMA), without side effects: no accessed/dirty bits, no
 * TLB fill, no fault, no access-rights check. `linear` is a linear address
 * (segment base already added). RS_ERR_UNMAPPED if a page is not mapped or
 * not RAM. */
rs_err rs_translate(rs_machine *m, uint64_t linear, uint64_t *phys);
rs_err rs_read_virt(rs_machine *m, uint64_t linear, void *data, size_t len);

/* Read register `reg` into *value. */
rs_err rs_get_reg(rs_machine *m, rs_reg reg, uint64_t *value);

/* Set register `reg`. Setting RIP also wakes a CPU stopped by HLT, since
 * the embedder is redirecting execution. Control registers and EFER are written as raw state
 * (no architectural checks, no TLB side effects beyond a flush), which is what
 * a test harness or loader wants; the CPU mode is re-derived afterwards. */
rs_err rs_set_reg(rs_machine *m, rs_reg reg, uint64_t value);

/* Read segment register `sreg` with its hidden descriptor cache. */
rs_err rs_get_segment(rs_machine *m, rs_sreg sreg, rs_segment *out);

/* Load segment register `sreg` and its hidden cache exactly as given, without
 * descriptor-table checks. Loading CS or SS sets the CPL from the descriptor
 * DPL (RPL of CS in real mode is 0) and re-derives the CPU mode. */
rs_err rs_set_segment(rs_machine *m, rs_sreg sreg, const rs_segment *seg);

/* Read (`set` false) or write (`set` true) GDTR or IDTR; `which` is 0 for the
 * GDT and 1 for the IDT. */
rs_err rs_descriptor_table(rs_machine *m, int which, bool set, rs_table_reg *reg);

/* Read MSR `index` into *value; RS_ERR_ARG if the CPU model has no such MSR. */
rs_err rs_get_msr(rs_machine *m, uint32_t index, uint64_t *value);

/* Write MSR `index` without the checks WRMSR performs; RS_ERR_ARG if the CPU
 * model has no such MSR. */
rs_err rs_set_msr(rs_machine *m, uint32_t index, uint64_t value);

/* Execute until `max_insns` instructions have retired (0 means no limit) or the
 * machine stops for another reason, stored in *why (may be NULL). The number
 * of instructions retired by this call is added to *retired (may be NULL). */
rs_err rs_run(rs_machine *m, uint64_t max_insns, rs_stop *why, uint64_t *retired);

/* Execute exactly one instruction (or stop early); the same as rs_run(m, 1, ...). */
rs_err rs_step(rs_machine *m, rs_stop *why);

/* After RS_STOP_EXCEPTION: the exception raised. RIP then points at the
 * faulting instruction (for faults) or after it (for traps). */
rs_err rs_last_exception(rs_machine *m, rs_exception *out);

/* Total instructions retired and cycles elapsed since creation. */
rs_err rs_counters(rs_machine *m, uint64_t *insns, uint64_t *cycles);

/* Counters of the software TLB and the page walker (docs/paging.md): hits
 * (every translation found in the TLB), misses, page walks, and flushes. */
typedef struct rs_tlb_stats {
    uint64_t hits, misses, walks, full_flushes, pcid_flushes, avoidable_flushes;
    /* The timing model's TLBs (docs/timing-model.md): software-TLB misses
     * that also missed the modelled first level, of those the hits and
     * misses in the second level, and paging-structure entries read by the
     * walks it charged. All 0 under a profile without a TLB model. */
    uint64_t model_l1_misses, model_stlb_hits, model_stlb_misses, model_walk_entries;
} rs_tlb_stats;
rs_err rs_get_tlb_stats(rs_machine *m, rs_tlb_stats *out);

/* Statistics of the decoded-instruction cache, for tests and benchmarks:
 * blocks decoded, and blocks invalidated because their bytes were written. */
rs_err rs_decode_stats(rs_machine *m, uint64_t *decoded, uint64_t *invalidated);

/* A short English description of `err`. Never NULL. */
const char *rs_strerror(rs_err err);

/* Operating-mode names used by the vector format: "real", "prot16", "prot32",
 * "compat16", "compat32", "long64". */
typedef enum rs_mode {
    RS_MODE_REAL, RS_MODE_PROT16, RS_MODE_PROT32,
    RS_MODE_COMPAT16, RS_MODE_COMPAT32, RS_MODE_LONG64,
    RS_MODE_COUNT
} rs_mode;

/* Put the machine into `mode` at privilege `cpl` with flat segments and the
 * control-register defaults that docs/test-vectors.md lists for that mode.
 * For the IA-32e modes (compat16, compat32, long64), which run with paging
 * on, it also maps 8 KiB of RAM at physical 0x7fffffe000 (once) holding
 * 4-level tables that identity-map all physical memory with 1 GiB pages
 * (user, writable) and points CR3 at them, so linear = physical; RAM mapped
 * over that range later fails with RS_ERR_OVERLAP. A convenience for
 * harnesses and benchmarks; a guest gets there by itself. */
rs_err rs_set_mode(rs_machine *m, rs_mode mode, unsigned cpl);

/* The current operating mode. */
rs_err rs_get_mode(rs_machine *m, rs_mode *out);

/* The name of `mode` as the vector format spells it ("real", "prot16",
 * "prot32", "compat16", "compat32", "long64"), or "?". Never NULL. */
const char *rs_mode_name(rs_mode mode);

/* ---- Transition events -------------------------------------------------- */

/* Kinds of privilege and mode transitions the CPU reports. */
typedef enum rs_event_kind {
    RS_EV_SYSCALL, RS_EV_SYSRET, RS_EV_SYSENTER, RS_EV_SYSEXIT,
    RS_EV_SOFT_INT,     /* INT n, INT3, INTO, INT1 */
    RS_EV_EXCEPTION,    /* a fault, trap or abort delivered through the IDT/IVT */
    RS_EV_IRQ,          /* an external (hardware) interrupt */
    RS_EV_NMI,
    RS_EV_IRET,
    RS_EV_FAR_CALL, RS_EV_FAR_JMP, RS_EV_FAR_RET,   /* through a gate or changing CPL */
    RS_EV_CR3_WRITE,
    RS_EV_MODE_SWITCH,  /* real/protected/IA-32e changes by CR0, EFER or a CS load */
    RS_EV_TRIPLE_FAULT,
    RS_EV_KIND_COUNT
} rs_event_kind;

/* Where the stack pointer after a transition came from. */
typedef enum rs_stack_source {
    RS_STACK_UNCHANGED,     /* same stack (no privilege change) */
    RS_STACK_TSS_RSP,       /* TSS.RSPn (64-bit) or TSS SSn:ESPn (legacy); n in stack_index */
    RS_STACK_TSS_IST,       /* TSS.ISTn (64-bit); n in stack_index */
    RS_STACK_SYSENTER,      /* IA32_SYSENTER_ESP */
    RS_STACK_SYSEXIT,       /* RCX/ECX at SYSEXIT */
    RS_STACK_FRAME,         /* popped from the old stack (IRET, RETF to an outer level) */
    RS_STACK_KEPT,          /* the CPU did not switch: SYSCALL/SYSRET leave RSP to software */
} rs_stack_source;

/* One transition. `*_before` is the state when the transition began (for an
 * instruction: at that instruction), `*_after` the state when the first
 * instruction of the new context is about to run. */
typedef struct rs_event {
    uint64_t cycle;             /* virtual time at the start */
    rs_event_kind kind;
    int16_t vector;             /* interrupt/exception vector, or -1 */
    bool has_error_code;
    uint32_t error_code;
    uint8_t cpl_before, cpl_after;
    rs_mode mode_before, mode_after;
    uint16_t cs_before, cs_after, ss_before, ss_after;
    uint64_t rip_before, rip_after, rsp_before, rsp_after;
    uint64_t cr3_before, cr3_after;
    uint64_t rflags_before, rflags_after;
    rs_stack_source stack_source;
    uint8_t stack_index;        /* n of RSPn/ISTn */
    uint64_t cycles;            /* cycles the timing model charged for the transition itself */
} rs_event;

/* The lower-case name of an event kind ("syscall", "soft_int", "cr3_write",
 * ...), or "?". Never NULL. */
const char *rs_event_kind_name(rs_event_kind kind);

/* Called for every event, synchronously, on the emulation thread. */
typedef void (*rs_event_fn)(void *ctx, const rs_event *ev);

/* Subscribe `fn` to the event stream (at most 8 subscribers). With none, the
 * stream costs nothing measurable. */
rs_err rs_subscribe(rs_machine *m, rs_event_fn fn, void *ctx);

/* Remove a subscription made with the same `fn` and `ctx`. */
rs_err rs_unsubscribe(rs_machine *m, rs_event_fn fn, void *ctx);

/* ---- Interrupt inputs, port I/O, control ---------------------------------- */

/* Make an external interrupt with `vector` pending; it is delivered at the
 * next instruction boundary where RFLAGS.IF = 1 and no interrupt shadow is in
 * effect (until then it stays pending; a second call replaces the vector).
 * For a bare machine (rs_create): on a PC (rs_create_pc) the interrupt
 * controllers own the INTR line and supply the vector, so drive devices
 * instead. */
rs_err rs_interrupt(rs_machine *m, uint8_t vector);

/* Make a non-maskable interrupt pending. */
rs_err rs_nmi(rs_machine *m);

/* Port I/O handlers: `in` returns the value of an IN of `size` bytes (1, 2, 4)
 * from `port`; `out` receives an OUT. NULL handlers mean an empty bus (reads
 * return all-ones, writes are ignored). */
typedef uint32_t (*rs_port_in_fn)(void *ctx, uint16_t port, unsigned size);
typedef void (*rs_port_out_fn)(void *ctx, uint16_t port, unsigned size, uint32_t value);
rs_err rs_set_port_handlers(rs_machine *m, rs_port_in_fn in, rs_port_out_fn out, void *ctx);

/* Host (debugger) breakpoints on linear instruction addresses, invisible to
 * the guest (unlike DR0-DR3): rs_run() returns RS_STOP_BREAKPOINT before
 * executing an instruction whose first byte is at one; the next rs_run()
 * executes it. At most RS_MAX_BREAKPOINTS; setting one twice is RS_OK. */
#define RS_MAX_BREAKPOINTS 16
rs_err rs_set_breakpoint(rs_machine *m, uint64_t linear);
rs_err rs_clear_breakpoint(rs_machine *m, uint64_t linear);    /* RS_ERR_ARG if not set */

/* Ask rs_run() to return RS_STOP_REQUESTED after the current instruction.
 * Safe to call from an event subscriber or a port handler. */
rs_err rs_request_stop(rs_machine *m);

/* After RS_STOP_SHUTDOWN: the exceptions that led to the triple fault, in
 * order (the first, the one that made it a double fault, and the one during
 * double-fault delivery); `count` says how many are known. */
typedef struct rs_shutdown_report {
    unsigned count;
    rs_exception exc[3];
} rs_shutdown_report;
rs_err rs_get_shutdown_report(rs_machine *m, rs_shutdown_report *out);

/* ---- The PC platform ----------------------------------------------------- */

/* Machine-level reports (an unknown I/O port, a device problem), one line
 * each without a trailing newline. */
typedef void (*rs_log_fn)(void *ctx, const char *line);
rs_err rs_set_log(rs_machine *m, rs_log_fn fn, void *ctx);

/* Bytes a serial port or the debug console transmits. */
typedef void (*rs_output_fn)(void *ctx, const uint8_t *data, size_t len);

/* A standard PC around the CPU (docs/platform.md). Zero-initialise, then set
 * what you need; zero fields take the documented defaults. */
typedef struct rs_pc_config {
    uint64_t ram_bytes;             /* default 256 MiB */
    uint64_t cpu_hz;                /* virtual core clock; default 2,000,000,000 */
    uint64_t tsc_hz;                /* TSC rate; default cpu_hz (invariant TSC) */
    rs_output_fn serial_out[2];     /* COM1, COM2 transmit; NULL: discarded */
    void *serial_ctx[2];
    rs_output_fn debugcon_out;      /* port E9h debug console; NULL: discarded */
    void *debugcon_ctx;
    const char *disk[2];            /* ATA primary master/slave image files, or NULL */
    bool disk_writeback;            /* write disk changes back to the files */
    bool rtc_host;                  /* the RTC reads host time (not deterministic) */
    uint64_t rtc_epoch;             /* RTC start, Unix seconds, when not rtc_host; default 2026-01-01 */
    bool no_reboot;                 /* a guest reset stops the machine (RS_STOP_RESET) */
} rs_pc_config;

/* Create a PC: RAM, the devices of docs/platform.md on the bus, ACPI tables.
 * On failure *out is NULL and `err` (if not NULL) receives one line for a
 * person (e.g. an unreadable disk image). */
rs_err rs_create_pc(const rs_pc_config *cfg, rs_machine **out, char *err, size_t errlen);

/* The virtual core clock and TSC rate, in Hz (either pointer may be NULL). */
rs_err rs_get_clock(rs_machine *m, uint64_t *cpu_hz, uint64_t *tsc_hz);

/* ---- The timing model (docs/timing-model.md) ------------------------------ */

/* Select the CPU timing profile by name ("skylake-sp", "one-cycle", ...):
 * what each instruction class, memory access and transition costs in
 * cycles. RS_ERR_ARG for an unknown name. Cycles already charged stay. */
rs_err rs_set_cpu_model(rs_machine *m, const char *name);

/* The name of the machine's current timing profile. */
rs_err rs_get_cpu_model(rs_machine *m, const char **name);

/* The index-th timing profile's name and one-line description; RS_ERR_ARG
 * past the last. Index 0 is the default profile. */
rs_err rs_cpu_model_info(unsigned index, const char **name, const char **description);

/* Make rs_run() stop (RS_STOP_BUDGET) once virtual time reaches `cycle`
 * (0 removes the limit). */
rs_err rs_set_cycle_limit(rs_machine *m, uint64_t cycle);

/* Queue bytes for a serial port's receiver (port 0 = COM1, 1 = COM2). */
rs_err rs_serial_input(rs_machine *m, unsigned port, const uint8_t *data, size_t len);

/* After RS_STOP_POWEROFF: the status the guest gave. For isa-debug-exit it is
 * the value written (non-negative; the process exit status QEMU would give is
 * (v << 1) | 1); an orderly ACPI S5 power-off gives -1. */
rs_err rs_get_exit_status(rs_machine *m, int *status);

/* The 80x25 VGA text screen as 25 lines of 80 characters, each ended by a
 * newline (buf needs 25 * 81 + 1 bytes). */
rs_err rs_vga_text(rs_machine *m, char *buf, size_t len);

/* ---- Boot ------------------------------------------------------------------
 * Loading a guest into a PC made by rs_create_pc (docs/platform-boot.md).
 * Each call reads its files, writes guest RAM and (where it says so) sets
 * the CPU state; on failure it returns an error code and `err` (if not NULL)
 * receives one line for a person naming the problem, e.g. "kernel.bin: not
 * an ELF file and its multiboot header has no address fields". */

/* How rs_boot_multiboot() hands over to the kernel. */
typedef enum rs_boot_start {
    RS_BOOT_FIRMWARE = 0,   /* leave the CPU at the reset vector: the firmware
                               (rs_load_firmware) finds the handoff block and
                               enters the kernel in the multiboot state */
    RS_BOOT_DIRECT,         /* start at the kernel's entry point, already in the
                               multiboot state (no firmware runs) */
} rs_boot_start;

/* A multiboot (v1) kernel, as QEMU's -kernel/-append/-initrd load it. */
typedef struct rs_multiboot_config {
    const char *image;      /* the kernel file; the command line starts with this
                               string as given (then " " and `append`, if any) */
    const char *append;     /* kernel arguments, or NULL */
    const char *initrd;     /* modules as QEMU spells them, or NULL:
                               "FILE[ ARGS][,FILE[ ARGS]...]" (",," for a comma);
                               each module's command line is its whole item */
    rs_boot_start start;
} rs_multiboot_config;

/* Load a multiboot kernel. ELF32 and ELF64 images are loaded through libelf
 * (PT_LOAD segments at their physical addresses, BSS zeroed; an entry point
 * inside a segment is translated to its physical address); a header with
 * flag 16 set is loaded through its address fields instead, as GRUB and
 * QEMU do, which is how higher-half ELF64 and flat kernels boot. Modules go
 * page-aligned above the kernel; the information structure (memory sizes,
 * the E820 memory map, command line, modules, boot loader name
 * "ringscope") at 0x9000; the handoff block at 0x500. RS_BOOT_DIRECT also
 * maps the built-in firmware image, whose GDT GDTR then holds, as after the
 * firmware path. RS_ERR_ARG for a problem with the kernel or a module file
 * (unreadable, not a multiboot kernel, loading over reserved memory),
 * RS_ERR_UNMAPPED if the modules do not fit in guest RAM. */
rs_err rs_boot_multiboot(rs_machine *m, const rs_multiboot_config *cfg, char *err, size_t errlen);

/* Load a raw binary at guest-physical `load_addr` and start it there in
 * `bits`-bit mode with IF = 0 and the stack pointer at 0x7000:
 *   16: real mode, CS = DS = ES = FS = GS = SS = (load_addr >> 4) & 0xf000,
 *       IP = load_addr & 0xffff, SS = 0 (load_addr below 1 MiB);
 *   32: flat 32-bit protected mode, paging off (as rs_set_mode PROT32);
 *   64: 64-bit mode with the identity paging rs_set_mode LONG64 sets up.
 * GDTR points at the built-in firmware's GDT in every mode. */
rs_err rs_boot_flat(rs_machine *m, const char *path, unsigned bits, uint64_t load_addr,
                    char *err, size_t errlen);

/* Map a firmware image of 64, 128 or 256 KiB: the whole image at the top
 * of 4 GiB and its last 64 KiB (128 KiB for the larger sizes) below 1 MiB,
 * ending at 0xFFFFF, as QEMU maps -bios (RAM, so the guest can write it).
 * The CPU state is not touched: a machine fresh from rs_create_pc is in the
 * power-on state and starts at the reset vector F000:FFF0. */
rs_err rs_load_firmware(rs_machine *m, const void *image, size_t len, char *err, size_t errlen);

/* The same, reading the image from `path`. */
rs_err rs_load_firmware_file(rs_machine *m, const char *path, char *err, size_t errlen);

/* The built-in firmware (roms/, 64 KiB) compiled into the library: *image
 * and *len receive it; RS_ERR_STATE (and *len = 0) if this build has none. */
rs_err rs_builtin_firmware(const uint8_t **image, size_t *len);

/* ---- End of Boot ------------------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif /* RINGSCOPE_RINGSCOPE_H */
