// SPDX-License-Identifier: MIT
/*
 * The MSR policy (docs/cpuid.md, "MSRs"): the MSRs a general OS reads at
 * boot answer as a real CPU of the host's vendor would, kept per vCPU
 * (struct vcpu_msrs); what the virtual CPU lacks is #GP, as on a CPU
 * without it. Only an MSR Keel knows nothing about is reported (the
 * first UNKNOWN_MSR_REPORTS per VM): a refused value or an MSR that CPUID
 * says is absent is the guest's business, not a gap in Keel.
 */
#include <arch/msr.h>
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/cr_rules.h>
#include <core/dev/vlapic.h>
#include <core/exit_dispatch.h>
#include <core/msr_policy.h>
#include <core/vm.h>
#include <lib/string.h>
#include <lib/util.h>

#define UNKNOWN_MSR_REPORTS 8
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)

/* IA32_MISC_ENABLE (SDM vol. 4, table 2-2) */
#define MISC_ENABLE_FAST_STRINGS (1ull << 0)
#define MISC_ENABLE_BTS_UNAVAIL  (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAIL | \
			   MISC_ENABLE_PEBS_UNAVAIL)
#define MISC_ENABLE_WRITABLE MISC_ENABLE_FAST_STRINGS

/* MTRRs (SDM 12.11): 8 variable ranges, fixed ranges, WC; no SMRR */
#define MTRRCAP_FIX          (1ull << 8)
#define MTRRCAP_WC           (1ull << 10)
#define MTRRCAP_VALUE        (MTRR_VAR_COUNT | MTRRCAP_FIX | MTRRCAP_WC)
#define MTRR_TYPE_MASK       0xffull
#define MTRR_DEF_TYPE_FE     (1ull << 10)
#define MTRR_DEF_TYPE_E      (1ull << 11)
#define MTRR_DEF_TYPE_BITS   (MTRR_TYPE_MASK | MTRR_DEF_TYPE_FE | MTRR_DEF_TYPE_E)
#define MTRR_PHYSMASK_VALID  (1ull << 11)
#define MTRR_FIX4K_COUNT     8
#define PAGE_MASK_LOW        0xfffull
#define PHYS_BITS_DEFAULT    36
#define LEAF_EXT_MAX         0x80000000u
#define LEAF_EXT_ADDRESS     0x80000008u

/* Machine check: MCG_CAP's count only (no MCG_CTL, CMCI, TES, SER, LMCE) */
#define MC_REGS_PER_BANK     4	/* CTL, STATUS, ADDR, MISC */
#define MC_REG_CTL           0

/* IA32_BIOS_SIGN_ID / AMD PATCH_LEVEL: a fixed revision, not the host's */
#define UCODE_REVISION       1ull
#define UCODE_REV_SHIFT_INTEL 32

/* IA32_PLATFORM_INFO: the maximum non-turbo ratio (bits 15:8), 100 MHz bus */
#define PLATFORM_RATIO_SHIFT 8
#define PLATFORM_RATIO_MAX   0xffull
#define PLATFORM_BUS_HZ      100000000ull

enum msr_result {
	MSR_OK,		/* done */
	MSR_GP,		/* #GP as the virtual CPU gives it (reserved, absent) */
	MSR_UNKNOWN,	/* #GP, and worth a warning: Keel knows no such MSR */
};

/* Bits [MAXPHYADDR-1:12] of the guest: the address in PHYSBASE/PHYSMASK. */
static uint64_t mtrr_addr_mask;

static bool is_intel(void)
{
	return vendor->kind == VENDOR_VMX;
}

/* Each PAT entry must be a defined memory type: 0, 1, 4, 5, 6 or 7. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint8_t type = (pat >> (i * 8)) & 0xff;

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* An MTRR memory type: UC 0, WC 1, WT 4, WP 5, WB 6 (7, UC-, is PAT's only). */
static bool mtrr_type_valid(uint64_t type)
{
	return type <= 6 && type != 2 && type != 3;
}

static bool mtrr_fixed_valid(uint64_t value)
{
	for (unsigned int i = 0; i < 8; i++)
		if (!mtrr_type_valid((value >> (i * 8)) & MTRR_TYPE_MASK))
			return false;
	return true;
}

