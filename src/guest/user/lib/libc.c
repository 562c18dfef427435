/* The user runtime's library part, shared by both architectures: printf,
 * string helpers, full reads/writes, median, wait-status text. No floating
 * point, no 64-bit division helpers (libgcc is not linked): 64-bit numbers
 * are divided by 16-bit chunks on i386. */
#include <stdarg.h>
#include "ulib.h"

/* ---- memory and strings (the compiler may also call these itself) ---- */

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;
    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strcpy(char *d, const char *s)
{
    char *r = d;
    while ((*d++ = *s++))
        ;
    return r;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

long strtol_dec(const char **s)
{
    const char *p = *s;
    long v = 0;
    int neg = 0;
    while (is_blank(*p))
        p++;
    if (*p == '-')
        neg = 1, p++;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    *s = p;
    return neg ? -v : v;
}

size_t next_word(const char **s, char *buf, size_t n)
{
    const char *p = *s;
    size_t len = 0;
    if (!p)
        return 0;
    while (is_blank(*p))
        p++;
    while (*p && !is_blank(*p)) {
        if (len + 1 < n)
            buf[len] = *p;
        len++, p++;
    }
    if (n)
        buf[len < n ? len : n - 1] = 0;
    *s = p;
    return len;
}

int has_word(const char *s, const char *word)
{
    char w[USER_ARGS_MAX];
    while (next_word(&s, w, sizeof w))
        if (!strcmp(w, word))
            return 1;
    return 0;
}

long read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        long r = sys_read(fd, (char *)buf + done, n - done);
        if (r <= 0)
            return r;
        done += (size_t)r;
    }
    return (long)done;
}

long write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        long r = sys_write(fd, (const char *)buf + done, n - done);
        if (r <= 0)
            return r;
        done += (size_t)r;
    }
    return (long)done;
}

/* ---- printf ---- */

/* n / d for d < 65536, without __udivdi3 on i386. */
static u64 udiv64(u64 n, u32 d, u32 *rem)
{
#ifdef __x86_64__
    *rem = (u32)(n % d);
    return n / d;
#else
    u64 q = 0;
    u32 r = 0;
    for (int shift = 48; shift >= 0; shift -= 16) {
        u32 cur = (r << 16) | (u32)((n >> shift) & 0xffff);
        q |= (u64)(cur / d) << shift;
        r = cur % d;
    }
    *rem = r;
    return q;
#endif
}

struct out {
    char *buf;      /* destination, or NULL: flush to fd 1 */
    size_t size, len;
    char tmp[128];
    size_t tlen;
};

static void out_flush(struct out *o)
{
    if (o->tlen)
        write_full(1, o->tmp, o->tlen);
    o->tlen = 0;
}

static void out_c(struct out *o, char c)
{
    if (o->buf) {
        if (o->len + 1 < o->size)
            o->buf[o->len] = c;
    } else {
        if (o->tlen == sizeof o->tmp)
            out_flush(o);
        o->tmp[o->tlen++] = c;
    }
    o->len++;
}

static void out_pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        out_c(o, c);
}

static void out_num(struct out *o, u64 v, u32 base, int neg, int width, int left, char pad)
{
    char d[24];
    int n = 0;
    do {
        u32 r;
        v = udiv64(v, base, &r);
        d[n++] = "0123456789abcdef"[r];
    } while (v);
    int len = n + neg;
    if (!left && pad == '0' && neg)
        out_c(o, '-'), neg = 0;
    if (!left)
        out_pad(o, width - len, pad);
    if (neg)
        out_c(o, '-');
    while (n)
        out_c(o, d[--n]);
    if (left)
        out_pad(o, width - len, ' ');
}

static void format(struct out *o, const char *f, va_list ap)
{
    for (; *f; f++) {
        if (*f != '%') {
            out_c(o, *f);
            continue;
        }
        f++;
        int left = 0, width = 0, lng = 0;
        char pad = ' ';
        if (*f == '-')
            left = 1, f++;
        if (*f == '0')
            pad = '0', f++;
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        while (*f == 'l')
            lng++, f++;
        switch (*f) {
        case 'd':
        case 'i': {
            long long v = lng >= 2 ? va_arg(ap, long long)
                        : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            int neg = v < 0;
            out_num(o, neg ? (u64)0 - (u64)v : (u64)v, 10, neg, width, left, pad);
            break;
        }
        case 'u':
        case 'x': {
            u64 v = lng >= 2 ? va_arg(ap, unsigned long long)
                  : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            out_num(o, v, *f == 'u' ? 10 : 16, 0, width, left, pad);
            break;
        }
        case 'p':
            out_c(o, '0'), out_c(o, 'x');
            out_num(o, (u64)(unsigned long)va_arg(ap, void *), 16, 0, width, left, pad);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = (int)strlen(s);
            if (!left)
                out_pad(o, width - len, ' ');
            while (*s)
                out_c(o, *s++);
            if (left)
                out_pad(o, width - len, ' ');
            break;
        }
        case 'c':
            out_c(o, (char)va_arg(ap, int));
            break;
        case '%':
            out_c(o, '%');
            break;
        case 0:
            return;
        default:
            out_c(o, '%'), out_c(o, *f);
        }
    }
}

int printf(const char *fmt, ...)
{
    struct out o = { 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    out_flush(&o);
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct out o = { .buf = buf, .size = size };
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int puts(const char *s)
{
    return printf("%s\n", s);
}

/* ---- measurement and status helpers ---- */

u64 median_u64(u64 *v, int n)
{
    if (n <= 0)
        return 0;
    for (int gap = n / 2; gap > 0; gap /= 2)          /* Shell sort */
        for (int i = gap; i < n; i++) {
            u64 x = v[i];
            int j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap)
                v[j] = v[j - gap];
            v[j] = x;
        }
    return v[n / 2];
}

const char *vector_name(int vector)
{
    switch (vector) {
    case 0:  return "#DE";
    case 6:  return "#UD";
    case 13: return "#GP";
    case 14: return "#PF";
    default: return "fault";
    }
}

const char *wait_status_str(int status, char *buf, size_t n)
{
    if (WAIT_EXITED(status))
        snprintf(buf, n, "exited %d", WAIT_CODE(status));
    else
        snprintf(buf, n, "killed by %s (vector %d)", vector_name(WAIT_FAULT(status)),
                 WAIT_FAULT(status));
    return buf;
}
