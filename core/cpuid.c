// SPDX-License-Identifier: MIT
/*
 * The CPUID policy guests see (docs/cpuid.md): the host's answer, minus
 * what Keel does not virtualize, plus the hypervisor leaves.
 */
#include <arch/guest_state.h>
#include <arch/tsc.h>
#include <arch/tsc_freq.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <core/exit_dispatch.h>
#include <core/vm.h>
#include <keel/abi.h>

#define LEAF_FEATURES      0x00000001u
#define LEAF_MONITOR       0x00000005u
#define LEAF_POWER         0x00000006u
#define LEAF_STRUCT        0x00000007u
#define LEAF_PERFMON       0x0000000au
#define LEAF_TOPOLOGY      0x0000000bu
#define LEAF_XSAVE         0x0000000du
#define LEAF_TOPOLOGY_V2   0x0000001fu
#define LEAF_HV_LAST       0x4fffffffu
#define LEAF_EXT_BASE      0x80000000u
#define LEAF_EXT_FEATURES  0x80000001u
#define LEAF_SVM           0x8000000au
#define LEAF_EXT_ADDRESS   0x80000008u
#define LEAF_AMD_MEM_CRYPT 0x8000001fu

#define LEAF1_EBX_APIC_ID_SHIFT 24
#define LEAF1_EBX_COUNT_SHIFT   16
#define LEAF1_EBX_LOW_MASK      0x0000ffffu
/*
 * Hidden from leaf 1 ECX: VMX, SMX, MONITOR, TSC deadline, and what
 * needs MSRs or power management the virtual CPU lacks: DTES64, DS-CPL,
 * EIST, TM2, xTPR update control, PDCM (IA32_PERF_CAPABILITIES).
 */
#define LEAF1_ECX_DTES64  (1u << 2)
#define LEAF1_ECX_DS_CPL  (1u << 4)
#define LEAF1_ECX_EIST    (1u << 7)
#define LEAF1_ECX_TM2     (1u << 8)
#define LEAF1_ECX_XTPR    (1u << 14)
#define LEAF1_ECX_PDCM    (1u << 15)
#define LEAF1_ECX_HIDDEN (CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | \
			  CPUID_1_ECX_MONITOR | CPUID_1_ECX_TSC_DEADLINE | \
			  LEAF1_ECX_DTES64 | LEAF1_ECX_DS_CPL | LEAF1_ECX_EIST | \
			  LEAF1_ECX_TM2 | LEAF1_ECX_XTPR | LEAF1_ECX_PDCM)
/* Leaf 1 EDX: debug store, thermal monitor and its MSRs (ACPI, TM), PBE. */
#define LEAF1_EDX_DS      (1u << 21)
#define LEAF1_EDX_ACPI    (1u << 22)
#define LEAF1_EDX_TM      (1u << 29)
#define LEAF1_EDX_PBE     (1u << 31)
#define LEAF1_EDX_HIDDEN (LEAF1_EDX_DS | LEAF1_EDX_ACPI | LEAF1_EDX_TM | \
			  LEAF1_EDX_PBE)
/*
 * Shown: the virtual local APIC (core/dev/vlapic.c), in x2APIC mode, and
 * the MSRs core/msr.c emulates per vCPU: MCE/MCA (MCG_CAP and its
 * banks), MTRR (MTRRCAP, DEF_TYPE, the ranges), PAT.
 */
#define LEAF1_EDX_MCE     (1u << 7)
#define LEAF1_EDX_MTRR    (1u << 12)
#define LEAF1_EDX_MCA     (1u << 14)
#define LEAF1_EDX_PAT     (1u << 16)
#define LEAF1_ECX_SHOWN  CPUID_1_ECX_X2APIC
#define LEAF1_EDX_SHOWN  (CPUID_1_EDX_APIC | LEAF1_EDX_MCE | LEAF1_EDX_MTRR | \
			  LEAF1_EDX_MCA | LEAF1_EDX_PAT)

