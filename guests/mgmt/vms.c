// SPDX-License-Identifier: MIT
/* Finding VMs by name: see vms.h. */
#include <lib/string.h>

#include "hv.h"
#include "out.h"
#include "report.h"
#include "vms.h"

int vms_snapshot(struct keel_vm_info *vis)
{
	static uint32_t ids[KEEL_VM_LIST_MAX];
	uint32_t first = 0;
	int n = 0;

	/* a page of ids at a time, each page from the id after the last */
	while (n < VMS_MAX) {
		long count = hv_vm_list(first, ids, KEEL_VM_LIST_MAX);

		if (count < 0) {
			report_hv_error("listing the VMs", count);
			return -1;
		}
		if (count > KEEL_VM_LIST_MAX)
			count = KEEL_VM_LIST_MAX;
		for (long i = 0; i < count && n < VMS_MAX; i++) {
			/* a VM destroyed since the list is simply left out */
			if (hv_vm_info(ids[i], &vis[n]) == 0)
				n++;
		}
		if (count < KEEL_VM_LIST_MAX || ids[count - 1] == UINT32_MAX)
			break;
		first = ids[count - 1] + 1;
	}
	return n;
}

static int lookup(const char *name, struct keel_vm_info *vi)
{
	static struct keel_vm_info vis[VMS_MAX];
	int n = vms_snapshot(vis);

	for (int i = 0; i < n; i++) {
		if (!strncmp(vis[i].name, name, KEEL_NAME_LEN)) {
			*vi = vis[i];
			return 1;
		}
	}
	return n < 0 ? -1 : 0;
}

bool vms_find(const char *name, struct keel_vm_info *vi)
{
	int found = lookup(name, vi);

	if (!found)
		out_error("no VM named '%s'; see 'list'", name);
	return found == 1;
}

int vms_exists(const char *name)
{
	struct keel_vm_info vi;

	return lookup(name, &vi);
}

bool host_info(struct keel_host_info *hi)
{
	long ret = hv_host_info(hi);

	if (ret < 0) {
		report_hv_error("asking for the host's information", ret);
		return false;
	}
	return true;
}
