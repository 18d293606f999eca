/* SPDX-License-Identifier: MIT */
/* What every host unit test includes: cmocka and its prerequisites. */
#ifndef KEEL_TEST_UTIL_H
#define KEEL_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* cmocka hands every test a state pointer most tests do not need */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define TEST_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Deterministic xorshift64*: soak tests must replay the same sequence. */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#endif