/*
 * Leaf 7: what the virtual CPU lacks. MPX (BNDCFGS is not switched),
 * WAITPKG (UMWAIT_CONTROL is not), CET (its MSRs and XSS states are not),
 * AMX (its XSAVE states are not offered), and the speculation-control
 * MSRs, which read and write as #GP (docs/isolation.md).
 */
#define LEAF7_EBX_TSC_ADJUST (1u << 1)
#define LEAF7_EBX_MPX        (1u << 14)
#define LEAF7_ECX_PKU        (1u << 3)
#define LEAF7_ECX_OSPKE      (1u << 4)
#define LEAF7_ECX_WAITPKG    (1u << 5)
#define LEAF7_ECX_CET_SS     (1u << 7)
#define LEAF7_EDX_CET_IBT    (1u << 20)
#define LEAF7_EDX_AMX        ((1u << 22) | (1u << 24) | (1u << 25))
#define LEAF7_EDX_SPEC_CTRL  (0x3fu << 26)	/* IBRS/IBPB ... SSBD */
#define LEAF7_ECX_HIDDEN (LEAF7_ECX_OSPKE | LEAF7_ECX_WAITPKG | LEAF7_ECX_CET_SS)
#define LEAF7_EDX_HIDDEN (LEAF7_EDX_CET_IBT | LEAF7_EDX_AMX | LEAF7_EDX_SPEC_CTRL)
/*
 * leaf 0x80000001 ECX (AMD): SKINIT (intercepted: #UD), and features
 * whose MSRs are not offered: IBS, WDT, LWP, the core, northbridge and
 * last-level-cache performance counters.
 */
#define EXT1_ECX_HIDDEN      ((1u << 10) | (1u << 12) | (1u << 13) | \
			      (1u << 15) | (1u << 23) | (1u << 24) | (1u << 28))
/* leaf 0x80000008 EBX: IBPB, IBRS, STIBP, ... SSBD (APM E.4.7) */
#define EXT8_EBX_SPEC_CTRL   ((1u << 12) | (1u << 14) | (1u << 15) | \
			      (1u << 16) | (1u << 17) | (1u << 18) | \
			      (1u << 24) | (1u << 25) | (1u << 26))
/* leaf 0xd subleaf 1 EAX: XSAVES (IA32_XSS is not switched), XFD */
#define XSAVE1_EAX_XSAVES    (1u << 3)
#define XSAVE1_EAX_XFD       (1u << 4)
#define XSAVE_LAST_COMPONENT 62