/* The vCPU's slot for a fixed-range MTRR, or NULL. */
static uint64_t *mtrr_fixed_slot(struct vcpu *v, uint32_t msr)
{
	unsigned int i;

	if (msr == MSR_IA32_MTRR_FIX64K_00000)
		i = 0;
	else if (msr == MSR_IA32_MTRR_FIX16K_80000)
		i = 1;
	else if (msr == MSR_IA32_MTRR_FIX16K_A0000)
		i = 2;
	else if (msr >= MSR_IA32_MTRR_FIX4K_C0000 &&
		 msr < MSR_IA32_MTRR_FIX4K_C0000 + MTRR_FIX4K_COUNT)
		i = 3 + (msr - MSR_IA32_MTRR_FIX4K_C0000);
	else
		return NULL;
	return &v->msrs.mtrr_fixed[i];
}

static bool is_mtrr_var(uint32_t msr)
{
	return msr >= MSR_IA32_MTRR_PHYSBASE0 &&
	       msr < MSR_IA32_MTRR_PHYSBASE0 + 2 * MTRR_VAR_COUNT;
}

static bool is_mc_bank(uint32_t msr)
{
	return msr >= MSR_IA32_MC0_CTL &&
	       msr < MSR_IA32_MC0_CTL + MC_REGS_PER_BANK * MCE_BANK_COUNT;
}

static bool mtrr_var_valid(uint32_t msr, uint64_t value)
{
	if ((msr - MSR_IA32_MTRR_PHYSBASE0) & 1)	/* PHYSMASKn */
		return !(value & ~(mtrr_addr_mask | MTRR_PHYSMASK_VALID));
	return !(value & ~(mtrr_addr_mask | MTRR_TYPE_MASK)) &&
	       mtrr_type_valid(value & MTRR_TYPE_MASK);
}

/* The TSC rate as a ratio of a 100 MHz bus, as Intel CPUs report it. */
static uint64_t platform_info(void)
{
	uint64_t ratio = (tsc_hz + PLATFORM_BUS_HZ / 2) / PLATFORM_BUS_HZ;

	ratio = MAX(1ull, MIN(ratio, PLATFORM_RATIO_MAX));
	return ratio << PLATFORM_RATIO_SHIFT;
}

unsigned int msr_phys_bits(void)
{
	if (!mtrr_addr_mask)
		return PHYS_BITS_DEFAULT;	/* before the first vCPU: not used */
	return 64 - (unsigned int)__builtin_clzll(mtrr_addr_mask);
}

void msr_vcpu_reset(struct vcpu *v)
{
	if (!mtrr_addr_mask) {
		unsigned int bits = PHYS_BITS_DEFAULT;

		/* the guest's CPUID leaf 0x80000008 is the host's (core/cpuid.c) */
		if (cpuid(LEAF_EXT_MAX, 0).eax >= LEAF_EXT_ADDRESS)
			bits = cpuid(LEAF_EXT_ADDRESS, 0).eax & 0xff;
		if (bits < PHYS_BITS_DEFAULT || bits > 52)
			bits = PHYS_BITS_DEFAULT;
		mtrr_addr_mask = ((1ull << bits) - 1) & ~PAGE_MASK_LOW;
	}
	memset(&v->msrs, 0, sizeof(v->msrs));
	v->msrs.misc_enable = MISC_ENABLE_RESET;
}

/*
 * The common reads come first: they are fast-path exits (exit_fast), so
 * nothing here takes a lock.
 */
