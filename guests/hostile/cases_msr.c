// SPDX-License-Identifier: MIT
/*
 * The MSRs a general OS reads at boot (docs/cpuid.md, "MSRs"): each one
 * answers as a real CPU of the host's vendor would, or #GPs as a CPU
 * without it; what CPUID says agrees. Also the guest's TSC: near 0 when
 * its VM starts, its own to write, monotonic when its vCPU moves.
 */
#include <lib/format.h>
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

#define LEAF1_EDX_MCE   (1u << 7)
#define LEAF1_EDX_MTRR  (1u << 12)
#define LEAF1_EDX_MCA   (1u << 14)
#define LEAF1_EDX_PAT   (1u << 16)
#define LEAF1_EDX_DS    (1u << 21)
#define LEAF1_EDX_ACPI  (1u << 22)
#define LEAF1_EDX_TM    (1u << 29)
#define LEAF1_ECX_EIST  (1u << 7)
#define LEAF1_ECX_PDCM  (1u << 15)
#define LEAF7_EBX_TSC_ADJUST (1u << 1)
#define LEAF7_EDX_SPEC  ((1u << 26) | (1u << 27) | (1u << 29) | (1u << 31))
#define LEAF7_EDX_L1D_FLUSH (1u << 28)
#define EXT8_EBX_SPEC   ((1u << 12) | (1u << 14) | (1u << 15) | (1u << 24))
#define RDTSCP_SHOWN    (1u << 27)	/* CPUID 0x80000001 EDX */

#define MISC_ENABLE_RESET 0x1801ull	/* fast strings, BTS and PEBS unavailable */
#define MCG_BANKS       2
#define TSC_START_MAX_MS 2000
#define TSC_JUMP        (1ull << 40)
#define TSC_PIN_RUN_MS  3000
#define TSC_PIN_SLEEP_EVERY 4096

static bool amd(void)
{
	return use_vmmcall();
}

/* The guest's MAXPHYADDR, for the address bits of PHYSBASE/PHYSMASK. */
static unsigned int phys_bits(void)
{
	if (cpuid(0x80000000, 0).eax < 0x80000008)
		return 36;
	return cpuid(0x80000008, 0).eax & 0xff;
}

static void want_gp_rd(const char *name, uint32_t msr)
{
	uint64_t v;

	if (try_rdmsr(msr, &v) != VECTOR_GP)
		fail("rdmsr %s (%#x): %s, want #GP", name, msr,
		     trap.vector < 0 ? "read" : "another fault");
}

static void want_gp_wr(const char *name, uint32_t msr, uint64_t value)
{
	if (try_wrmsr(msr, value) != VECTOR_GP)
		fail("wrmsr %s (%#x) = %#lx: %s, want #GP", name, msr, value,
		     trap.vector < 0 ? "accepted" : "another fault");
}

static bool want_value(const char *name, uint32_t msr, uint64_t want)
{
	uint64_t v;

	if (try_rdmsr(msr, &v) != -1) {
		fail("rdmsr %s (%#x): vector %d", name, msr, trap.vector);
		return false;
	}
	if (v != want) {
		fail("%s (%#x) reads %#lx, want %#lx", name, msr, v, want);
		return false;
	}
	return true;
}

static bool want_write(const char *name, uint32_t msr, uint64_t value)
{
	if (try_wrmsr(msr, value) == -1)
		return true;
	fail("wrmsr %s (%#x) = %#lx: vector %d, want accepted", name, msr, value,
	     trap.vector);
	return false;
}

/* ------------------------------------------------------------- CPUID */

void case_cpuid_msr_features(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if ((r.edx & (LEAF1_EDX_MCE | LEAF1_EDX_MTRR | LEAF1_EDX_MCA | LEAF1_EDX_PAT)) !=
	    (LEAF1_EDX_MCE | LEAF1_EDX_MTRR | LEAF1_EDX_MCA | LEAF1_EDX_PAT))
		fail("leaf 1 EDX %#x lacks MCE, MTRR, MCA or PAT", r.edx);
	if (r.edx & (LEAF1_EDX_DS | LEAF1_EDX_ACPI | LEAF1_EDX_TM))
		fail("leaf 1 EDX %#x shows DS, ACPI or TM", r.edx);
	if (r.ecx & (LEAF1_ECX_EIST | LEAF1_ECX_PDCM))
		fail("leaf 1 ECX %#x shows EIST or PDCM", r.ecx);
	if (cpuid(7, 0).ebx & LEAF7_EBX_TSC_ADJUST)
		fail("leaf 7 shows IA32_TSC_ADJUST");
}

