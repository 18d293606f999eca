// SPDX-License-Identifier: MIT
/* When a VM's devices next act, and who fires it; see core/dev/dev_timer.h. */
#include <core/dev/dev_timer.h>
#include <core/vm.h>
#include <lib/util.h>

uint64_t vm_dev_deadline(const struct vm *vm)
{
	return MIN(vpit_deadline(&vm->pit), vrtc_deadline(&vm->rtc));
}

void vm_dev_service(struct vm *vm, uint64_t now)
{
	if (now < vm_dev_deadline(vm))
		return;
	vpit_service(&vm->pit, now);
	vrtc_service(&vm->rtc, now);
}