static enum msr_result msr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		*value = vlapic_apic_base(v);
		return MSR_OK;
	case MSR_EFER:
		*value = vendor->get_efer(v);
		return MSR_OK;
	case MSR_IA32_PAT:
		*value = vendor->get_pat(v);
		return MSR_OK;
	case MSR_IA32_TSC:
		*value = rdtsc() + v->tsc_offset;
		return MSR_OK;
	case MSR_IA32_MISC_ENABLE:
		*value = v->msrs.misc_enable;
		return MSR_OK;
	case MSR_IA32_MTRRCAP:
		*value = MTRRCAP_VALUE;
		return MSR_OK;
	case MSR_IA32_MTRR_DEF_TYPE:
		*value = v->msrs.mtrr_def_type;
		return MSR_OK;
	case MSR_IA32_MCG_CAP:
		*value = MCE_BANK_COUNT;
		return MSR_OK;
	case MSR_IA32_MCG_STATUS:
	case MSR_IA32_XSS:
		*value = 0;
		return MSR_OK;
	case MSR_IA32_BIOS_SIGN_ID:
		*value = is_intel() ? UCODE_REVISION << UCODE_REV_SHIFT_INTEL :
				      UCODE_REVISION;
		return MSR_OK;
	case MSR_IA32_FEATURE_CONTROL:	/* Intel: locked with VMX off */
		*value = FEATURE_CONTROL_LOCKED;
		return is_intel() ? MSR_OK : MSR_GP;
	case MSR_IA32_PLATFORM_INFO:
		*value = platform_info();
		return is_intel() ? MSR_OK : MSR_GP;
	case MSR_AMD_SYSCFG:
		*value = 0;
		return is_intel() ? MSR_GP : MSR_OK;
	case MSR_AMD_HWCR:
		*value = HWCR_TSC_FREQ_SEL;
		return is_intel() ? MSR_GP : MSR_OK;
	case MSR_AMD_VM_CR:		/* AMD: SVM disabled and locked */
		*value = VM_CR_LOCK | VM_CR_SVMDIS;
		return is_intel() ? MSR_GP : MSR_OK;
	case MSR_AMD_INT_PENDING_MSG:	/* AMD: no C1E (Linux's E400 check) */
		*value = 0;
		return is_intel() ? MSR_GP : MSR_OK;
	case MSR_AMD_DE_CFG:		/* AMD: LFENCE is dispatch-serializing */
		*value = DE_CFG_LFENCE_SERIALIZE;
		return is_intel() ? MSR_GP : MSR_OK;
	/* absent: CPUID hides them (core/cpuid.c) */
	case MSR_IA32_TSC_ADJUST:
	case MSR_IA32_SPEC_CTRL:
	case MSR_IA32_PRED_CMD:
	case MSR_IA32_ARCH_CAPABILITIES:
	case MSR_IA32_FLUSH_CMD:
	case MSR_IA32_MCG_CTL:
		return MSR_GP;
	default:
		break;
	}
	if (is_mtrr_var(msr)) {
		*value = v->msrs.mtrr_var[msr - MSR_IA32_MTRR_PHYSBASE0];
		return MSR_OK;
	}
	if (mtrr_fixed_slot(v, msr)) {
		*value = *mtrr_fixed_slot(v, msr);
		return MSR_OK;
	}
	if (is_mc_bank(msr)) {
		uint32_t i = msr - MSR_IA32_MC0_CTL;

		*value = i % MC_REGS_PER_BANK == MC_REG_CTL ?
			 v->msrs.mc_ctl[i / MC_REGS_PER_BANK] : 0;
		return MSR_OK;
	}
	if (msr >= MSR_IA32_MC_CTL2_0 && msr < MSR_IA32_MC_CTL2_0 + MCE_BANK_COUNT)
		return MSR_GP;	/* no CMCI */
	return MSR_UNKNOWN;
}

/* A value equal to what the MSR reads is accepted: nothing changes. */
static enum msr_result write_same(struct vcpu *v, uint32_t msr, uint64_t value)
{
	uint64_t now;

	return msr_read(v, msr, &now) == MSR_OK && now == value ? MSR_OK : MSR_GP;
}

/*
 * WRMSR to EFER (SDM vol. 4, IA32_EFER; core/cr_rules.c): LME may change
 * only while paging is off, LMA is the CPU's (CR0.PG with LME sets it).
 */
static enum msr_result efer_write(struct vcpu *v, uint64_t value)
{
	struct cr_state s = { .cr0 = vendor->get_cr0(v),
			      .efer = vendor->get_efer(v) };

	if (!efer_write_ok(&s, value, EFER_GUEST_WRITABLE))
		return MSR_GP;
	vendor->set_efer(v, efer_after_write(s.efer, value));
	return MSR_OK;
}

