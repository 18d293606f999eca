/* SPDX-License-Identifier: MIT */
/*
 * The XCR0 rules of SDM 13.3, as pure functions (host-tested in
 * tests/unit/test_xcr0.c): which components a guest may be offered, and
 * which XSETBV(0, value) a CPU accepts. arch/x86/guest_state.c applies
 * them to the host CPU's components.
 */
#ifndef KEEL_ARCH_XCR0_RULES_H
#define KEEL_ARCH_XCR0_RULES_H

#include <stdbool.h>
#include <stdint.h>

/* XCR0 state components (SDM 13.1) */
#define XFEATURE_X87       (1ull << 0)
#define XFEATURE_SSE       (1ull << 1)
#define XFEATURE_AVX       (1ull << 2)
#define XFEATURE_BNDREGS   (1ull << 3)
#define XFEATURE_BNDCSR    (1ull << 4)
#define XFEATURE_OPMASK    (1ull << 5)
#define XFEATURE_ZMM_HI256 (1ull << 6)
#define XFEATURE_HI16_ZMM  (1ull << 7)
#define XFEATURE_PKRU      (1ull << 9)
#define XFEATURE_AVX512    (XFEATURE_OPMASK | XFEATURE_ZMM_HI256 | \
			    XFEATURE_HI16_ZMM)

/*
 * What guests may enable out of host, the CPU's CPUID.(0xD,0) EDX:EAX:
 * x87 always; SSE, AVX, the AVX-512 trio and PKRU where the CPU has them
 * and their prerequisites hold (AVX needs SSE; AVX-512 all three and AVX).
 * No MPX (BNDCFGS is not switched per vCPU), no AMX or other components.
 */
uint64_t xcr0_guest_mask(uint64_t host);

/* Would a CPU offering supported accept XSETBV(0, xcr0)? */
bool xcr0_valid(uint64_t xcr0, uint64_t supported);

#endif
