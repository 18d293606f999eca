/* SPDX-License-Identifier: MIT */
/*
 * The TSC and core crystal clock rates CPUID states (SDM vol. 2A, CPUID
 * leaves 15H and 16H), as pure arithmetic on the leaf values, and the
 * check that a stated rate agrees with a measured one. Pure: host tests
 * feed it leaf values.
 *
 *  - Leaf 15H: TSC Hz = ECX (crystal Hz) * EBX / EAX. EAX or EBX zero:
 *    no ratio; ECX zero: the crystal is not enumerated.
 *  - Leaf 16H: EAX[15:0] is the base frequency in MHz, which the TSC
 *    runs at. The SDM calls it nominal ("for display"), so a rate from
 *    it is only as good as its MHz rounding.
 *  - A leaf above CPUID.0:EAX is not there: Intel CPUs (and QEMU) then
 *    answer with the highest basic leaf's data, which must not be read
 *    as a rate.
 */
#ifndef KEEL_ARCH_TSC_FREQ_H
#define KEEL_ARCH_TSC_FREQ_H

#include <stdbool.h>
#include <stdint.h>

#define CPUID_LEAF_TSC       0x15u
#define CPUID_LEAF_FREQ      0x16u
#define CPUID_16_EAX_MHZ_MASK 0xffffu

/* Raw register values; leaves above max_leaf are ignored. */
struct tsc_cpuid {
	uint32_t max_leaf;	/* CPUID.0:EAX */
	uint32_t leaf15_eax;	/* TSC/crystal ratio denominator */
	uint32_t leaf15_ebx;	/* TSC/crystal ratio numerator */
	uint32_t leaf15_ecx;	/* crystal Hz, 0 if not enumerated */
	uint32_t leaf16_eax;	/* base MHz in bits 15:0 */
};

enum tsc_cpuid_source {
	TSC_CPUID_NONE,		/* CPUID states no rate */
	TSC_CPUID_15,		/* crystal and ratio from leaf 15H: exact */
	TSC_CPUID_15_16,	/* ratio from 15H, base MHz from 16H */
	TSC_CPUID_16,		/* base MHz from 16H alone */
};

struct tsc_cpuid_rates {
	enum tsc_cpuid_source source;
	uint64_t tsc_hz;	/* 0 when source is TSC_CPUID_NONE */
	uint64_t crystal_hz;	/* the LAPIC timer's clock; 0 if unknown */
};

/* What CPUID says about the TSC and crystal rates. */
void tsc_cpuid_rates(const struct tsc_cpuid *c, struct tsc_cpuid_rates *out);

/* "CPUID 0x15", "CPUID 0x15+0x16", "CPUID 0x16" or "none". */
const char *tsc_cpuid_source_name(enum tsc_cpuid_source source);

/* Rates agree when they differ by at most this many parts per thousand. */
#define TSC_AGREE_PERMILLE 20

/* True when a and b are both non-zero and within TSC_AGREE_PERMILLE. */
bool tsc_rates_agree(uint64_t a, uint64_t b);

#endif
