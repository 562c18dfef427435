/*
 * CMOS RAM and real-time clock: the Motorola MC146818A as PCs carry it
 * (datasheet sections cited per function; docs/platform-devices.md).
 *
 * Time is derived from virtual time, never host time (unless rtc_host,
 * which reads the host clock once at creation). The divider chain is a
 * 32.768 kHz tick count computed from the CPU's cycle counter; a second
 * ends every 32768 ticks, when the time registers update at once; UIP is 1
 * for the 244 us (8 ticks) before each update. Register C's flags are
 * worked out lazily from the ticks that passed since they were last looked
 * at; the one timer on m->clock only runs while an enabled interrupt could
 * raise IRQ 8, so an idle RTC costs nothing.
 */
#include "devices/cmos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine.h"

/* Register indexes and bits (MC146818A, "Register A".."Register D"). */
enum {
    R_SEC = 0x00, R_SEC_ALARM = 0x01, R_MIN = 0x02, R_MIN_ALARM = 0x03, R_HOUR = 0x04,
    R_HOUR_ALARM = 0x05, R_WDAY = 0x06, R_MDAY = 0x07, R_MONTH = 0x08, R_YEAR = 0x09,
    R_A = 0x0a, R_B = 0x0b, R_C = 0x0c, R_D = 0x0d, R_CENTURY = 0x32,
    A_UIP = 0x80, A_DV = 0x70, A_RS = 0x0f,
    B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_DM_BINARY = 0x04, B_24H = 0x02,
    C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10,
    D_VRT = 0x80,
};

#define TICK_HZ 32768u              /* the divider chain's time base */
#define UIP_TICKS 8u                /* 244.14 us before an update */

struct cmos {
    struct machine *m;
    uint8_t ram[128];
    uint8_t index;
    bool nmi_masked;

    /* Divider chain: ticks(t) = tick0 + ticks_at(t - origin) while it runs. */
    bool div_running;
    uint64_t origin, tick0, ticks_frozen;
    /* Time while updates run: seconds = sec0 + (ticks / 32768 - sdiv0).
     * While they are inhibited the time registers in ram[] hold the time. */
    int64_t sec0;
    uint64_t sdiv0;

    uint64_t synced;            /* ticks up to which register C's flags are worked out */
    uint8_t flags;              /* PF, AF, UF */
    bool line;
    struct timer timer;
};

/* ---- Calendar (proleptic Gregorian, UTC; H. Hinnant's day algorithms) ---- */

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---- Register formats: BCD or binary, 12 or 24 hours (register B) ---- */

