// SPDX-License-Identifier: MIT
/*
 * INIT and STARTUP for unmodified guests' vCPUs; see core/vcpu_init.h.
 * Senders post to the state machine under the VM's lock and wake or kick
 * the target; the target acts before its next entry on its own CPU, where
 * it is loaded, so the back-end's vcpu_reset may touch its VMCS or VMCB.
 */
#include <arch/vendor.h>
#include <arch/x86.h>
#include <core/dev/vlapic.h>
#include <core/msr_policy.h>
#include <core/vcpu.h>
#include <core/vcpu_init.h>
#include <core/vcpu_init_state.h>
#include <core/vm.h>
#include <lib/string.h>
#include <sched/sched.h>

#define CPUID_LEAF_SIGNATURE 1u	/* EAX: family, model, stepping */

/*
 * What INIT resets besides the back-end's state (SDM 9.1.1, table 9-1):
 * the general registers, EDX the processor signature; the local APIC;
 * the emulated MSRs. The TSC keeps counting.
 */
static void reset_core_state(struct vcpu *v)
{
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rdx = cpuid(CPUID_LEAF_SIGNATURE, 0).eax;
	vlapic_init_xapic(v);
	msr_vcpu_reset(v);
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

/*
 * v's dormancy may have changed since was (VM lock held); keeps
 * vcpus_awake. True when v was the last one awake: the VM halts.
 */
static bool account(struct vcpu *v, bool was)
{
	struct vm *vm = v->vm;
	bool now = vcpu_init_dormant(&v->init);

	if (was && !now)
		vm->vcpus_awake++;
	if (was || !now || --vm->vcpus_awake)
		return false;
	vm->all_dormant = true;
	return true;
}

/* Every other vCPU runs once more, to see all_dormant and stop. */
static void wake_others(struct vcpu *self)
{
	struct vm *vm = self->vm;

	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpus[i];

		if (t != self && t->state != VCPU_OFFLINE)
			sched_vcpu_wake(t);
	}
}

void vcpu_init_send(struct vcpu *from, struct vcpu *target, bool startup,
		    uint8_t vector)
{
	struct vm *vm = target->vm;
	bool was;

	/* INIT to the BSP would restart the firmware: not supported */
	if (!vm->aps_sipi || target == from || target->id == 0 ||
	    target->state == VCPU_OFFLINE)
		return;
	spin_lock(&vm->lock);
	if (target->state == VCPU_STOPPED || vm->all_dormant) {
		spin_unlock(&vm->lock);
		return;
	}
	was = vcpu_init_dormant(&target->init);
	if (startup)
		(void)vcpu_init_post_sipi(&target->init, vector);
	else
		vcpu_init_post_init(&target->init);
	(void)account(target, was);	/* from is awake: no halt here */
	spin_unlock(&vm->lock);
	/* blocked: it wakes; running: it leaves the guest to take the INIT */
	sched_vcpu_wake(target);
	if (!startup)
		sched_kick(__atomic_load_n(&target->cpu, __ATOMIC_ACQUIRE));
}

bool vcpu_init_enter(struct vcpu *v)
{
	struct vm *vm = v->vm;
	enum vcpu_init_action act;
	uint8_t vector = 0;
	bool was, halts, stop;

	/* most entries: a running vCPU with nothing posted */
	if (v->init.mode == VCPU_INIT_RUNNING &&
	    !vcpu_init_pending(&v->init) && !vm->all_dormant)
		return true;
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
		}
	} while (act == VCPU_INIT_DO_RESET);
	halts = account(v, was);
	stop = vm->all_dormant;
	spin_unlock(&vm->lock);
	if (halts)
		wake_others(v);
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

bool vcpu_init_wake_pending(const struct vcpu *v)
{
	return vcpu_init_pending(&v->init) || v->vm->all_dormant;
}

bool vcpu_init_hlt(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool was, halts, stop;

	if (!vm->aps_sipi)
		return false;
	spin_lock(&vm->lock);
	was = vcpu_init_dormant(&v->init);
	vcpu_init_halt(&v->init);
	halts = account(v, was);
	stop = vm->all_dormant;
	spin_unlock(&vm->lock);
	if (halts)
		wake_others(v);
	if (stop)
		v->state = VCPU_STOPPED;
	else
		sched_vcpu_sleep(v, UINT64_MAX, true);
	return true;
}