/* ------------------------------------------------------------- MTRRs */

void case_mtrr_rw(void)
{
	static const uint64_t types[] = { 0, 1, 4, 5, 6 };
	uint64_t addr = ((1ull << phys_bits()) - 1) & ~0xfffull;

	want_write("MTRR_DEF_TYPE", MSR_IA32_MTRR_DEF_TYPE, 0xc06);
	want_value("MTRR_DEF_TYPE", MSR_IA32_MTRR_DEF_TYPE, 0xc06);
	for (uint32_t n = 0; n < 8 && !case_failed(); n++) {
		uint64_t base = ((uint64_t)(n + 1) << 24) | types[n % 5];
		uint64_t mask = (addr & ~0xffffffull) | 0x800;
		uint32_t msr = MSR_IA32_MTRR_PHYSBASE0 + 2 * n;

		want_write("PHYSBASEn", msr, base);
		want_write("PHYSMASKn", msr + 1, mask);
		want_value("PHYSBASEn", msr, base);
		want_value("PHYSMASKn", msr + 1, mask);
		/* the top address bit the CPU has */
		want_write("PHYSBASEn", msr, base | (1ull << (phys_bits() - 1)));
		want_value("PHYSBASEn", msr, base | (1ull << (phys_bits() - 1)));
	}
	want_write("FIX64K_00000", 0x250, 0x0606060606060606ull);
	want_value("FIX64K_00000", 0x250, 0x0606060606060606ull);
	want_write("FIX16K_A0000", 0x259, 0x0000000001010101ull);
	want_value("FIX16K_A0000", 0x259, 0x0000000001010101ull);
	want_write("FIX4K_F8000", 0x26f, 0x0504050400060106ull);
	want_value("FIX4K_F8000", 0x26f, 0x0504050400060106ull);
	/* back to reset */
	wrmsr(MSR_IA32_MTRR_DEF_TYPE, 0);
	for (uint32_t m = 0x200; m < 0x210; m++)
		wrmsr(m, 0);
	wrmsr(0x250, 0);
	wrmsr(0x259, 0);
	wrmsr(0x26f, 0);
}

