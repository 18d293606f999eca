// SPDX-License-Identifier: MIT
/*
 * Telling a VM's timekeeper vCPU that its devices' deadline came earlier;
 * see core/dev/dev_timer.h. Apart from dev_timer.c, which calls the
 * devices, as the devices call this.
 */
#include <core/dev/dev_timer.h>
#include <core/vm.h>
#include <sched/sched.h>

void vm_dev_deadline_moved(struct vm *vm, void *caller)
{
	struct vcpu *keeper = &vm->vcpus[VM_TIMEKEEPER_VCPU];

	/* the timekeeper's own access: its next entry looks (vcpu_run.c) */
	if (caller == keeper) {
		keeper->dev_moved = true;
		return;
	}
	/* halted: it wakes, finds nothing for itself and sleeps again */
	sched_vcpu_wake(keeper);
	/*
	 * Running: the IPI makes it exit through the slow path, which arms
	 * the new deadline. Sent even if it seems to be in root mode: it may
	 * be about to enter with the old one, and then the pending IPI ends
	 * that entry at once.
	 */
	sched_kick(__atomic_load_n(&keeper->cpu, __ATOMIC_RELAXED));
}
