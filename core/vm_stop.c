// SPDX-License-Identifier: MIT
/*
 * A VM stops for good: the exit handlers and the devices (power off,
 * reset) call this. It depends on nothing else of core/, so that every
 * device may stop its VM (core/vm.h).
 */
#include <stdarg.h>

#include <base/log.h>
#include <core/vm.h>
#include <lib/format.h>
#include <lib/spinlock.h>

/* Restarts requested (vm_reset) and not yet done or dropped. */
static uint32_t restart_requests;

uint32_t vm_restarts_requested(void)
{
	return __atomic_load_n(&restart_requests, __ATOMIC_ACQUIRE);
}

void vm_restart_requested_done(void)
{
	__atomic_sub_fetch(&restart_requests, 1, __ATOMIC_ACQ_REL);
}

static void stop_vcpus(struct vm *vm, enum vm_state state)
{
	spin_lock(&vm->lock);
	if (vm->state != VM_DESTROYING)	/* destroy goes on regardless */
		vm->state = state;
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i].state != VCPU_OFFLINE)
			vm->vcpus[i].state = VCPU_STOPPED;
	spin_unlock(&vm->lock);
}

void vm_stop(struct vm *vm, enum vm_state state, const char *fmt, ...)
{
	uint64_t none = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	/* the first stop's report is what a console takeback replays */
	__atomic_compare_exchange_n(&vm->stop_log_mark, &none, log_ring_mark(),
				    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	stop_vcpus(vm, state);
	if (state == VM_STOPPED)
		log_error("vm %s: %s; vm stopped", vm->name, vm->stop_reason);
	else
		log_info("vm %s: %s", vm->name, vm->stop_reason);
}

void vm_reset(struct vm *vm, const char *how)
{
	if (vm->desc.on_reboot != VM_ON_REBOOT_RESTART) {
		vm_stop(vm, VM_STOPPED, "reset (%s)", how);
		return;
	}
	snprintf(vm->stop_reason, sizeof(vm->stop_reason),
		 "reset (%s); restarting", how);
	stop_vcpus(vm, VM_STOPPED);
	/* a second reset (another vCPU) before the restart asks nothing more */
	if (__atomic_exchange_n(&vm->restart_pending, true, __ATOMIC_ACQ_REL))
		return;
	log_info("vm %s: %s (on_reboot=restart)", vm->name, vm->stop_reason);
	__atomic_add_fetch(&restart_requests, 1, __ATOMIC_ACQ_REL);
}
