// SPDX-License-Identifier: MIT
/*
 * INIT and STARTUP for unmodified guests' vCPUs, the side of the senders
 * and of hlt; see core/vcpu_init.h. Senders post to the state machine
 * under the VM's lock and wake or kick the target, which acts before its
 * next entry (core/vcpu_init_entry.c).
 */
#include <arch/vendor.h>
#include <core/vcpu.h>
#include <core/vcpu_init.h>
#include <core/vcpu_init_state.h>
#include <core/vm.h>
#include <sched/sched.h>

/*
 * v's dormancy may have changed since was (VM lock held); keeps
 * vcpus_awake. True when v was the last one awake: the VM halts.
 */
bool vcpu_init_account(struct vcpu *v, bool was)
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
void vcpu_init_wake_others(struct vcpu *self)
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
	(void)vcpu_init_account(target, was);	/* from is awake: no halt here */
	spin_unlock(&vm->lock);
	/* blocked: it wakes; running: it leaves the guest to take the INIT */
	sched_vcpu_wake(target);
	if (!startup)
		sched_kick(__atomic_load_n(&target->cpu, __ATOMIC_ACQUIRE));
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
	halts = vcpu_init_account(v, was);
	stop = vm->all_dormant;
	spin_unlock(&vm->lock);
	if (halts)
		vcpu_init_wake_others(v);
	if (stop)
		v->state = VCPU_STOPPED;
	else
		sched_vcpu_sleep(v, UINT64_MAX, true);
	return true;
}
