// SPDX-License-Identifier: MIT
/*
 * Register classes: what a fresh vCPU sees (reset values, never another
 * vCPU's markers), and that what this vCPU writes stays its own while the
 * victims on its CPU run in between (sleeps of 2 ms).
 */
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

#define PRIV_ROUNDS 15
#define PRIV_SLEEP_NS 2000000ull
#define CR4_RESET 0x20ull
#define EFER_RESET 0x500ull
#define APIC_BASE_BSP_X2 0xfee00d00ull

static void pause_for_victims(void)
{
	sleep_ns(PRIV_SLEEP_NS);
}

/* What a register holds versus ours and the victim's marker. */
static bool judge(const char *reg, uint64_t got, uint64_t mine, uint64_t victims)
{
	if (got == mine)
		return true;
	if (got == victims)
		fail("%s holds the victim's marker %#lx", reg, got);
	else
		fail("%s lost our value: got %#lx want %#lx", reg, got, mine);
	return false;
}

static bool judge_reset(const char *reg, uint64_t got, uint64_t reset)
{
	if (got == reset)
		return true;
	fail("%s is %#lx, want the reset value %#lx", reg, got, reset);
	return false;
}

/* --------------------------------------------------------- reset values */

void case_reset_cr4(void)
{
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	judge_reset("cr4", cr4, CR4_RESET);
}

void case_reset_efer(void)
{
	judge_reset("efer", rdmsr(MSR_EFER), EFER_RESET);
}

void case_reset_pat(void)
{
	judge_reset("pat", rdmsr(MSR_IA32_PAT), PAT_RESET);
}

void case_reset_apic_base(void)
{
	judge_reset("apic_base", rdmsr(MSR_IA32_APIC_BASE), APIC_BASE_BSP_X2);
}

void case_reset_dr(void)
{
	static const char *const names[] = { "dr0", "dr1", "dr2", "dr3" };

	for (int n = 0; n < 4; n++)
		judge_reset(names[n], read_dr(n), 0);
	judge_reset("dr6", read_dr(6), DR6_RESET);
	judge_reset("dr7", read_dr(7), 0x400);
}

void case_reset_cr2(void)
{
	judge_reset("cr2", read_cr2_(), 0);
}

void case_reset_cr8(void)
{
	judge_reset("cr8", read_cr8_(), 0);
}

void case_reset_msrs(void)
{
	for (unsigned int i = 0; i < private_msr_count; i++)
		judge_reset(private_msrs[i].name, rdmsr(private_msrs[i].msr), 0);
}

static struct fxsave_area fx;

static bool fpu_is_reset(const struct fxsave_area *a)
{
	static const uint8_t zero[16];

	judge_reset("fcw", a->fcw, 0x37f);
	judge_reset("fsw", a->fsw, 0);
	judge_reset("ftw (abridged)", a->ftw, 0);
	judge_reset("mxcsr", a->mxcsr, 0x1f80);
	for (int r = 0; r < 8; r++)
		if (memcmp(a->st[r], zero, 10))
			fail("st%d is %#lx..., want 0", r,
			     *(const uint64_t *)a->st[r]);
	for (int r = 0; r < 16; r++)
		if (memcmp(a->xmm[r], zero, 16))
			fail("xmm%d is %#lx..., want 0%s", r, *(const uint64_t *)a->xmm[r],
			     (*(const uint64_t *)a->xmm[r] & ~0xffffull) == VICTIM_MARK ?
			     " (the victim's marker)" : "");
	return !case_failed();
}

void case_reset_fpu(void)
{
	sse_enable();
	fxsave(&fx);
	fpu_is_reset(&fx);
}

/* A second vCPU started after vCPU 0 wrote its markers: reset values. */
struct ap_report {
	volatile int done;
	uint64_t dr[8], cr2, cr8, cr4, msr[16];
	struct fxsave_area fx;
};
static struct ap_report ap;
static uint8_t ap_stack[16384] __attribute__((aligned(16)));

