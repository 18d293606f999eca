// SPDX-License-Identifier: MIT
/* The XCR0 rules (SDM 13.3); see arch/xcr0_rules.h. Pure C. */
#include <arch/xcr0_rules.h>

#define XFEATURE_GUEST_ALLOWED (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX | \
				XFEATURE_AVX512 | XFEATURE_PKRU)

uint64_t xcr0_guest_mask(uint64_t host)
{
	uint64_t mask = host & XFEATURE_GUEST_ALLOWED;

	if (!(mask & XFEATURE_SSE))
		mask &= ~XFEATURE_AVX;
	if ((mask & XFEATURE_AVX512) != XFEATURE_AVX512 || !(mask & XFEATURE_AVX))
		mask &= ~XFEATURE_AVX512;
	return mask | XFEATURE_X87;
}

bool xcr0_valid(uint64_t xcr0, uint64_t supported)
{
	uint64_t avx512 = xcr0 & XFEATURE_AVX512;

	if (!(xcr0 & XFEATURE_X87) || (xcr0 & ~supported))
		return false;
	if ((xcr0 & XFEATURE_AVX) && !(xcr0 & XFEATURE_SSE))
		return false;
	if (avx512 && (avx512 != XFEATURE_AVX512 || !(xcr0 & XFEATURE_AVX)))
		return false;
	return true;
}
