// SPDX-License-Identifier: MIT
/*
 * Control registers a guest reaches through exits (docs/isolation.md):
 * XCR0 through XSETBV on both vendors, and CR8 on VMX, where MOV CR8
 * would otherwise write the physical local APIC's TPR and so block the
 * host's own interrupts. On SVM, V_INTR_MASKING keeps CR8 virtual.
 */
#include <arch/guest_state.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <core/exit_dispatch.h>
#include <core/vm.h>

#define GPR_RSP 4
#define CR8_MASK 0xfull
#define TPR_SHIFT 4

/* XSETBV (SDM vol. 2, XSETBV; 13.3): every check a CPU makes. */
void xsetbv_handle(struct vcpu *v, const struct vm_exit *e)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (!(vendor->get_cr4(v) & CR4_OSXSAVE)) {
		vendor->inject_exception(v, VECTOR_UD, false, 0);
		return;
	}
	if (vendor->get_cpl(v) != 0 || (uint32_t)v->regs.rcx != 0 ||
	    !guest_xcr0_valid(value)) {
		vendor->inject_exception(v, VECTOR_GP, true, 0);
		return;
	}
	/* v is loaded on this CPU: its XCR0 takes effect at once */
	guest_state_set_xcr0(&v->gstate, value);
	vcpu_advance_rip(v, e);
}

static uint64_t gpr_read(struct vcpu *v, unsigned int n)
{
	if (n == GPR_RSP)
		return vendor->get_rsp(v);
	return ((const uint64_t *)&v->regs)[n];
}

static void gpr_write(struct vcpu *v, unsigned int n, uint64_t value)
{
	if (n == GPR_RSP)
		vendor->set_rsp(v, value);
	else
		((uint64_t *)&v->regs)[n] = value;
}

bool cr_access_handle(struct vcpu *v, const struct vm_exit *e)
{
	uint64_t value;

	if (!e->cr.mov || e->cr.gpr > 15)
		return false;
	/*
	 * VMX owns CR4.VMXE (the guest/host mask): CPUID hides VMX, so the
	 * guest gets the #GP a CPU without VMX gives (SDM 2.5).
	 */
	if (e->cr.cr == 4 && e->cr.write &&
	    (gpr_read(v, e->cr.gpr) & CR4_VMXE)) {
		vendor->inject_exception(v, VECTOR_GP, true, 0);
		return true;
	}
	if (e->cr.cr != 8)
		return false;
	if (e->cr.write) {
		value = gpr_read(v, e->cr.gpr);
		/* bits 63:4 are reserved (SDM 2.5) */
		if (value & ~CR8_MASK) {
			vendor->inject_exception(v, VECTOR_GP, true, 0);
			return true;
		}
		v->lapic.tpr = (uint32_t)value << TPR_SHIFT;
	} else {
		gpr_write(v, e->cr.gpr, (v->lapic.tpr >> TPR_SHIFT) & CR8_MASK);
	}
	vcpu_advance_rip(v, e);
	return true;
}
