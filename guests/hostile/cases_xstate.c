// SPDX-License-Identifier: MIT
/*
 * CR4.OSXSAVE, XSETBV/XGETBV and the XSAVE components (AVX, AVX-512,
 * PKRU): legal values accepted and private, illegal ones #GP, reset values.
 * The group's own VM: XSETBV is where a hypervisor may stop a guest.
 */
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

#define PRIV_ROUNDS 15
#define SEED_HOSTILE 0x48
#define SEED_VICTIM 0x56

static bool cpuid_osxsave(void)
{
	return cpuid(1, 0).ecx & (1u << 27);
}

bool xsetbv_try(uint32_t ecx, uint64_t value)
{
	TRY("xsetbv", : : "c"(ecx), "a"((uint32_t)value),
	    "d"((uint32_t)(value >> 32)) : "r11", "memory");
	return trap.vector < 0;
}

static uint64_t full_xcr0(void)
{
	uint64_t x = 3 | xstate_components();

	if (!has_avx())
		return 3;
	if (!has_avx512())
		x &= ~0xe0ull;
	return x;
}

void case_cpuid_osxsave(void)
{
	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	sse_enable();
	write_cr4(read_cr4() & ~CR4_OSXSAVE);
	if (cpuid_osxsave())
		fail("CPUID.1:ECX.OSXSAVE set while CR4.OSXSAVE is clear");
	write_cr4(read_cr4() | CR4_OSXSAVE);
	if (!(read_cr4() & CR4_OSXSAVE))
		fail("CR4.OSXSAVE did not stick");
	else if (!cpuid_osxsave())
		fail("CPUID.1:ECX.OSXSAVE clear while CR4.OSXSAVE is set");
}

void case_xsetbv_no_osxsave_ud(void)
{
	uint64_t cr4 = read_cr4();

	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	write_cr4(cr4 & ~CR4_OSXSAVE);
	xsetbv_try(0, 3);
	write_cr4(cr4 | CR4_OSXSAVE);
	expect_vector("xsetbv with CR4.OSXSAVE clear", VECTOR_UD);
}

void case_reset_xcr0(void)
{
	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	write_cr4(read_cr4() | CR4_OSXSAVE);
	if (xgetbv0() != 1)
		fail("XCR0 of a fresh vCPU is %#lx, want 1%s", xgetbv0(),
		     xgetbv0() == full_xcr0() ? " (the victim's value?)" : "");
}

void case_xsetbv_legal(void)
{
	uint64_t full = full_xcr0();

	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	if (!xsetbv_try(0, 3) || xgetbv0() != 3)
		fail("XCR0=3: vector %d, reads %#lx", trap.vector, xgetbv0());
	else if (!xsetbv_try(0, 1) || xgetbv0() != 1)
		fail("XCR0=1: vector %d, reads %#lx", trap.vector, xgetbv0());
	else if (!xsetbv_try(0, full) || xgetbv0() != full)
		fail("XCR0=%#lx: vector %d, reads %#lx", full, trap.vector, xgetbv0());
}

void case_reset_ymm(void)
{
	static struct xstate_buf got, zero;
	uint8_t seen;
	int bad;

	if (!has_avx()) {
		skip("no AVX");
		return;
	}
	if (!xsetbv_try(0, full_xcr0())) {
		fail("xsetbv %#lx faulted", full_xcr0());
		return;
	}
	xstate_save(&got, 4);
	bad = xstate_compare(&got, &zero, 4, &seen);
	if (bad >= 0)
		fail("a fresh vCPU's %s is not zero (pattern seed %#x%s)",
		     xstate_name(bad), seen,
		     seen == SEED_VICTIM ? ": the victim's" : "");
}

static void xsetbv_refused(const char *what, uint32_t ecx, uint64_t value)
{
	uint64_t before = xgetbv0();

	if (xsetbv_try(ecx, value))
		fail("xsetbv %s (ecx %u, %#lx) was accepted", what, ecx, value);
	else if (trap.vector != VECTOR_GP)
		fail("xsetbv %s: vector %d, want #GP", what, trap.vector);
	else if (xgetbv0() != before)
		fail("XCR0 changed to %#lx by a refused xsetbv", xgetbv0());
}

void case_xsetbv_illegal_gp(void)
{
	uint64_t supported = xcr0_supported();
	int bit;

	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	xsetbv_refused("without x87", 0, 2);
	xsetbv_refused("AVX without SSE", 0, 5);
	xsetbv_refused("ecx=1", 1, 1);
	xsetbv_refused("ecx=2^31", 0x80000000u, 3);
	for (bit = 2; bit < 63 && (supported & (1ull << bit)); bit++)
		;
	xsetbv_refused("an unsupported component", 0, 3 | (1ull << bit));
	xsetbv_refused("bit 63", 0, 3 | (1ull << 63));
	if (has_avx512())
		xsetbv_refused("AVX-512 without AVX", 0, 3 | 0xe0);
}

void case_priv_xcr0(void)
{
	uint64_t full = full_xcr0();

	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	if (!xsetbv_try(0, 1)) {
		fail("xsetbv 1 faulted");
		return;
	}
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		sleep_ns(2000000);
		if (xgetbv0() != 1)
			fail("XCR0 is %#lx, we set 1%s", xgetbv0(),
			     xgetbv0() == full ? " (the victim's value)" : "");
	}
	xsetbv_try(0, full);
}

static void priv_components(uint64_t rfbm, const char *missing)
{
	static struct xstate_buf mine, got;

	if (!rfbm) {
		skip(missing);
		return;
	}
	if (!xsetbv_try(0, full_xcr0())) {
		fail("xsetbv %#lx faulted", full_xcr0());
		return;
	}
	xstate_fill(&mine, rfbm, SEED_HOSTILE);
	xstate_restore(&mine, rfbm);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		uint8_t seen;
		int bad;

		sleep_ns(2000000);
		xstate_save(&got, rfbm);
		bad = xstate_compare(&got, &mine, rfbm, &seen);
		if (bad >= 0)
			fail("%s changed (pattern seed %#x%s)", xstate_name(bad), seen,
			     seen == SEED_VICTIM ? ": the victim's" : "");
	}
}

void case_priv_ymm(void)
{
	priv_components(has_avx() ? 4 : 0, "no AVX");
}

void case_priv_avx512(void)
{
	priv_components(has_avx512() ? 0xe0 : 0, "no AVX-512");
}

void case_priv_pkru(void)
{
	priv_components(has_avx() ? xstate_components() & (1ull << 9) : 0,
			"no PKRU in XCR0");
}
