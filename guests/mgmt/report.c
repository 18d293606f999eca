// SPDX-License-Identifier: MIT
/* Hypercall errors as one line each (docs/hypercalls.md §2). */
#include <keel/abi.h>

#include "out.h"
#include "report.h"
#include "show.h"

static const char *advice(long err)
{
	switch (-err) {
	case KEEL_EPERM:
		return "not permitted (only the management VM may manage VMs, "
		       "and it cannot do this to itself)";
	case KEEL_ENOENT:
		return "no such VM, vCPU or image; see 'list' and 'images'";
	case KEEL_ENOMEM:
		return "the hypervisor is out of memory; see 'info', free some "
		       "with 'destroy' or 'resize'";
	case KEEL_EINVAL:
		return "the hypervisor refused an argument; see 'help'";
	case KEEL_EBUSY:
		return "not possible in the VM's current state; see 'list'";
	case KEEL_EEXIST:
		return "the name is taken; pick another (see 'list')";
	case KEEL_ENOSPC:
		return "no free slot (at most 8 vCPUs a VM; the number of "
		       "VMs is limited by memory only)";
	case KEEL_ENOSYS:
		return "the hypervisor does not implement this call; see "
		       "'version'";
	default:
		return "the shell passed something the hypervisor could not "
		       "use (a shell bug)";
	}
}

void report_hv_error(const char *what, long err)
{
	out_error("%s failed: %s (%s)", what, advice(err), show_errno(err));
}
