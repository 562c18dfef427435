/*
 * Instruction test vectors (docs/test-vectors.md): apply one to a fresh
 * machine, execute the instruction, and describe every difference from the
 * expected final state.
 */
#ifndef RINGSCOPE_VECTOR_H
#define RINGSCOPE_VECTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "frontend/strbuf.h"

enum vector_result { VECTOR_PASS, VECTOR_FAIL, VECTOR_INVALID };

/* Run the vector `v`. On VECTOR_FAIL, `diff` receives one line per
 * difference; on VECTOR_INVALID (a malformed vector), one line saying why. */
enum vector_result vector_run(json_t *v, struct strbuf *diff);

#endif