void case_mtrr_invalid_gp(void)
{
	unsigned int bits = phys_bits();
	uint64_t def, base, mask, fix;

	wrmsr(MSR_IA32_MTRR_DEF_TYPE, 0x806);
	wrmsr(MSR_IA32_MTRR_PHYSBASE0, 0x100006);
	wrmsr(MSR_IA32_MTRR_PHYSBASE0 + 1, 0xfff00800);
	wrmsr(0x250, 0x0606060606060606ull);
	def = rdmsr(MSR_IA32_MTRR_DEF_TYPE);
	base = rdmsr(MSR_IA32_MTRR_PHYSBASE0);
	mask = rdmsr(MSR_IA32_MTRR_PHYSBASE0 + 1);
	fix = rdmsr(0x250);

	want_gp_wr("MTRR_DEF_TYPE type 2", MSR_IA32_MTRR_DEF_TYPE, 0x802);
	want_gp_wr("MTRR_DEF_TYPE type 3", MSR_IA32_MTRR_DEF_TYPE, 0x803);
	want_gp_wr("MTRR_DEF_TYPE type 7", MSR_IA32_MTRR_DEF_TYPE, 0x807);
	want_gp_wr("MTRR_DEF_TYPE type 8", MSR_IA32_MTRR_DEF_TYPE, 0x808);
	want_gp_wr("MTRR_DEF_TYPE bit 9", MSR_IA32_MTRR_DEF_TYPE, 0xa06);
	want_gp_wr("MTRR_DEF_TYPE bit 12", MSR_IA32_MTRR_DEF_TYPE, 0x1806);
	want_gp_wr("PHYSBASE0 type 2", MSR_IA32_MTRR_PHYSBASE0, 0x100002);
	want_gp_wr("PHYSBASE0 type 7", MSR_IA32_MTRR_PHYSBASE0, 0x100007);
	want_gp_wr("PHYSBASE0 bit 8", MSR_IA32_MTRR_PHYSBASE0, 0x100106);
	want_gp_wr("PHYSBASE0 past MAXPHYADDR", MSR_IA32_MTRR_PHYSBASE0,
		   (1ull << bits) | 6);
	want_gp_wr("PHYSMASK0 bit 0", MSR_IA32_MTRR_PHYSBASE0 + 1, 0xfff00801);
	want_gp_wr("PHYSMASK0 bit 10", MSR_IA32_MTRR_PHYSBASE0 + 1, 0xfff00c00);
	want_gp_wr("PHYSMASK0 past MAXPHYADDR", MSR_IA32_MTRR_PHYSBASE0 + 1,
		   (1ull << bits) | 0x800);
	want_gp_wr("FIX64K byte 3 type 2", 0x250, 0x0606060602060606ull);
	want_gp_wr("FIX64K byte 7 type 7", 0x250, 0x0706060606060606ull);
	want_gp_wr("FIX4K_C0000 type 0xff", 0x268, 0xffull);
	want_gp_wr("MTRRCAP", MSR_IA32_MTRRCAP, 0x508);
	want_gp_rd("PHYSBASE8 (only 8 ranges)", 0x210);
	want_gp_rd("FIX4K between ranges", 0x251);
	if (rdmsr(MSR_IA32_MTRR_DEF_TYPE) != def || rdmsr(MSR_IA32_MTRR_PHYSBASE0) != base ||
	    rdmsr(MSR_IA32_MTRR_PHYSBASE0 + 1) != mask || rdmsr(0x250) != fix)
		fail("a refused write changed an MTRR");
	wrmsr(MSR_IA32_MTRR_DEF_TYPE, 0);
	wrmsr(MSR_IA32_MTRR_PHYSBASE0, 0);
	wrmsr(MSR_IA32_MTRR_PHYSBASE0 + 1, 0);
	wrmsr(0x250, 0);
}

/* ------------------------------------------------- the rest of the boot set */

void case_misc_enable(void)
{
	if (!want_value("MISC_ENABLE", MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET))
		return;
	/* fast strings off and on again */
	want_write("MISC_ENABLE", MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET & ~1ull);
	want_value("MISC_ENABLE", MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET & ~1ull);
	/* what Linux may clear or set elsewhere (limit CPUID, XD disable, MWAIT): ignored */
	want_write("MISC_ENABLE", MSR_IA32_MISC_ENABLE,
		   MISC_ENABLE_RESET | (1ull << 22) | (1ull << 34) | (1ull << 18));
	want_value("MISC_ENABLE", MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET);
	want_write("MISC_ENABLE", MSR_IA32_MISC_ENABLE, 1);
	want_value("MISC_ENABLE", MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET);
}

void case_mce_msrs(void)
{
	if (!want_value("MCG_CAP", MSR_IA32_MCG_CAP, MCG_BANKS))
		return;
	want_value("MCG_STATUS", MSR_IA32_MCG_STATUS, 0);
	want_write("MCG_STATUS", MSR_IA32_MCG_STATUS, 0);
	want_gp_wr("MCG_STATUS", MSR_IA32_MCG_STATUS, 1);
	want_gp_rd("MCG_CTL (MCG_CAP.MCG_CTL_P clear)", MSR_IA32_MCG_CTL);
	for (uint32_t b = 0; b < MCG_BANKS && !case_failed(); b++) {
		uint32_t ctl = MSR_IA32_MC0_CTL + 4 * b;

		want_value("MCi_CTL", ctl, 0);
		want_write("MCi_CTL", ctl, ~0ull);
		want_value("MCi_CTL", ctl, ~0ull);
		for (uint32_t r = 1; r < 4; r++) {
			want_value("MCi_STATUS/ADDR/MISC", ctl + r, 0);
			want_write("MCi_STATUS/ADDR/MISC", ctl + r, 0);
			want_gp_wr("MCi_STATUS/ADDR/MISC", ctl + r, 1);
		}
		want_write("MCi_CTL", ctl, 0);
	}
	want_gp_rd("MC2_CTL (2 banks)", MSR_IA32_MC0_CTL + 4 * MCG_BANKS);
	want_gp_rd("MC0_CTL2 (no CMCI)", MSR_IA32_MC_CTL2_0);
}

