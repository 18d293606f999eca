// SPDX-License-Identifier: MIT
/*
 * The victim: fills every register class it can with its markers, then
 * sleeps 1 ms at a time (so the attackers on its CPU run in between) and
 * checks them all after each sleep, for run=MS of TSC time. With `xstate`
 * it covers CR4.OSXSAVE, XCR0 and the XSAVE components instead (XSETBV
 * is a separate risk: that VM may be stopped while the other goes on).
 * It ends with
 *   victim: done: N rounds in T ms, max gap G ms, M mismatches
 *   victim: mismatch CLASS: K times (first: DETAIL)     for each class hit
 *   victim: end
 */
#include <lib/format.h>
#include <lib/string.h>

#include "hostile.h"

#define SLEEP_NS  1000000ull
#define SEED_VICTIM 0x56
#define MAX_CLASSES 32

struct class_stat {
	const char *name;
	unsigned int count;
	char first[96];
};

static struct class_stat stats[MAX_CLASSES];
static unsigned int nstats;
static uint64_t mismatches;

static void mismatch(const char *class, const char *fmt, uint64_t got,
		     uint64_t want)
{
	struct class_stat *s = NULL;

	mismatches++;
	for (unsigned int i = 0; i < nstats; i++)
		if (!strcmp(stats[i].name, class))
			s = &stats[i];
	if (!s && nstats < MAX_CLASSES) {
		s = &stats[nstats++];
		s->name = class;
		snprintf(s->first, sizeof(s->first), fmt, got, want);
	}
	if (s)
		s->count++;
}

/* ----------------------------------------------------- the basic classes */

static struct fxsave_area fpu_want, fpu_got;

static const struct {
	const char *name;
	uint32_t msr;
	uint64_t value;
} victim_mtrrs[] = {
	{ "mtrr_def_type", MSR_IA32_MTRR_DEF_TYPE, VICTIM_MTRR_DEF },
	{ "mtrr_physbase0", MSR_IA32_MTRR_PHYSBASE0, VICTIM_MTRR_BASE },
	{ "mtrr_physmask0", MSR_IA32_MTRR_PHYSBASE0 + 1, VICTIM_MTRR_MASK },
	{ "mtrr_fix64k", MSR_IA32_MTRR_FIX64K_00000, VICTIM_MTRR_FIX },
};
static const unsigned int victim_mtrr_count =
	sizeof(victim_mtrrs) / sizeof(victim_mtrrs[0]);

static void fill_basic(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	fpu_fill(&fpu_want, VICTIM_MARK, VICTIM_FCW, VICTIM_MXCSR);
	fxrstor(&fpu_want);
	for (int n = 0; n < 4; n++)
		write_dr(n, VICTIM_ADDR(n));
	write_dr(6, VICTIM_DR6);
	write_dr(7, VICTIM_DR7);
	write_cr2_(VICTIM_ADDR(8));
	write_cr8_(VICTIM_CR8);
	for (unsigned int i = 0; i < private_msr_count; i++)
		wrmsr(private_msrs[i].msr, private_msr_value(&private_msrs[i], true));
	wrmsr(MSR_IA32_PAT, VICTIM_PAT);
	for (unsigned int i = 0; i < victim_mtrr_count; i++)
		wrmsr(victim_mtrrs[i].msr, victim_mtrrs[i].value);
	wrmsr(MSR_EFER, efer | 1);	/* SCE */
	wrmsr(X2_TIMER_DIV, 0x3);	/* divide by 16 */
	wrmsr(X2_LVT_TIMER, (1u << 16) | 0x66);	/* masked, vector 0x66 */
}