void guest_ap_main(uint64_t arg)
{
	uint64_t cr4;

	if (arg == 1) {
		race_ap();
		return;
	}
	for (int n = 0; n < 8; n++)
		if (n < 4 || n >= 6)
			ap.dr[n] = read_dr(n);
	ap.cr2 = read_cr2_();
	ap.cr8 = read_cr8_();
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	ap.cr4 = cr4;
	for (unsigned int i = 0; i < private_msr_count; i++)
		ap.msr[i] = rdmsr(private_msrs[i].msr);
	sse_enable();
	fxsave(&ap.fx);
	__atomic_store_n(&ap.done, 1, __ATOMIC_RELEASE);
}

static void set_hostile_markers(void)
{
	struct fxsave_area mine;

	sse_enable();
	fpu_fill(&mine, HOSTILE_MARK, HOSTILE_FCW, HOSTILE_MXCSR);
	fxrstor(&mine);
	for (int n = 0; n < 4; n++)
		write_dr(n, HOSTILE_ADDR(n));
	write_dr(6, HOSTILE_DR6);
	write_dr(7, HOSTILE_DR7);
	write_cr2_(HOSTILE_ADDR(8));
	write_cr8_(HOSTILE_CR8);
	for (unsigned int i = 0; i < private_msr_count; i++)
		wrmsr(private_msrs[i].msr, private_msr_value(&private_msrs[i], false));
}

static void clear_markers(void)
{
	for (int n = 0; n < 4; n++)
		write_dr(n, 0);
	write_dr(6, DR6_RESET);
	write_dr(7, 0x400);
	write_cr8_(0);
	for (unsigned int i = 0; i < private_msr_count; i++)
		wrmsr(private_msrs[i].msr, 0);
}

void case_ap_reset(void)
{
	long ret;
	uint64_t t0;

	set_hostile_markers();
	ret = vcpu_start(1, ap_stack + sizeof(ap_stack), 0);
	if (ret) {
		fail("vcpu_start(1) returned %ld", ret);
		return;
	}
	t0 = now_ms();
	while (!__atomic_load_n(&ap.done, __ATOMIC_ACQUIRE)) {
		sleep_ns(1000000);
		if (now_ms() - t0 > 5000) {
			fail("vCPU 1 did not report within 5 s");
			return;
		}
	}
	clear_markers();
	for (int n = 0; n < 4; n++)
		judge_reset("ap dr0-3", ap.dr[n], 0);
	judge_reset("ap dr6", ap.dr[6], DR6_RESET);
	judge_reset("ap dr7", ap.dr[7], 0x400);
	judge_reset("ap cr2", ap.cr2, 0);
	judge_reset("ap cr8", ap.cr8, 0);
	judge_reset("ap cr4", ap.cr4, CR4_RESET);
	for (unsigned int i = 0; i < private_msr_count; i++)
		judge_reset(private_msrs[i].name, ap.msr[i], 0);
	fpu_is_reset(&ap.fx);
}

void case_cr4_osfxsr(void)
{
	uint64_t cr4;

	sse_enable();
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if ((cr4 & (CR4_OSFXSR | CR4_OSXMMEXCPT)) != (CR4_OSFXSR | CR4_OSXMMEXCPT))
		fail("cr4 %#lx after setting OSFXSR and OSXMMEXCPT", cr4);
	TRY("xorps %%xmm0, %%xmm0", : : : "r11", "memory");
	expect_no_fault("xorps with CR4.OSFXSR");
}

/* ------------------------------------------------------ privacy: classes */

void case_priv_gpr(void)
{
	uint64_t out[15];
	unsigned int bad;

	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		gpr_sleep(out, PRIV_SLEEP_NS, use_vmmcall(), HOSTILE_MARK);
		if (gpr_check(out, PRIV_SLEEP_NS, HOSTILE_MARK, &bad))
			judge("a general register", out[bad],
			      bad < 12 ? HOSTILE_MARK + bad + 1 : 0,
			      VICTIM_MARK + bad + 1);
	}
}

