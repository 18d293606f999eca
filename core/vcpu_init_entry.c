// SPDX-License-Identifier: MIT
/*
 * INIT and STARTUP for unmodified guests' vCPUs, the target's side: it
 * acts before its next entry on its own CPU, where it is loaded, so the
 * back-end's vcpu_reset may touch its VMCS or VMCB. See core/vcpu_init.h.
 * Apart from core/vcpu_init.c, which the local APIC calls, because this
 * side resets the local APIC.
 */
#include <arch/vendor.h>
#include <arch/x86.h>
#include <core/dev/vlapic.h>
#include <core/vcpu.h>
#include <core/vcpu_init.h>
#include <core/vcpu_init_state.h>
#include <core/vm.h>
#include <lib/string.h>
#include <sched/sched.h>

#define CPUID_LEAF_SIGNATURE 1u	/* EAX: family, model, stepping */

/*
 * What INIT resets besides the back-end's state (SDM 9.1.1, table 9-1):
 * the general registers, EDX the processor signature; the local APIC,
 * and an NMI waiting.
 * The emulated MSRs (MTRRs, MISC_ENABLE) stay, as INIT leaves them
 * (SDM 9.1); the TSC keeps counting.
 */
static void reset_core_state(struct vcpu *v)
{
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rdx = cpuid(CPUID_LEAF_SIGNATURE, 0).eax;
	vlapic_init_xapic(v);
	/* an NMI sent before the INIT is not taken after it */
	__atomic_fetch_and(&v->lapic.pins, ~VLAPIC_PIN_NMI, __ATOMIC_ACQ_REL);
}

/* The back-end's state for STARTUP vector (after INIT: any vector). */
static void reset_vendor_state(struct vcpu *v, uint8_t vector)
{
	struct vcpu_entry_state s;

	vcpu_init_startup_state(&s, vector);
	vendor->vcpu_reset(v, &s);
}

void vcpu_init_wait(struct vcpu *v)
{
	v->init = (struct vcpu_init){ .mode = VCPU_INIT_WAIT_SIPI };
	reset_core_state(v);
}

/* vcpu_init_enter when something is posted, or the VM stops. */
static __attribute__((noinline)) bool init_act(struct vcpu *v)
{
	struct vm *vm = v->vm;
	enum vcpu_init_action act;
	uint8_t vector = 0;
	bool was, halts, stop;

	spin_lock(&vm->lock);
	was = vcpu_init_dormant(&v->init);
	do {
		act = vcpu_init_next(&v->init, &vector);
		if (act == VCPU_INIT_DO_RESET) {
			reset_core_state(v);
			reset_vendor_state(v, 0);
		} else if (act == VCPU_INIT_DO_START) {
			reset_vendor_state(v, vector);
			v->halted = false;
			__atomic_store_n(&v->console_wait, false,
					 __ATOMIC_RELEASE);
		}
	} while (act == VCPU_INIT_DO_RESET);
	halts = vcpu_init_account(v, was);
	stop = vm->all_dormant;
	spin_unlock(&vm->lock);
	if (halts)
		vcpu_init_wake_others(v);
	if (stop) {
		v->state = VCPU_STOPPED;
		return false;
	}
	if (act == VCPU_INIT_BLOCK) {
		/* until a STARTUP or INIT wakes it (vcpu_init_wake_pending) */
		sched_vcpu_sleep(v, UINT64_MAX, true);
		return false;
	}
	return true;
}

/*
 * The check apart from the work (init_act), so that the common case, on
 * every pass of the run loop, sets up no stack frame.
 */
bool vcpu_init_enter(struct vcpu *v)
{
	/* most entries: a running vCPU with nothing posted */
	if (v->init.mode == VCPU_INIT_RUNNING &&
	    !vcpu_init_pending(&v->init) &&
	    !__atomic_load_n(&v->vm->all_dormant, __ATOMIC_ACQUIRE))
		return true;
	return init_act(v);
}