static void check_basic(void)
{
	static const int drs[] = { 0, 1, 2, 3 };
	static const char *const dr_names[] = { "dr0", "dr1", "dr2", "dr3" };
	uint64_t v;

	fxsave(&fpu_got);
	if (fpu_got.fcw != fpu_want.fcw)
		mismatch("x87_fcw", "got %#lx want %#lx", fpu_got.fcw, fpu_want.fcw);
	if (memcmp(fpu_got.st, fpu_want.st, sizeof(fpu_got.st)))
		mismatch("x87_st", "st0 mantissa %#lx want %#lx",
			 *(uint64_t *)fpu_got.st[0], *(uint64_t *)fpu_want.st[0]);
	if (fpu_got.mxcsr != fpu_want.mxcsr)
		mismatch("mxcsr", "got %#lx want %#lx", fpu_got.mxcsr, fpu_want.mxcsr);
	for (int r = 0; r < 16; r++)
		if (memcmp(fpu_got.xmm[r], fpu_want.xmm[r], 16)) {
			mismatch("xmm", "low qword %#lx want %#lx",
				 *(uint64_t *)fpu_got.xmm[r],
				 *(uint64_t *)fpu_want.xmm[r]);
			break;
		}
	if (fpu_got.fcw != fpu_want.fcw || fpu_got.mxcsr != fpu_want.mxcsr ||
	    memcmp(fpu_got.st, fpu_want.st, sizeof(fpu_got.st)) ||
	    memcmp(fpu_got.xmm, fpu_want.xmm, sizeof(fpu_got.xmm)))
		fxrstor(&fpu_want);

	for (unsigned int i = 0; i < 4; i++) {
		v = read_dr(drs[i]);
		if (v != VICTIM_ADDR(i)) {
			mismatch(dr_names[i], "got %#lx want %#lx", v, VICTIM_ADDR(i));
			write_dr(drs[i], VICTIM_ADDR(i));
		}
	}
	v = read_dr(6);
	if (v != VICTIM_DR6) {
		mismatch("dr6", "got %#lx want %#lx", v, VICTIM_DR6);
		write_dr(6, VICTIM_DR6);
	}
	v = read_dr(7);
	if (v != VICTIM_DR7) {
		mismatch("dr7", "got %#lx want %#lx", v, VICTIM_DR7);
		write_dr(7, VICTIM_DR7);
	}
	v = read_cr2_();
	if (v != VICTIM_ADDR(8)) {
		mismatch("cr2", "got %#lx want %#lx", v, VICTIM_ADDR(8));
		write_cr2_(VICTIM_ADDR(8));
	}
	v = read_cr8_();
	if (v != VICTIM_CR8) {
		mismatch("cr8", "got %#lx want %#lx", v, VICTIM_CR8);
		write_cr8_(VICTIM_CR8);
	}
	for (unsigned int i = 0; i < private_msr_count; i++) {
		const struct private_msr *m = &private_msrs[i];
		uint64_t want = private_msr_value(m, true);

		v = rdmsr(m->msr);
		if (v != want) {
			mismatch(m->name, "got %#lx want %#lx", v, want);
			wrmsr(m->msr, want);
		}
	}
	v = rdmsr(MSR_IA32_PAT);
	if (v != VICTIM_PAT) {
		mismatch("pat", "got %#lx want %#lx", v, VICTIM_PAT);
		wrmsr(MSR_IA32_PAT, VICTIM_PAT);
	}
	for (unsigned int i = 0; i < victim_mtrr_count; i++) {
		v = rdmsr(victim_mtrrs[i].msr);
		if (v != victim_mtrrs[i].value) {
			mismatch(victim_mtrrs[i].name, "got %#lx want %#lx", v,
				 victim_mtrrs[i].value);
			wrmsr(victim_mtrrs[i].msr, victim_mtrrs[i].value);
		}
	}
	v = rdmsr(MSR_EFER);
	if (!(v & 1)) {
		mismatch("efer", "got %#lx want SCE (%#lx)", v, 1);
		wrmsr(MSR_EFER, v | 1);
	}
	v = rdmsr(X2_TIMER_DIV);
	if (v != 0x3)
		mismatch("vlapic", "divide %#lx want %#lx", v, 3);
	v = rdmsr(X2_LVT_TIMER);
	if (v != ((1u << 16) | 0x66))
		mismatch("vlapic", "lvt timer %#lx want %#lx", v, (1u << 16) | 0x66);
}

