// SPDX-License-Identifier: MIT
/* XSAVE state components above x87/SSE, in the standard format (SDM 13.4). */
#include <lib/string.h>

#include "hostile.h"

#define XSAVE_HEADER    512
#define XSAVE_MXCSR     24
#define XCOMP_AVX       2
#define XCOMP_PKRU      9
#define XCOMPONENTS_FILLED ((1ull << 2) | (1ull << 5) | (1ull << 6) | \
			    (1ull << 7) | (1ull << 9))

uint64_t xstate_components(void)
{
	return xcr0_supported() & XCOMPONENTS_FILLED;
}

static void component(int i, uint32_t *off, uint32_t *size)
{
	struct cpuid_regs r = cpuid(0xd, (uint32_t)i);

	*off = r.ebx;
	*size = r.eax;
}

const char *xstate_name(int i)
{
	switch (i) {
	case 2: return "ymm_hi128";
	case 5: return "opmask";
	case 6: return "zmm_hi256";
	case 7: return "hi16_zmm";
	case 9: return "pkru";
	default: return "xstate";
	}
}

void xstate_fill(struct xstate_buf *x, uint64_t rfbm, uint8_t seed)
{
	uint32_t mxcsr;

	memset(x, 0, sizeof(*x));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	memcpy(x->b + XSAVE_MXCSR, &mxcsr, 4);	/* XRSTOR of AVX loads it */
	memcpy(x->b + XSAVE_HEADER, &rfbm, 8);	/* XSTATE_BV */
	for (int i = 2; i < 64; i++) {
		uint32_t off, size;

		if (!(rfbm & (1ull << i)))
			continue;
		component(i, &off, &size);
		if (off + size > XSTATE_MAX)
			continue;
		for (uint32_t j = 0; j < size; j++)
			x->b[off + j] = (uint8_t)(seed ^ (j * 7 + i));
		if (i == XCOMP_PKRU) {
			/* key 0 (every page) stays unrestricted */
			x->b[off] &= 0xfc;
			memset(x->b + off + 4, 0, size - 4);
		}
	}
}

void xstate_save(struct xstate_buf *x, uint64_t rfbm)
{
	uint64_t bv;

	memset(x, 0, sizeof(*x));
	__asm__ volatile("xsaveq %0" : "=m"(*x)
			 : "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32))
			 : "memory");
	/* a component in its initial state (XSTATE_BV clear) is all zero */
	memcpy(&bv, x->b + XSAVE_HEADER, 8);
	for (int i = 2; i < 64; i++) {
		uint32_t off, size;

		if (!(rfbm & (1ull << i)) || (bv & (1ull << i)))
			continue;
		component(i, &off, &size);
		if (off + size <= XSTATE_MAX)
			memset(x->b + off, 0, size);
	}
}

void xstate_restore(const struct xstate_buf *x, uint64_t rfbm)
{
	__asm__ volatile("xrstorq %0" : : "m"(*x), "a"((uint32_t)rfbm),
			 "d"((uint32_t)(rfbm >> 32)) : "memory");
}

int xstate_compare(const struct xstate_buf *got, const struct xstate_buf *want,
		   uint64_t rfbm, uint8_t *seen)
{
	for (int i = 2; i < 64; i++) {
		uint32_t off, size;

		if (!(rfbm & (1ull << i)))
			continue;
		component(i, &off, &size);
		if (off + size > XSTATE_MAX)
			continue;
		if (memcmp(got->b + off, want->b + off, size)) {
			*seen = (uint8_t)(got->b[off + 1] ^ (7 + i));
			return i;
		}
	}
	return -1;
}
