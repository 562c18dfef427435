/* A growable string for building reports. */
#ifndef RINGSCOPE_STRBUF_H
#define RINGSCOPE_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *data;
    size_t len, cap;
};

void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_clear(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
