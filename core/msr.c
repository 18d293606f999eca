// SPDX-License-Identifier: MIT
/* The MSR policy (docs/cpuid.md, "MSRs"): emulate a few, #GP the rest. */
#include <arch/msr.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/dev/vlapic.h>
#include <core/exit_dispatch.h>
#include <core/msr_policy.h>
#include <core/vm.h>
#include <lib/util.h>

#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define MISC_ENABLE_FAST_STRINGS 1ull
#define MTRR_DEF_TYPE_WB_ENABLED 0xc06ull
#define UNKNOWN_MSR_REPORTS 8

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

static void refuse(struct vcpu *v, const char *op, uint32_t msr)
{
	struct vm *vm = v->vm;

	if (vm->unknown_msr_reports++ < UNKNOWN_MSR_REPORTS)
		log_warn("vm %s: %s of MSR %#x is not emulated; injected #GP",
			 vm->name, op, msr);
	vendor->inject_exception(v, VECTOR_GP, true, 0);
}

void msr_handle_read(struct vcpu *v, const struct vm_exit *e)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value;

	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST) {
		if (vlapic_read(v, msr, &value)) {
			vendor->inject_exception(v, VECTOR_GP, true, 0);
			return;
		}
		goto done;
	}
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		value = vlapic_apic_base(v);
		break;
	case MSR_EFER:
		value = vendor->get_efer(v);
		break;
	case MSR_IA32_PAT:
		value = vendor->get_pat(v);
		break;
	case MSR_IA32_TSC:
		value = rdtsc();
		break;
	case MSR_IA32_MISC_ENABLE:
		value = MISC_ENABLE_FAST_STRINGS;
		break;
	case MSR_IA32_MTRRCAP:
		value = 0;	/* no variable or fixed MTRRs to program */
		break;
	case MSR_IA32_MTRR_DEF_TYPE:
		value = MTRR_DEF_TYPE_WB_ENABLED;
		break;
	default:
		refuse(v, "rdmsr", msr);
		return;
	}
done:
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	vcpu_advance_rip(v, e);
}

void msr_handle_write(struct vcpu *v, const struct vm_exit *e)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value = ((v->regs.rdx & 0xffffffffull) << 32) |
			 (v->regs.rax & 0xffffffffull);

	if (msr >= VLAPIC_MSR_FIRST && msr <= VLAPIC_MSR_LAST) {
		if (vlapic_write(v, msr, value)) {
			vendor->inject_exception(v, VECTOR_GP, true, 0);
			return;
		}
		vcpu_advance_rip(v, e);
		return;
	}
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		/* x2APIC mode only: it can be neither moved nor turned off */
		if (value != vlapic_apic_base(v)) {
			refuse(v, "wrmsr", msr);
			return;
		}
		break;
	case MSR_EFER:
		/*
		 * Long-mode guests only: LME/LMA stay as they are. A refused
		 * value is the guest's mistake, not a gap in Keel: #GP as a
		 * CPU gives for reserved bits, without a warning.
		 */
		if ((value & ~EFER_GUEST_WRITABLE) ||
		    ((value ^ vendor->get_efer(v)) & (EFER_LME | EFER_LMA))) {
			log_debug("vm %s: refused EFER value %#lx; injected #GP",
				  v->vm->name, value);
			vendor->inject_exception(v, VECTOR_GP, true, 0);
			return;
		}
		vendor->set_efer(v, value);
		break;
	case MSR_IA32_PAT:
		if (!pat_valid(value)) {
			vendor->inject_exception(v, VECTOR_GP, true, 0);
			return;
		}
		vendor->set_pat(v, value);
		break;
	case MSR_IA32_MISC_ENABLE:
	case MSR_IA32_MTRR_DEF_TYPE:
		break;	/* accepted and ignored */
	default:
		refuse(v, "wrmsr", msr);
		return;
	}
	vcpu_advance_rip(v, e);
}