static void priv_fpu(int what)
{
	struct fxsave_area mine, got;

	sse_enable();
	fpu_fill(&mine, HOSTILE_MARK, HOSTILE_FCW, HOSTILE_MXCSR);
	fxrstor(&mine);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		fxsave(&got);
		switch (what) {
		case 0:
			judge("fcw", got.fcw, HOSTILE_FCW, VICTIM_FCW);
			for (int r = 0; r < 8; r++)
				judge("st", *(uint64_t *)got.st[r],
				      *(uint64_t *)mine.st[r],
				      (*(uint64_t *)mine.st[r] & 0xffffffff) |
				      VICTIM_MARK | (1ull << 63));
			break;
		case 1:
			judge("mxcsr", got.mxcsr, HOSTILE_MXCSR, VICTIM_MXCSR);
			break;
		default:
			for (int r = 0; r < 16; r++)
				judge("xmm", *(uint64_t *)got.xmm[r],
				      *(uint64_t *)mine.xmm[r],
				      VICTIM_MARK | (0x200 + r));
			break;
		}
	}
	fpu_fill(&mine, 0, 0x37f, 0x1f80);
	mine.ftw = 0;
	fxrstor(&mine);
}

void case_priv_x87(void) { priv_fpu(0); }
void case_priv_mxcsr(void) { priv_fpu(1); }
void case_priv_xmm(void) { priv_fpu(2); }

void case_priv_dr0_3(void)
{
	for (int n = 0; n < 4; n++)
		write_dr(n, HOSTILE_ADDR(n));
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		for (int n = 0; n < 4; n++)
			judge("dr0-3", read_dr(n), HOSTILE_ADDR(n), VICTIM_ADDR(n));
	}
	for (int n = 0; n < 4; n++)
		write_dr(n, 0);
}

static void priv_dr(int n, uint64_t mine, uint64_t victims, uint64_t reset)
{
	write_dr(n, mine);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		judge(n == 6 ? "dr6" : "dr7", read_dr(n), mine, victims);
	}
	write_dr(n, reset);
}

void case_priv_dr6(void) { priv_dr(6, HOSTILE_DR6, VICTIM_DR6, DR6_RESET); }
void case_priv_dr7(void) { priv_dr(7, HOSTILE_DR7, VICTIM_DR7, 0x400); }

void case_priv_cr2(void)
{
	write_cr2_(HOSTILE_ADDR(8));
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		judge("cr2", read_cr2_(), HOSTILE_ADDR(8), VICTIM_ADDR(8));
	}
}

void case_priv_cr8(void)
{
	write_cr8_(HOSTILE_CR8);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		judge("cr8", read_cr8_(), HOSTILE_CR8, VICTIM_CR8);
	}
	write_cr8_(0);
}

static void priv_msr(const char *name)
{
	for (unsigned int k = 0; k < private_msr_count; k++) {
		const struct private_msr *m = &private_msrs[k];
		uint64_t mine = private_msr_value(m, false);

		if (strncmp(m->name, name, strlen(name)))
			continue;
		wrmsr(m->msr, mine);
		for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
			pause_for_victims();
			judge(m->name, rdmsr(m->msr), mine,
			      private_msr_value(m, true));
		}
		wrmsr(m->msr, 0);
	}
}

void case_priv_lstar(void) { priv_msr("lstar"); }
void case_priv_star(void) { priv_msr("star"); }
void case_priv_cstar(void) { priv_msr("cstar"); }
void case_priv_sfmask(void) { priv_msr("sfmask"); }
void case_priv_kernel_gs_base(void) { priv_msr("kernel_gs_base"); }
void case_priv_fs_base(void) { priv_msr("fs_base"); }
void case_priv_gs_base(void) { priv_msr("gs_base"); }
void case_priv_sysenter(void) { priv_msr("sysenter"); }