/* ---------------------------------------------------- the XSAVE classes */

static struct xstate_buf xs_want, xs_got;
static uint64_t xs_rfbm, xs_xcr0;

static void fill_xstate(void)
{
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	xs_rfbm = has_avx() ? xstate_components() : 0;
	if (!has_avx512())
		xs_rfbm &= ~0xe0ull;
	xs_xcr0 = 3 | xs_rfbm;
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)xs_xcr0),
			 "d"((uint32_t)(xs_xcr0 >> 32)));
	xstate_fill(&xs_want, xs_rfbm, SEED_VICTIM);
	if (xs_rfbm)
		xstate_restore(&xs_want, xs_rfbm);
}

static void check_xstate(void)
{
	uint64_t cr4, v;
	uint8_t seen;
	int bad;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (!(cr4 & CR4_OSXSAVE)) {
		mismatch("cr4_osxsave", "cr4 %#lx, want bit %#lx", cr4, CR4_OSXSAVE);
		return;
	}
	v = xgetbv0();
	if (v != xs_xcr0) {
		mismatch("xcr0", "got %#lx want %#lx", v, xs_xcr0);
		__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)xs_xcr0),
				 "d"((uint32_t)(xs_xcr0 >> 32)));
	}
	if (!xs_rfbm)
		return;
	xstate_save(&xs_got, xs_rfbm);
	bad = xstate_compare(&xs_got, &xs_want, xs_rfbm, &seen);
	if (bad >= 0) {
		mismatch(xstate_name(bad), "seed %#lx want %#lx", seen, SEED_VICTIM);
		xstate_restore(&xs_want, xs_rfbm);
	}
}

/* ------------------------------------------------------------ the loop */

void victim_main(void)
{
	bool xs = arg_u64("xstate", 0) != 0;
	uint64_t run = ms_to_tsc(arg_u64("run", 5000));
	uint64_t gpr[15], t0, last, gap_max = 0, gap_end = 0, rounds = 0;
	int vmm = use_vmmcall();

	sse_enable();
	if (xs) {
		fill_xstate();
		gprintf("victim: xstate: xcr0 %#lx, components %#lx\n", xs_xcr0,
			xs_rfbm);
	} else {
		fill_basic();
	}
	gprintf("victim: markers set; running %lu ms\n", tsc_to_ms(run));
	t0 = last = rdtsc();
	while (rdtsc() - t0 < run) {
		unsigned int bad;
		uint64_t now;

		gpr_sleep(gpr, SLEEP_NS, vmm, VICTIM_MARK);
		now = rdtsc();
		if (now - last > gap_max) {
			gap_max = now - last;
			gap_end = now;
		}
		last = now;
		if (gpr_check(gpr, SLEEP_NS, VICTIM_MARK, &bad))
			mismatch("gpr", "word %lu: %#lx", bad, gpr[bad]);
		if (xs)
			check_xstate();
		else
			check_basic();
		rounds++;
	}
	gprintf("victim: done: %lu rounds in %lu ms, max gap %lu ms, %lu mismatches\n",
		rounds, tsc_to_ms(rdtsc() - t0), tsc_to_ms(gap_max), mismatches);
	/* TSC ms, the clock the attackers print their cases' starts with */
	gprintf("victim: the largest gap was %lu-%lu ms\n",
		tsc_to_ms(gap_end - gap_max), tsc_to_ms(gap_end));
	for (unsigned int i = 0; i < nstats; i++)
		gprintf("victim: mismatch %s: %u times (first: %s)\n",
			stats[i].name, stats[i].count, stats[i].first);
	gprintf("victim: end\n");
}
