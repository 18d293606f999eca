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

void vm_stop(struct vm *vm, enum vm_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	spin_lock(&vm->lock);
	if (vm->state != VM_DESTROYING)	/* destroy goes on regardless */
		vm->state = state;
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i].state != VCPU_OFFLINE)
			vm->vcpus[i].state = VCPU_STOPPED;
	spin_unlock(&vm->lock);
	if (state == VM_STOPPED)
		log_error("vm %s: %s; vm stopped", vm->name, vm->stop_reason);
	else
		log_info("vm %s: %s", vm->name, vm->stop_reason);
}

void vm_reset(struct vm *vm, const char *how)
{
	vm_stop(vm, VM_STOPPED, "reset (%s)", how);
}