void case_vendor_msrs(void)
{
	uint64_t v;

	if (amd()) {
		want_value("VM_CR", MSR_AMD_VM_CR, VM_CR_LOCK | VM_CR_SVMDIS);
		want_value("HWCR", MSR_AMD_HWCR, HWCR_TSC_FREQ_SEL);
		want_write("HWCR (as it reads)", MSR_AMD_HWCR, HWCR_TSC_FREQ_SEL);
		want_gp_wr("HWCR", MSR_AMD_HWCR, 0);
		want_value("SYSCFG", MSR_AMD_SYSCFG, 0);
		want_write("SYSCFG", MSR_AMD_SYSCFG, 0);
		want_gp_wr("SYSCFG", MSR_AMD_SYSCFG, 1ull << 23);
		want_gp_rd("IA32_FEATURE_CONTROL (Intel)", MSR_IA32_FEATURE_CONTROL);
		want_gp_rd("PLATFORM_INFO (Intel)", MSR_IA32_PLATFORM_INFO);
		if (try_rdmsr(MSR_IA32_BIOS_SIGN_ID, &v) != -1 || !(uint32_t)v)
			fail("PATCH_LEVEL: vector %d, value %#lx", trap.vector, v);
		want_gp_wr("PATCH_LEVEL", MSR_IA32_BIOS_SIGN_ID, 0);
	} else {
		want_value("IA32_FEATURE_CONTROL", MSR_IA32_FEATURE_CONTROL,
			   FEATURE_CONTROL_LOCKED);
		if (try_rdmsr(MSR_IA32_PLATFORM_INFO, &v) != -1 || (v & ~0xff00ull) ||
		    !(v & 0xff00))
			fail("PLATFORM_INFO: vector %d, value %#lx (want a ratio in 15:8 only)",
			     trap.vector, v);
		want_gp_wr("PLATFORM_INFO", MSR_IA32_PLATFORM_INFO, v);
		/* Linux: write 0, CPUID, read the revision in EDX */
		want_write("BIOS_SIGN_ID", MSR_IA32_BIOS_SIGN_ID, 0);
		(void)cpuid(1, 0);
		if (try_rdmsr(MSR_IA32_BIOS_SIGN_ID, &v) != -1 || !(v >> 32) ||
		    (uint32_t)v)
			fail("BIOS_SIGN_ID: vector %d, value %#lx (want the revision in 63:32)",
			     trap.vector, v);
		want_gp_rd("VM_CR (AMD)", MSR_AMD_VM_CR);
		want_gp_rd("HWCR (AMD)", MSR_AMD_HWCR);
		want_gp_rd("SYSCFG (AMD)", MSR_AMD_SYSCFG);
	}
	/* XSAVES is hidden: IA32_XSS reads 0 and takes only 0 */
	want_value("IA32_XSS", MSR_IA32_XSS, 0);
	want_write("IA32_XSS", MSR_IA32_XSS, 0);
	want_gp_wr("IA32_XSS", MSR_IA32_XSS, 1ull << 8);
}