void case_priv_pat(void)
{
	wrmsr(MSR_IA32_PAT, HOSTILE_PAT);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		judge("pat", rdmsr(MSR_IA32_PAT), HOSTILE_PAT, VICTIM_PAT);
	}
	wrmsr(MSR_IA32_PAT, PAT_RESET);
}

void case_priv_efer(void)
{
	uint64_t efer = rdmsr(MSR_EFER) & ~1ull;	/* SCE clear; the victim's is set */

	wrmsr(MSR_EFER, efer);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		judge("efer", rdmsr(MSR_EFER), efer, efer | 1);
	}
}

void case_priv_vlapic(void)
{
	wrmsr(X2_TIMER_DIV, 0xb);
	wrmsr(X2_LVT_TIMER, (1u << 16) | 0x77);
	for (int i = 0; i < PRIV_ROUNDS && !case_failed(); i++) {
		pause_for_victims();
		judge("lapic divide", rdmsr(X2_TIMER_DIV), 0xb, 0x3);
		judge("lapic lvt timer", rdmsr(X2_LVT_TIMER), (1u << 16) | 0x77,
		      (1u << 16) | 0x66);
	}
}

/* ------------------------------------------------------------------ MTRRs */

#define MTRRCAP_RESET 0x508ull	/* 8 variable ranges, fixed ranges, WC */

static const uint32_t mtrr_fixed_msrs[] = {
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
};

/* A fresh VM's MTRRs are the reset values, never the victims' (set before). */
void case_reset_mtrr(void)
{
	judge_reset("mtrrcap", rdmsr(MSR_IA32_MTRRCAP), MTRRCAP_RESET);
	judge_reset("mtrr_def_type", rdmsr(MSR_IA32_MTRR_DEF_TYPE), 0);
	for (uint32_t m = 0x200; m < 0x210; m++)
		if (rdmsr(m) != 0)
			fail("variable MTRR %#x is %#lx, want 0", m, rdmsr(m));
	for (unsigned int i = 0; i < sizeof(mtrr_fixed_msrs) / 4; i++)
		if (rdmsr(mtrr_fixed_msrs[i]) != 0)
			fail("fixed MTRR %#x is %#lx, want 0", mtrr_fixed_msrs[i],
			     rdmsr(mtrr_fixed_msrs[i]));
}

void case_priv_mtrr(void)
{
	static const struct {
		const char *name;
		uint32_t msr;
		uint64_t mine, victims;
	} m[] = {
		{ "mtrr_def_type", MSR_IA32_MTRR_DEF_TYPE, HOSTILE_MTRR_DEF,
		  VICTIM_MTRR_DEF },
		{ "mtrr_physbase0", MSR_IA32_MTRR_PHYSBASE0, HOSTILE_MTRR_BASE,
		  VICTIM_MTRR_BASE },
		{ "mtrr_physmask0", MSR_IA32_MTRR_PHYSBASE0 + 1, HOSTILE_MTRR_MASK,
		  VICTIM_MTRR_MASK },
		{ "mtrr_fix64k", MSR_IA32_MTRR_FIX64K_00000, HOSTILE_MTRR_FIX,
		  VICTIM_MTRR_FIX },
	};
	const unsigned int n = sizeof(m) / sizeof(m[0]);

	for (unsigned int i = 0; i < n; i++)
		wrmsr(m[i].msr, m[i].mine);
	for (int r = 0; r < PRIV_ROUNDS && !case_failed(); r++) {
		pause_for_victims();
		for (unsigned int i = 0; i < n; i++)
			judge(m[i].name, rdmsr(m[i].msr), m[i].mine, m[i].victims);
	}
	for (unsigned int i = 0; i < n; i++)
		wrmsr(m[i].msr, 0);
}
