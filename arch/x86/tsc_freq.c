// SPDX-License-Identifier: MIT
/* CPUID's TSC and crystal rates; see include/arch/tsc_freq.h. Pure. */
#include <arch/tsc_freq.h>

#define HZ_PER_MHZ 1000000ull

/*
 * a * b / c rounded down, saturated to 64 bits, for b and c of at most
 * 32 bits (c != 0), without a 128-bit division (no libgcc here).
 */
static uint64_t mul_div(uint64_t a, uint32_t b, uint32_t c)
{
	uint64_t q = a / c, r = a % c, hi, lo;

	if (b && q > UINT64_MAX / b)
		return UINT64_MAX;
	hi = q * b;
	lo = r * b / c;		/* r < c: r * b < 2^64 */
	return hi > UINT64_MAX - lo ? UINT64_MAX : hi + lo;
}

void tsc_cpuid_rates(const struct tsc_cpuid *c, struct tsc_cpuid_rates *out)
{
	bool has15 = c->max_leaf >= CPUID_LEAF_TSC;
	bool ratio = has15 && c->leaf15_eax && c->leaf15_ebx;
	uint64_t base_hz = c->max_leaf >= CPUID_LEAF_FREQ ?
		(c->leaf16_eax & CPUID_16_EAX_MHZ_MASK) * HZ_PER_MHZ : 0;

	*out = (struct tsc_cpuid_rates){ TSC_CPUID_NONE, 0, 0 };
	if (ratio && c->leaf15_ecx) {
		out->source = TSC_CPUID_15;
		out->crystal_hz = c->leaf15_ecx;
		out->tsc_hz = mul_div(c->leaf15_ecx, c->leaf15_ebx, c->leaf15_eax);
	} else if (ratio && base_hz) {
		/* the crystal behind the base rate, as the ratio implies */
		out->source = TSC_CPUID_15_16;
		out->tsc_hz = base_hz;
		out->crystal_hz = mul_div(base_hz, c->leaf15_eax, c->leaf15_ebx);
	} else if (base_hz) {
		out->source = TSC_CPUID_16;
		out->tsc_hz = base_hz;
	}
	if (!out->tsc_hz)	/* a ratio that rounds to nothing */
		*out = (struct tsc_cpuid_rates){ TSC_CPUID_NONE, 0, 0 };
}

const char *tsc_cpuid_source_name(enum tsc_cpuid_source source)
{
	switch (source) {
	case TSC_CPUID_15:
		return "CPUID 0x15";
	case TSC_CPUID_15_16:
		return "CPUID 0x15+0x16";
	case TSC_CPUID_16:
		return "CPUID 0x16";
	default:
		return "none";
	}
}

bool tsc_rates_agree(uint64_t a, uint64_t b)
{
	uint64_t hi = a > b ? a : b, lo = a > b ? b : a;

	if (!lo)
		return false;
	return (unsigned __int128)(hi - lo) * 1000 <=
	       (unsigned __int128)hi * TSC_AGREE_PERMILLE;
}