/* Speculation control: hidden in CPUID, so every one of its MSRs #GPs. */
void case_spec_ctrl_hidden(void)
{
	struct cpuid_regs l7 = cpuid(7, 0);
	uint32_t ext8 = cpuid(0x80000000, 0).eax >= 0x80000008 ?
			cpuid(0x80000008, 0).ebx : 0;

	if ((l7.edx & (LEAF7_EDX_SPEC | LEAF7_EDX_L1D_FLUSH)) || (ext8 & EXT8_EBX_SPEC)) {
		fail("CPUID shows speculation control (leaf 7 EDX %#x, 0x80000008 EBX %#x)",
		     l7.edx, ext8);
		return;
	}
	want_gp_rd("SPEC_CTRL", MSR_IA32_SPEC_CTRL);
	want_gp_wr("SPEC_CTRL", MSR_IA32_SPEC_CTRL, 1);
	want_gp_wr("SPEC_CTRL", MSR_IA32_SPEC_CTRL, 0);
	want_gp_wr("PRED_CMD", MSR_IA32_PRED_CMD, 1);
	want_gp_rd("ARCH_CAPABILITIES", MSR_IA32_ARCH_CAPABILITIES);
	want_gp_wr("FLUSH_CMD", MSR_IA32_FLUSH_CMD, 1);
	want_gp_rd("TSC_ADJUST", MSR_IA32_TSC_ADJUST);
}

/* ---------------------------------------------------------------- TSC */

void case_tsc_near_zero(void)
{
	gprintf("hostile: the TSC read %lu ms at our first instruction\n",
		tsc_to_ms(hostile_tsc0));
	if (hostile_tsc0 > ms_to_tsc(TSC_START_MAX_MS))
		fail("the TSC read %lu ms at our first instruction, want < %u ms",
		     tsc_to_ms(hostile_tsc0), TSC_START_MAX_MS);
}

static bool rdtscp_shown(void)
{
	return cpuid(0x80000001, 0).edx & RDTSCP_SHOWN;
}

static uint64_t rdtscp_(uint32_t *aux)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(*aux));
	return ((uint64_t)hi << 32) | lo;
}

/* RDTSC, RDMSR IA32_TSC and RDTSCP read one clock, in order. */
void case_tsc_consistent(void)
{
	uint64_t t1 = rdtsc(), t2 = rdmsr(MSR_IA32_TSC), t3 = rdtsc(), t4;
	uint32_t aux;

	if (!(t1 <= t2 && t2 <= t3))
		fail("RDTSC %lu, RDMSR IA32_TSC %lu, RDTSC %lu: out of order", t1, t2, t3);
	if (!rdtscp_shown())
		return;
	wrmsr(MSR_TSC_AUX, 0x4b45);
	t4 = rdtscp_(&aux);
	if (t4 < t3)
		fail("RDTSCP %lu before RDTSC %lu", t4, t3);
	if (aux != 0x4b45)
		fail("RDTSCP's ECX %#x, TSC_AUX 0x4b45", aux);
	wrmsr(MSR_TSC_AUX, 0);
}

/*
 * A TSC write moves this vCPU's clock only: the victims on our CPU time
 * their rounds with RDTSC, so a leak would show as a huge gap there.
 */
void case_tsc_write_own(void)
{
	uint64_t before = rdtsc(), far = before + TSC_JUMP, got, msr, later;
	uint32_t aux;

	if (try_wrmsr(MSR_IA32_TSC, far) != -1) {
		fail("wrmsr IA32_TSC: vector %d", trap.vector);
		return;
	}
	got = rdtsc();
	msr = rdmsr(MSR_IA32_TSC);
	if (got < far || got - far > ms_to_tsc(1000))
		fail("RDTSC %#lx after writing %#lx", got, far);
	else if (msr < got)
		fail("RDMSR IA32_TSC %#lx behind RDTSC %#lx", msr, got);
	else if (rdtscp_shown() && rdtscp_(&aux) < msr)
		fail("RDTSCP behind the written TSC");
	for (int i = 0; i < 5 && !case_failed(); i++) {
		sleep_ns(2000000);
		later = rdtsc();
		if (later < got || later - got > ms_to_tsc(2000))
			fail("RDTSC %#lx after a sleep, %#lx before", later, got);
		got = later;
	}
	/* back to about the VM's clock */
	wrmsr(MSR_IA32_TSC, rdtsc() - TSC_JUMP);
	if (rdtsc() < before)
		fail("the TSC went back to %#lx from %#lx", rdtsc(), before);
}

