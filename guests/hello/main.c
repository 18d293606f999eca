// SPDX-License-Identifier: MIT
/*
 * hello: the smallest demo image. It greets with its name, vCPU count and
 * memory, then halts (hlt with interrupts off: the VM is "halted").
 *   probe=mgmt   first try a management call (VM_LIST), which a guest
 *                without the management role must get -EPERM for
 */
#include <lib/string.h>

#include "guest.h"

#define MIB_SHIFT 20

static void probe_mgmt(void)
{
	uint32_t ids[KEEL_MAX_VMS];
	long ret = hypercall4(KEEL_HC_VM_LIST, (unsigned long)ids,
			      KEEL_MAX_VMS, 0, 0);

	if (ret == -KEEL_EPERM)
		gprintf("hello: VM_LIST refused with EPERM, as it must be\n");
	else
		gprintf("FAIL: hello: VM_LIST returned %ld, not -EPERM\n", ret);
}

void guest_main(void)
{
	char probe[16];

	if (arg_value("probe", probe, sizeof(probe)) && !strcmp(probe, "mgmt"))
		probe_mgmt();
	gprintf("hello from %s (vm %u, %u vCPU%s, %lu MiB)\n", start_info->name,
		start_info->vm_id, start_info->vcpu_count,
		start_info->vcpu_count == 1 ? "" : "s",
		(unsigned long)(start_info->mem_bytes >> MIB_SHIFT));
}
