/* SPDX-License-Identifier: MIT */
/* Small helpers for alignment and array sizes, shared by lib/, mm/ and core/. */
#ifndef KEEL_LIB_BITS_H
#define KEEL_LIB_BITS_H

#include <stdbool.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* align must be a power of two; ALIGN_UP may wrap to 0 at the top of the range */
#define ALIGN_DOWN(x, align) ((x) & ~((uint64_t)(align) - 1))
#define ALIGN_UP(x, align)   ALIGN_DOWN((x) + (uint64_t)(align) - 1, (align))
#define IS_ALIGNED(x, align) (((x) & ((uint64_t)(align) - 1)) == 0)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* True when a + b does not fit in 64 bits; *sum gets the wrapped value. */
static inline bool add_overflows_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

#endif