/*
 * group tscpin: spins on the TSC (and sleeps now and then) while the
 * management helper pins this vCPU from CPU to CPU; every read must be at
 * least the one before.
 */
void case_tsc_pin_monotonic(void)
{
	uint64_t t0 = rdtsc(), last = t0, now, reads = 0, sleeps = 0;
	uint64_t run = ms_to_tsc(TSC_PIN_RUN_MS);

	if (hostile_tsc0 > ms_to_tsc(TSC_START_MAX_MS))
		fail("the TSC read %lu ms at our first instruction, want < %u ms",
		     tsc_to_ms(hostile_tsc0), TSC_START_MAX_MS);
	while ((now = rdtsc()) - t0 < run && !case_failed()) {
		if (now < last) {
			fail("RDTSC went back by %lu ticks after %lu reads", last - now,
			     reads);
			break;
		}
		last = now;
		if (++reads % TSC_PIN_SLEEP_EVERY == 0) {
			now = rdmsr(MSR_IA32_TSC);
			if (now < last)
				fail("RDMSR IA32_TSC went back by %lu ticks", last - now);
			sleep_ns(1000000);
			sleeps++;
			last = now;
		}
	}
	gprintf("hostile: tscpin: %lu reads, %lu sleeps, %lu ms\n", reads, sleeps,
		tsc_to_ms(rdtsc() - t0));
}

/* ---------------------------------------------- the management helper's part */

static struct keel_vm_info tinfo __attribute__((aligned(64)));
static struct keel_vcpu_stats tstats __attribute__((aligned(64)));
static uint32_t tids[KEEL_MAX_VMS];

/*
 * Pins name's vCPU 0 to CPU 1, 0, 1, ... while it runs, reports where it
 * ran and waits for it to halt; its id (0: none).
 */
uint64_t tsc_pin_mgmt(const char *name)
{
	uint64_t id = 0, seen = 0;
	long n = hc(KEEL_HC_VM_LIST, (uint64_t)tids, KEEL_MAX_VMS, 0, 0), ret;
	int pins = 0;

	for (long i = 0; i < n && i < KEEL_MAX_VMS; i++)
		if (!hc(KEEL_HC_VM_INFO, tids[i], (uint64_t)&tinfo, sizeof(tinfo), 0) &&
		    !strcmp(tinfo.name, name))
			id = tids[i];
	if (!id) {
		gprintf("hostile: case tsc_pin_moved: FAIL (no VM named %s)\n", name);
		return 0;
	}
	for (int i = 0; i < 400; i++) {
		if (!hc(KEEL_HC_VCPU_STATS, id, 0, (uint64_t)&tstats, sizeof(tstats)) &&
		    tstats.switches)
			break;
		sleep_ns(5000000);
	}
	for (int i = 0; i < 12; i++) {
		ret = hc(KEEL_HC_VCPU_PIN, id, 0, 1ull << ((i + 1) & 1), 0);
		if (ret) {
			gprintf("hostile: case tsc_pin_moved: FAIL (VCPU_PIN returned %ld)\n",
				ret);
			return id;
		}
		pins++;
		sleep_ns(100000000);
		if (!hc(KEEL_HC_VCPU_STATS, id, 0, (uint64_t)&tstats, sizeof(tstats)))
			seen |= 1ull << tstats.cpu;
	}
	hc(KEEL_HC_VCPU_PIN, id, 0, 3, 0);
	if (seen != 3)
		gprintf("hostile: case tsc_pin_moved: FAIL (after %d pins it was seen on cpus %#lx)\n",
			pins, seen);
	else
		gprintf("hostile: case tsc_pin_moved: ok (%d pins, seen on cpus %#lx)\n",
			pins, seen);
	for (int i = 0; i < 3000; i++) {
		if (hc(KEEL_HC_VM_INFO, id, (uint64_t)&tinfo, sizeof(tinfo), 0) ||
		    tinfo.state == KEEL_VM_HALTED || tinfo.state == KEEL_VM_STOPPED)
			break;
		sleep_ns(10000000);
	}
	return id;
}
