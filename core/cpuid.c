// SPDX-License-Identifier: MIT
/*
 * The CPUID policy guests see (docs/cpuid.md): the host's answer, minus
 * what Keel does not virtualize, plus the hypervisor leaves.
 */
#include <arch/x86.h>
#include <core/exit.h>
#include <core/vendor.h>
#include <core/vm.h>
#include <keel/abi.h>

#define LEAF_FEATURES      0x00000001u
#define LEAF_MONITOR       0x00000005u
#define LEAF_POWER         0x00000006u
#define LEAF_PERFMON       0x0000000au
#define LEAF_TOPOLOGY      0x0000000bu
#define LEAF_TOPOLOGY_V2   0x0000001fu
#define LEAF_HV_LAST       0x4fffffffu
#define LEAF_EXT_FEATURES  0x80000001u
#define LEAF_SVM           0x8000000au

#define LEAF1_EBX_APIC_ID_SHIFT 24
#define LEAF1_EBX_COUNT_SHIFT   16
#define LEAF1_EBX_LOW_MASK      0x0000ffffu
/* Hidden from leaf 1 ECX: VMX, SMX, MONITOR, TSC deadline. */
#define LEAF1_ECX_HIDDEN (CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | \
			  CPUID_1_ECX_MONITOR | CPUID_1_ECX_TSC_DEADLINE)
/* Shown: the virtual local APIC (core/vlapic.c), in x2APIC mode. */
#define LEAF1_ECX_SHOWN  CPUID_1_ECX_X2APIC
#define LEAF1_EDX_SHOWN  CPUID_1_EDX_APIC

static struct cpuid_regs policy(const struct vcpu *v, uint32_t leaf,
				uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= KEEL_CPUID_BASE && leaf <= LEAF_HV_LAST) {
		if (leaf == KEEL_CPUID_BASE) {
			r.eax = KEEL_CPUID_FEATURES;
			r.ebx = KEEL_CPUID_SIGNATURE_EBX;
			r.ecx = KEEL_CPUID_SIGNATURE_ECX;
			r.edx = KEEL_CPUID_SIGNATURE_EDX;
		} else if (leaf == KEEL_CPUID_FEATURES) {
			r.eax = vendor->hypercall_features;
			r.ebx = KEEL_ABI_VERSION;
		}
		return r;
	}
	switch (leaf) {
	case LEAF_MONITOR:
	case LEAF_POWER:
	case LEAF_PERFMON:
	case LEAF_SVM:
		return r;	/* not virtualized: report nothing */
	default:
		break;
	}
	r = cpuid(leaf, subleaf);
	switch (leaf) {
	case LEAF_FEATURES:
		r.ecx = (r.ecx & ~LEAF1_ECX_HIDDEN) | LEAF1_ECX_SHOWN |
			CPUID_1_ECX_HYPERVISOR;
		r.edx |= LEAF1_EDX_SHOWN;
		r.ebx = (r.ebx & LEAF1_EBX_LOW_MASK) |
			(v->id << LEAF1_EBX_APIC_ID_SHIFT) |
			(v->vm->vcpu_count << LEAF1_EBX_COUNT_SHIFT);
		break;
	case LEAF_TOPOLOGY:
	case LEAF_TOPOLOGY_V2:
		r.edx = v->id;	/* x2APIC id of this vCPU */
		break;
	case LEAF_EXT_FEATURES:
		r.ecx &= ~CPUID_80000001_ECX_SVM;
		break;
	default:
		break;
	}
	return r;
}

void cpuid_handle(struct vcpu *v, const struct vm_exit *e)
{
	struct cpuid_regs r = policy(v, (uint32_t)v->regs.rax, (uint32_t)v->regs.rcx);

	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_advance_rip(v, e);
}