/* Leaf 0xd: only the components guests may enable (arch/guest_state.h). */
static void xsave_leaf(struct cpuid_regs *r, uint32_t subleaf)
{
	uint64_t mask = guest_xcr0_supported();

	if (subleaf == 0) {
		r->eax = (uint32_t)mask;
		r->edx = (uint32_t)(mask >> 32);
		/* EBX (the size for the XCR0 in force) is the guest's own */
		r->ecx = guest_xsave_size();
	} else if (subleaf == 1) {
		r->eax &= ~(XSAVE1_EAX_XSAVES | XSAVE1_EAX_XFD);
		r->ecx = 0;
		r->edx = 0;
	} else if (subleaf > XSAVE_LAST_COMPONENT || !(mask >> subleaf & 1)) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

/*
 * Leaves 0x15 and 0x16 (Intel) describe the TSC Keel measured, not the
 * host's nominal rates: a guest's TSC and local APIC timer run at tsc_hz
 * (they differ where the host's CPUID is wrong, as Bochs's 3500 MHz for a
 * 50 MHz TSC). 0x15: the "crystal" is the TSC itself (ECX Hz, ratio 1/1),
 * which is also the clock the virtual LAPIC timer counts at divide 1, as
 * a crystal drives the LAPIC timer on the CPUs that report it; a rate
 * above 2^32 - 1 Hz gives ECX 0 (no crystal: the guest calibrates). 0x16:
 * base and maximum MHz the TSC's, bus MHz the LAPIC timer's. Only where
 * the host has the leaf: the guest sees the host's highest basic leaf.
 */
static void tsc_leaf(struct cpuid_regs *r, uint32_t leaf)
{
	uint32_t mhz = (uint32_t)(tsc_hz / 1000000);

	if (leaf == CPUID_LEAF_TSC) {
		r->eax = 1;
		r->ebx = 1;
		r->ecx = tsc_hz <= UINT32_MAX ? (uint32_t)tsc_hz : 0;
		r->edx = 0;
	} else {
		r->eax = mhz;
		r->ebx = mhz;
		r->ecx = mhz;
		r->edx = 0;
	}
}

static struct cpuid_regs policy(struct vcpu *v, uint32_t leaf,
				uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= KEEL_CPUID_BASE && leaf <= LEAF_HV_LAST) {
		if (leaf == KEEL_CPUID_BASE) {
			r.eax = KEEL_CPUID_MAX_LEAF;
			r.ebx = KEEL_CPUID_SIGNATURE_EBX;
			r.ecx = KEEL_CPUID_SIGNATURE_ECX;
			r.edx = KEEL_CPUID_SIGNATURE_EDX;
		} else if (leaf == KEEL_CPUID_FEATURES) {
			r.eax = vendor->hypercall_features;
			r.ebx = KEEL_ABI_VERSION;
		} else if (leaf == KEEL_CPUID_TIMING) {
			/*
			 * The frequencies VMware defined for this leaf, which
			 * guests read instead of calibrating: the TSC's, and
			 * the virtual LAPIC timer's at divide 1, which counts
			 * at the TSC rate (core/dev/vlapic.h).
			 */
			r.eax = (uint32_t)(tsc_hz / 1000);
			r.ebx = r.eax;
		}
		return r;
	}
	switch (leaf) {
	case LEAF_MONITOR:
	case LEAF_POWER:
	case LEAF_PERFMON:
	case LEAF_SVM:
	case LEAF_AMD_MEM_CRYPT:	/* no SME/SEV: SYSCFG reads 0 */
		return r;	/* not virtualized: report nothing */
	default:
		break;
	}
	r = cpuid(leaf, subleaf);
	switch (leaf) {
	case LEAF_FEATURES:
		r.ecx = (r.ecx & ~(LEAF1_ECX_HIDDEN | CPUID_1_ECX_OSXSAVE)) |
			LEAF1_ECX_SHOWN | CPUID_1_ECX_HYPERVISOR;
		/* the guest's CR4, not the host's (SDM CPUID: OSXSAVE) */
		if ((r.ecx & CPUID_1_ECX_XSAVE) &&
		    (vendor->get_cr4(v) & CR4_OSXSAVE))
			r.ecx |= CPUID_1_ECX_OSXSAVE;
		r.edx = (r.edx & ~LEAF1_EDX_HIDDEN) | LEAF1_EDX_SHOWN;
		r.ebx = (r.ebx & LEAF1_EBX_LOW_MASK) |
			(v->id << LEAF1_EBX_APIC_ID_SHIFT) |
			(v->vm->vcpu_count << LEAF1_EBX_COUNT_SHIFT);
		break;
	case LEAF_TOPOLOGY:
	case LEAF_TOPOLOGY_V2:
		r.edx = v->id;	/* x2APIC id of this vCPU */
		break;
	case LEAF_STRUCT:
		if (subleaf != 0)
			break;
		r.ebx &= ~(LEAF7_EBX_MPX | LEAF7_EBX_TSC_ADJUST);
		r.ecx &= ~LEAF7_ECX_HIDDEN;
		r.edx &= ~LEAF7_EDX_HIDDEN;
		if (!(guest_xcr0_supported() & XFEATURE_PKRU))
			r.ecx &= ~LEAF7_ECX_PKU;
		if ((r.ecx & LEAF7_ECX_PKU) && (vendor->get_cr4(v) & CR4_PKE))
			r.ecx |= LEAF7_ECX_OSPKE;
		break;
	case LEAF_XSAVE:
		xsave_leaf(&r, subleaf);
		break;
	case CPUID_LEAF_TSC:
	case CPUID_LEAF_FREQ:
		if (cpuid(0, 0).eax >= leaf)
			tsc_leaf(&r, leaf);
		break;
	case LEAF_EXT_FEATURES:
		r.ecx &= ~(CPUID_80000001_ECX_SVM | EXT1_ECX_HIDDEN);
		if (!vendor->guest_rdtscp())
			r.edx &= ~CPUID_80000001_EDX_RDTSCP;
		break;
	case LEAF_EXT_ADDRESS:
		r.ebx &= ~EXT8_EBX_SPEC_CTRL;
		break;
	default:
		break;
	}
	return r;
}

