// SPDX-License-Identifier: MIT
/*
 * arch/x86/xcr0_rules.c: the components guests are offered and the
 * XSETBV values a CPU accepts (SDM 13.3), against CPUs of several kinds.
 */
#include "test_util.h"

#include <arch/xcr0_rules.h>

#define X87  XFEATURE_X87
#define SSE  XFEATURE_SSE
#define AVX  XFEATURE_AVX
#define K    XFEATURE_OPMASK
#define ZH   XFEATURE_ZMM_HI256
#define Z16  XFEATURE_HI16_ZMM
#define Z512 XFEATURE_AVX512
#define PKRU XFEATURE_PKRU
#define MPX  (XFEATURE_BNDREGS | XFEATURE_BNDCSR)
#define AMX  (3ull << 17)	/* TILECFG, TILEDATA */
#define CET  (3ull << 11)	/* supervisor components, never in XCR0 */

static void test_guest_mask(void **state)
{
	/* a CPU with everything: no MPX, AMX or supervisor state for guests */
	assert_true(xcr0_guest_mask(X87 | SSE | AVX | MPX | Z512 | PKRU | AMX | CET) ==
		    (X87 | SSE | AVX | Z512 | PKRU));
	/* SSE only (Bochs without AVX) */
	assert_true(xcr0_guest_mask(X87 | SSE) == (X87 | SSE));
	/* x87 is always there, even if CPUID forgot it */
	assert_true(xcr0_guest_mask(0) == X87);
	/* AVX without SSE cannot be enabled, so it is not offered */
	assert_true(xcr0_guest_mask(X87 | AVX) == X87);
	/* a partial AVX-512 trio is none */
	assert_true(xcr0_guest_mask(X87 | SSE | AVX | K | ZH) == (X87 | SSE | AVX));
	/* AVX-512 without AVX is none */
	assert_true(xcr0_guest_mask(X87 | SSE | Z512) == (X87 | SSE));
	/* PKRU stands alone */
	assert_true(xcr0_guest_mask(X87 | SSE | PKRU) == (X87 | SSE | PKRU));
}

static void test_valid(void **state)
{
	const uint64_t all = X87 | SSE | AVX | Z512 | PKRU;

	assert_true(xcr0_valid(X87, all));
	assert_true(xcr0_valid(X87 | SSE, all));
	assert_true(xcr0_valid(X87 | SSE | AVX, all));
	assert_true(xcr0_valid(X87 | SSE | AVX | Z512, all));
	assert_true(xcr0_valid(X87 | PKRU, all));
	assert_true(xcr0_valid(all, all));
	/* bit 0 must be set */
	assert_false(xcr0_valid(0, all));
	assert_false(xcr0_valid(SSE, all));
	/* AVX needs SSE */
	assert_false(xcr0_valid(X87 | AVX, all));
	/* the AVX-512 trio is all or nothing, and over AVX */
	assert_false(xcr0_valid(X87 | SSE | AVX | K, all));
	assert_false(xcr0_valid(X87 | SSE | AVX | K | ZH, all));
	assert_false(xcr0_valid(X87 | SSE | AVX | Z16, all));
	assert_false(xcr0_valid(X87 | SSE | Z512, all));
	/* nothing the CPU (or the policy) does not offer */
	assert_false(xcr0_valid(X87 | SSE | MPX, all));
	assert_false(xcr0_valid(X87 | SSE | AMX, all));
	assert_false(xcr0_valid(X87 | SSE | (1ull << 63), all));
	assert_false(xcr0_valid(X87 | SSE | AVX, X87 | SSE));
	assert_false(xcr0_valid(X87 | PKRU, X87 | SSE | AVX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_mask),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