static uint8_t enc(const struct cmos *c, unsigned v)
{
    return (c->ram[R_B] & B_DM_BINARY) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static unsigned dec(const struct cmos *c, uint8_t v)
{
    return (c->ram[R_B] & B_DM_BINARY) ? v : (unsigned)((v >> 4) * 10 + (v & 15));
}

/* Hour register: 1-12 with bit 7 = PM in 12-hour mode. */
static uint8_t enc_hour(const struct cmos *c, unsigned h)
{
    if (c->ram[R_B] & B_24H)
        return enc(c, h);
    return (uint8_t)(enc(c, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static unsigned dec_hour(const struct cmos *c, uint8_t v)
{
    if (c->ram[R_B] & B_24H)
        return dec(c, v);
    return dec(c, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

/* Seconds, minutes and hours of `secs` as the registers would show them. */
static void format_hms(const struct cmos *c, int64_t secs, uint8_t out[3])
{
    int64_t sod = secs - floor_div(secs, 86400) * 86400;
    out[0] = enc(c, (unsigned)(sod % 60));
    out[1] = enc(c, (unsigned)(sod / 60 % 60));
    out[2] = enc_hour(c, (unsigned)(sod / 3600));
}

/* Write `secs` into the time registers (and the century byte). The day of
 * the week is derived from the date (1 = Sunday). */
static void format_time(struct cmos *c, int64_t secs)
{
    int64_t days = floor_div(secs, 86400), y;
    unsigned mon, mday;
    civil_from_days(days, &y, &mon, &mday);
    uint8_t hms[3];
    format_hms(c, secs, hms);
    c->ram[R_SEC] = hms[0];
    c->ram[R_MIN] = hms[1];
    c->ram[R_HOUR] = hms[2];
    c->ram[R_WDAY] = enc(c, (unsigned)((days % 7 + 11) % 7 + 1));  /* 1970-01-01: Thursday */
    c->ram[R_MDAY] = enc(c, mday);
    c->ram[R_MONTH] = enc(c, mon);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    c->ram[R_YEAR] = enc(c, (unsigned)(y % 100));
    c->ram[R_CENTURY] = enc(c, (unsigned)(y / 100));
}

/* The time the registers hold, as seconds (the weekday is not used). */
static int64_t parse_time(const struct cmos *c)
{
    unsigned mon = dec(c, c->ram[R_MONTH]);
    mon = mon < 1 ? 1 : mon > 12 ? 12 : mon;
    int64_t y = (int64_t)dec(c, c->ram[R_CENTURY]) * 100 + dec(c, c->ram[R_YEAR]);
    int64_t days = days_from_civil(y, mon, dec(c, c->ram[R_MDAY]));
    return days * 86400 + (int64_t)dec_hour(c, c->ram[R_HOUR]) * 3600 +
           (int64_t)dec(c, c->ram[R_MIN]) * 60 + dec(c, c->ram[R_SEC]);
}

/* ---- Divider chain and update cycle ---- */

static uint64_t ticks_now(const struct cmos *c)
{
    if (!c->div_running)
        return c->ticks_frozen;
    return c->tick0 + clock_ticks_at(&c->m->clock, clock_now(&c->m->clock) - c->origin, TICK_HZ);
}

/* Updates run when the divider runs in its normal mode and SET is 0. */
static bool updating(const struct cmos *c)
{
    return c->div_running && !(c->ram[R_B] & B_SET);
}

static int64_t seconds_at(const struct cmos *c, uint64_t ticks)
{
    return c->sec0 + (int64_t)(ticks / TICK_HZ - c->sdiv0);
}

/* Periodic interrupt period in ticks for rate RS3-0 (MC146818A, Table 5,
 * 32.768 kHz time base): 1 and 2 repeat rates 8 and 9; 0 is off. */
static uint64_t periodic_ticks(const struct cmos *c)
{
    unsigned rs = c->ram[R_A] & A_RS;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7;
    return 1ull << (rs - 1);
}

/* Alarm: each of seconds, minutes, hours matches if equal, or always when
 * the alarm byte is a "don't care" code 11xxxxxx (MC146818A, "Alarm"). */
static bool alarm_matches(const struct cmos *c, int64_t secs)
{
    static const uint8_t alarm_reg[3] = { R_SEC_ALARM, R_MIN_ALARM, R_HOUR_ALARM };
    uint8_t now[3];
    format_hms(c, secs, now);
    for (int i = 0; i < 3; i++) {
        uint8_t a = c->ram[alarm_reg[i]];
        if ((a & 0xc0) != 0xc0 && a != now[i])
            return false;
    }
    return true;
}

static void update_irq(struct cmos *c)
{
    bool level = (c->flags & c->ram[R_B] & (C_PF | C_AF | C_UF)) != 0;
    if (level == c->line)
        return;
    c->line = level;
    irq_set(c->m, IRQ_RTC, level);
}

/* Work out register C's flags for the ticks since the last sync: PF for
 * each periodic boundary crossed, UF for each update, AF for an update that
 * reached the alarm time (the alarm pattern repeats daily, so at most the
 * last 86400 updates need looking at). */
static void sync(struct cmos *c)
{
    uint64_t t = ticks_now(c), tp = c->synced;
    if (t <= tp)
        return;
    uint64_t p = periodic_ticks(c);
    if (c->div_running && p && t / p > tp / p)
        c->flags |= C_PF;
    if (updating(c) && t / TICK_HZ > tp / TICK_HZ) {
        uint64_t n = t / TICK_HZ - tp / TICK_HZ;
        c->flags |= C_UF;
        for (uint64_t k = n > 86400 ? n - 86399 : 1; k <= n; k++) {
            if (alarm_matches(c, seconds_at(c, (tp / TICK_HZ + k) * TICK_HZ))) {
                c->flags |= C_AF;
                break;
            }
        }
    }
    c->synced = t;
    update_irq(c);
}

/* The first cycle at which the divider reaches tick `t`. */
static uint64_t cycle_of_tick(const struct cmos *c, uint64_t t)
{
    uint64_t d = t - c->tick0;
    uint64_t cyc = clock_cycles_from(&c->m->clock, d, TICK_HZ);
    if (clock_ticks_at(&c->m->clock, cyc, TICK_HZ) < d)
        cyc++;
    return c->origin + cyc;
}

/* Arm the timer for the next event that could raise IRQ 8; none while the
 * line is already high (the flags then accumulate lazily until C is read). */
static void schedule(struct cmos *c)
{
    uint64_t next = UINT64_MAX, t = c->synced, p = periodic_ticks(c);
    uint8_t b = c->ram[R_B];
    if (!c->line && c->div_running) {
        if ((b & B_PIE) && p)
            next = (t / p + 1) * p;
        if ((b & (B_UIE | B_AIE)) && updating(c)) {
            uint64_t u = (t / TICK_HZ + 1) * TICK_HZ;
            next = u < next ? u : next;
        }
    }
    if (next == UINT64_MAX)
        timer_disarm(&c->m->clock, &c->timer);
    else
        timer_arm(&c->m->clock, &c->timer, cycle_of_tick(c, next));
}

static void timer_fire(void *dev, uint64_t now)
{
    struct cmos *c = dev;
    sync(c);
    schedule(c);
}

/* Updates stop (SET, divider reset): the registers keep the current time. */
static void stop_updates(struct cmos *c)
{
    format_time(c, seconds_at(c, ticks_now(c)));
}

/* Updates (re)start: counting continues from what the registers hold. */
static void start_updates(struct cmos *c)
{
    c->sec0 = parse_time(c);
    c->sdiv0 = ticks_now(c) / TICK_HZ;
}

/* Register A: DV2-0 = 11x holds the divider in reset; leaving reset, the
 * first update comes 500 ms later (MC146818A, "Divider Stages"). Other DV
 * values run the chain (the 4.194304 and 1.048576 MHz time bases are taken
 * as 32.768 kHz). */
static void write_a(struct cmos *c, uint8_t v)
{
    bool was_running = c->div_running, run = (v & 0x60) != 0x60;
    bool was_updating = updating(c);
    if (was_running && !run) {
        if (was_updating)
            stop_updates(c);
        c->ticks_frozen = ticks_now(c);
    }
    c->ram[R_A] = v & (uint8_t)~A_UIP;
    if (!was_running && run) {
        uint64_t t = (c->ticks_frozen + TICK_HZ - 1) / TICK_HZ * TICK_HZ + TICK_HZ / 2;
        c->origin = clock_now(&c->m->clock);
        c->tick0 = t;
        c->synced = t;
        c->div_running = true;
        if (updating(c))
            start_updates(c);
    }
    c->div_running = run;
}

/* Register B: setting SET aborts updates and clears UIE (MC146818A,
 * "Register B"). */
static void write_b(struct cmos *c, uint8_t v)
{
    if (v & B_SET)
        v &= (uint8_t)~B_UIE;
    bool was_updating = updating(c);
    if (was_updating && (v & B_SET))
        stop_updates(c);
    c->ram[R_B] = v;
    if (!was_updating && updating(c))
        start_updates(c);
}

static bool is_time_reg(uint8_t idx)
{
    return idx == R_SEC || idx == R_MIN || idx == R_HOUR || (idx >= R_WDAY && idx <= R_YEAR) ||
           idx == R_CENTURY;
}

static uint8_t data_read(struct cmos *c)
{
    uint8_t idx = c->index;
    if (is_time_reg(idx) && updating(c))
        format_time(c, seconds_at(c, ticks_now(c)));
    switch (idx) {
    case R_A: {
        uint64_t t = ticks_now(c);
        bool uip = updating(c) && t % TICK_HZ >= TICK_HZ - UIP_TICKS;
        return (uint8_t)(c->ram[R_A] | (uip ? A_UIP : 0));
    }
    case R_C: {
        /* Reading C returns and clears the flags and lowers IRQ 8. */
        sync(c);
        uint8_t v = c->flags;
        if (v & c->ram[R_B] & (C_PF | C_AF | C_UF))
            v |= C_IRQF;
        c->flags = 0;
        update_irq(c);
        schedule(c);
        return v;
    }
    case R_D: return D_VRT;                     /* battery good */
    default: return c->ram[idx];
    }
}

static void data_write(struct cmos *c, uint8_t v)
{
    uint8_t idx = c->index;
    sync(c);
    if (idx == R_A) {
        write_a(c, v);
    } else if (idx == R_B) {
        write_b(c, v);
    } else if (idx == R_C || idx == R_D) {
        return;                                 /* read-only */
    } else if (is_time_reg(idx) && updating(c)) {
        stop_updates(c);
        c->ram[idx] = v;
        start_updates(c);
    } else {
        c->ram[idx] = v;
    }
    update_irq(c);
    schedule(c);
}

static uint32_t cmos_in(void *dev, uint16_t port, unsigned size)
{
    struct cmos *c = dev;
    uint8_t v = port == 0x71 ? data_read(c) : 0xff;    /* the index port is write-only */
    return size == 1 ? v : (v | (size == 4 ? 0xffffff00u : 0xff00u));
}

static void cmos_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct cmos *c = dev;
    if (port == 0x70) {
        c->index = value & 0x7f;
        c->nmi_masked = value & 0x80;
    } else {
        data_write(c, (uint8_t)value);
    }
}

static const struct port_ops cmos_ops = { cmos_in, cmos_out };

/* The memory-size bytes PC firmware and kernels read (IBM AT CMOS layout;
 * 0x34/0x35 and 0x5B-0x5D as QEMU and SeaBIOS use them), the equipment
 * byte, and the checksum over 0x10-0x2D at 0x2E (high) / 0x2F (low). */
static void memory_bytes(struct cmos *c)
{
    uint64_t top_below4g = 0, above4g = 0;
    struct e820_entry map[16];
    size_t n = c->m->pc ? pc_memory_map(c->m, map, 16) : 0;
    for (size_t i = 0; i < n; i++) {
        if (map[i].type != E820_RAM)
            continue;
        uint64_t end = map[i].base + map[i].length;
        if (map[i].base >= 0x100000000ull)
            above4g += map[i].length;
        else if (end > top_below4g)
            top_below4g = end;
    }
    uint64_t ext = top_below4g > PC_HIGH_RAM ? (top_below4g - PC_HIGH_RAM) / 1024 : 0;
    ext = ext > 0xffff ? 0xffff : ext;
    uint64_t over16 = top_below4g > (16u << 20) ? (top_below4g - (16u << 20)) / 65536 : 0;
    over16 = over16 > 0xffff ? 0xffff : over16;
    uint64_t high = above4g / 65536;
    high = high > 0xffffff ? 0xffffff : high;

    c->ram[0x10] = 0x00;                        /* no floppy drives */
    c->ram[0x14] = 0x02;                        /* math coprocessor; VGA; no floppies */
    c->ram[0x15] = 0x80;                        /* 640 KiB base memory */
    c->ram[0x16] = 0x02;
    c->ram[0x17] = c->ram[0x30] = (uint8_t)ext;
    c->ram[0x18] = c->ram[0x31] = (uint8_t)(ext >> 8);
    c->ram[0x34] = (uint8_t)over16;
    c->ram[0x35] = (uint8_t)(over16 >> 8);
    c->ram[0x5b] = (uint8_t)high;
    c->ram[0x5c] = (uint8_t)(high >> 8);
    c->ram[0x5d] = (uint8_t)(high >> 16);
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2d; i++)
        sum += c->ram[i];
    c->ram[0x2e] = (uint8_t)(sum >> 8);
    c->ram[0x2f] = (uint8_t)sum;
}

struct cmos *cmos_create(struct machine *m, const rs_pc_config *cfg, char *err, size_t errlen)
{
    struct cmos *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    c->m = m;
    timer_init(&c->timer, timer_fire, c);
    /* Register values as PC firmware leaves them: 32.768 kHz time base with
     * a 1024 Hz periodic rate selected, 24-hour BCD, interrupts off. */
    c->ram[R_A] = 0x26;
    c->ram[R_B] = B_24H;
    c->div_running = true;
    c->origin = clock_now(&m->clock);
    int64_t start = cfg && cfg->rtc_epoch ? (int64_t)cfg->rtc_epoch : (int64_t)CMOS_DEFAULT_EPOCH;
    if (cfg && cfg->rtc_host)
        start = (int64_t)time(NULL);            /* the one place host time enters */
    c->sec0 = start;
    format_time(c, start);
    memory_bytes(c);
    if (bus_add_ports(&m->bus, 0x70, 2, &cmos_ops, c, "CMOS/RTC")) {
        snprintf(err, errlen, "CMOS/RTC: I/O ports 0x70-0x71 are already claimed");
        free(c);
        return NULL;
    }
    return c;
}

void cmos_destroy(struct cmos *c)
{
    if (!c)
        return;
    timer_disarm(&c->m->clock, &c->timer);
    free(c);
}

bool cmos_nmi_masked(const struct cmos *c) { return c->nmi_masked; }

bool cmos_irq_line(const struct cmos *c) { return c->line; }

int64_t cmos_rtc_seconds(struct cmos *c)
{
    return updating(c) ? seconds_at(c, ticks_now(c)) : parse_time(c);
}