static enum msr_result msr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	uint64_t *slot;

	switch (msr) {
	case MSR_IA32_APIC_BASE:
		/* SDM 10.12.5: the mode transitions a CPU allows */
		return vlapic_set_apic_base(v, value, msr_phys_bits()) ?
		       MSR_GP : MSR_OK;
	case MSR_EFER:
		return efer_write(v, value);
	case MSR_IA32_PAT:
		if (!pat_valid(value))
			return MSR_GP;
		vendor->set_pat(v, value);
		return MSR_OK;
	case MSR_IA32_TSC:
		/* this vCPU's TSC only, as on a CPU (docs/cpuid.md) */
		v->tsc_offset = value - rdtsc();
		vendor->set_tsc_offset(v);
		return MSR_OK;
	case MSR_IA32_MISC_ENABLE:
		/* fast strings is kept; every other bit stays as it reads */
		v->msrs.misc_enable = (v->msrs.misc_enable & ~MISC_ENABLE_WRITABLE) |
				      (value & MISC_ENABLE_WRITABLE);
		return MSR_OK;
	case MSR_IA32_MTRR_DEF_TYPE:
		if ((value & ~MTRR_DEF_TYPE_BITS) ||
		    !mtrr_type_valid(value & MTRR_TYPE_MASK))
			return MSR_GP;
		v->msrs.mtrr_def_type = value;
		return MSR_OK;
	case MSR_IA32_MCG_STATUS:
	case MSR_IA32_XSS:		/* XSAVES is hidden: no state to enable */
		return value ? MSR_GP : MSR_OK;
	case MSR_IA32_BIOS_SIGN_ID:
		/* Intel: written (0) before CPUID to latch the revision; ignored */
		return is_intel() ? MSR_OK : MSR_GP;
	case MSR_AMD_SYSCFG:
	case MSR_AMD_HWCR:
	case MSR_AMD_INT_PENDING_MSG:
	case MSR_AMD_DE_CFG:
		return is_intel() ? MSR_GP : write_same(v, msr, value);
	/* read-only, absent or locked */
	case MSR_IA32_MTRRCAP:
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_PLATFORM_INFO:
	case MSR_IA32_FEATURE_CONTROL:
	case MSR_AMD_VM_CR:
	case MSR_IA32_TSC_ADJUST:
	case MSR_IA32_SPEC_CTRL:
	case MSR_IA32_PRED_CMD:
	case MSR_IA32_ARCH_CAPABILITIES:
	case MSR_IA32_FLUSH_CMD:
	case MSR_IA32_MCG_CTL:
		return MSR_GP;
	default:
		break;
	}
	if (is_mtrr_var(msr)) {
		if (!mtrr_var_valid(msr, value))
			return MSR_GP;
		v->msrs.mtrr_var[msr - MSR_IA32_MTRR_PHYSBASE0] = value;
		return MSR_OK;
	}
	slot = mtrr_fixed_slot(v, msr);
	if (slot) {
		if (!mtrr_fixed_valid(value))
			return MSR_GP;
		*slot = value;
		return MSR_OK;
	}
	if (is_mc_bank(msr)) {
		uint32_t i = msr - MSR_IA32_MC0_CTL;

		if (i % MC_REGS_PER_BANK == MC_REG_CTL) {
			v->msrs.mc_ctl[i / MC_REGS_PER_BANK] = value;
			return MSR_OK;
		}
		return value ? MSR_GP : MSR_OK;	/* STATUS, ADDR, MISC: 0 only */
	}
	if (msr >= MSR_IA32_MC_CTL2_0 && msr < MSR_IA32_MC_CTL2_0 + MCE_BANK_COUNT)
		return MSR_GP;
	return MSR_UNKNOWN;
}

static void refuse(struct vcpu *v, enum msr_result r, const char *op,
		   uint32_t msr, uint64_t value)
{
	struct vm *vm = v->vm;

	if (r == MSR_UNKNOWN && vm->unknown_msr_reports++ < UNKNOWN_MSR_REPORTS)
		log_warn("vm %s: %s of MSR %#x is not emulated; injected #GP",
			 vm->name, op, msr);
	else if (r == MSR_GP)
		log_debug("vm %s: %s of MSR %#x (value %#lx) refused; injected #GP",
			  vm->name, op, msr, value);
	vendor->inject_exception(v, VECTOR_GP, true, 0);
}

void msr_handle_read(struct vcpu *v, const struct vm_exit *e)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value = 0;
	enum msr_result r;

	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST)
		r = vlapic_read(v, msr, &value) ? MSR_GP : MSR_OK;
	else
		r = msr_read(v, msr, &value);
	if (r != MSR_OK) {
		refuse(v, r, "rdmsr", msr, 0);
		return;
	}
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	vcpu_advance_rip(v, e);
}

void msr_handle_write(struct vcpu *v, const struct vm_exit *e)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value = ((v->regs.rdx & 0xffffffffull) << 32) |
			 (v->regs.rax & 0xffffffffull);
	enum msr_result r;

	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST)
		r = vlapic_write(v, msr, value) ? MSR_GP : MSR_OK;
	else
		r = msr_write(v, msr, value);
	if (r != MSR_OK) {
		refuse(v, r, "wrmsr", msr, value);
		return;
	}
	vcpu_advance_rip(v, e);
}