struct cpuid_regs cpuid_policy(struct vcpu *v, uint32_t leaf,
			       uint32_t subleaf)
{
	return policy(v, leaf, subleaf);
}

/*
 * Leaves whose answer depends on neither the vCPU, nor the subleaf, nor
 * the guest's state: the vendor and highest leaf (0), the cache
 * descriptors (2, 3), the hypervisor's leaves and the extended leaves up
 * to the address sizes (0x80000000-0x80000008). policy() computes each
 * at the first exit that asks for it, and later exits copy it from here
 * (issue 14: about 30 instructions less per such CPUID exit). Any CPU
 * may fill a slot: all compute the same answer (every CPU of the machine
 * reports the same for these leaves), and the slot is marked valid only
 * after its registers are written.
 */
#define FIXED_BASIC_COUNT 4u		/* leaves 0-3, without leaf 1 */
#define FIXED_HV_COUNT    (KEEL_CPUID_MAX_LEAF - KEEL_CPUID_BASE + 1)
#define FIXED_EXT_COUNT   (LEAF_EXT_ADDRESS - LEAF_EXT_BASE + 1)
#define FIXED_COUNT       (FIXED_BASIC_COUNT + FIXED_HV_COUNT + FIXED_EXT_COUNT)

struct fixed_leaf {
	struct cpuid_regs r;
	bool valid;
};

static struct fixed_leaf fixed[FIXED_COUNT];

/* The leaf's slot in fixed[], or FIXED_COUNT if it is computed each time. */
static unsigned int fixed_slot(uint32_t leaf)
{
	if (leaf < FIXED_BASIC_COUNT)
		return leaf == LEAF_FEATURES ? FIXED_COUNT : leaf;
	if (leaf - KEEL_CPUID_BASE < FIXED_HV_COUNT)
		return FIXED_BASIC_COUNT + (leaf - KEEL_CPUID_BASE);
	if (leaf - LEAF_EXT_BASE < FIXED_EXT_COUNT)
		return FIXED_BASIC_COUNT + FIXED_HV_COUNT + (leaf - LEAF_EXT_BASE);
	return FIXED_COUNT;
}

static void set_regs(struct vcpu *v, const struct cpuid_regs *r)
{
	v->regs.rax = r->eax;
	v->regs.rbx = r->ebx;
	v->regs.rcx = r->ecx;
	v->regs.rdx = r->edx;
}

/* A leaf not in fixed[] yet, or never: policy(), and the slot filled. */
static __attribute__((noinline)) void
cpuid_computed(struct vcpu *v, const struct vm_exit *e, uint32_t leaf,
	       unsigned int slot)
{
	struct cpuid_regs r = policy(v, leaf, (uint32_t)v->regs.rcx);

	if (slot < FIXED_COUNT) {
		fixed[slot].r = r;
		__atomic_store_n(&fixed[slot].valid, true, __ATOMIC_RELEASE);
	}
	set_regs(v, &r);
	vcpu_advance_rip(v, e);
}

void cpuid_handle(struct vcpu *v, const struct vm_exit *e)
{
	uint32_t leaf = (uint32_t)v->regs.rax;
	unsigned int slot = fixed_slot(leaf);

	if (slot >= FIXED_COUNT ||
	    !__atomic_load_n(&fixed[slot].valid, __ATOMIC_ACQUIRE)) {
		cpuid_computed(v, e, leaf, slot);
		return;
	}
	set_regs(v, &fixed[slot].r);
	vcpu_advance_rip(v, e);
}
