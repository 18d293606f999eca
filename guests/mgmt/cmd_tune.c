// SPDX-License-Identifier: MIT
/* Where and how a VM runs: pin, sched. */
#include <lib/format.h>
#include <lib/string.h>

#include "commands.h"
#include "hv.h"
#include "out.h"
#include "report.h"
#include "show.h"
#include "vms.h"

void cmd_pin(const struct shell_cmd *cmd)
{
	struct keel_host_info hi;
	struct keel_vm_info vi;
	uint64_t all, mask;
	char list[64], what[64];
	long ret;

	if (!vms_find(cmd->name, &vi) || !host_info(&hi))
		return;
	if (vi.flags & KEEL_VM_FLAG_MGMT) {
		out_error("'%s' is the management VM, which runs this shell; it "
			  "cannot re-pin itself", cmd->name);
		return;
	}
	if (cmd->vcpu >= vi.vcpus) {
		out_error("%s has vCPUs 0-%u; there is no vCPU %u (see 'stats "
			  "%s')", cmd->name, vi.vcpus - 1, cmd->vcpu, cmd->name);
		return;
	}
	all = hi.cpus >= 64 ? ~0ull : (1ull << hi.cpus) - 1;
	mask = cmd->cpu_mask ? cmd->cpu_mask : all;
	if (mask & ~all) {
		show_cpulist(list, sizeof(list), mask & ~all);
		out_error("the host has CPUs 0-%u, not %s; see 'info'",
			  hi.cpus - 1, list);
		return;
	}
	ret = hv_vcpu_pin(vi.id, cmd->vcpu, mask);
	if (ret < 0) {
		snprintf(what, sizeof(what), "pin %s vCPU %u", cmd->name,
			 cmd->vcpu);
		report_hv_error(what, ret);
		return;
	}
	show_cpulist(list, sizeof(list), mask);
	out_printf("pinned %s vCPU %u to CPUs %s\n", cmd->name, cmd->vcpu,
		   list);
}

void cmd_sched(const struct shell_cmd *cmd)
{
	struct keel_vm_info vi;
	uint32_t prio, slice;
	char what[64];
	long ret;

	if (!vms_find(cmd->name, &vi))
		return;
	prio = (cmd->given & SHELL_OPT_PRIO) ? cmd->prio : KEEL_KEEP;
	slice = (cmd->given & SHELL_OPT_SLICE) ? cmd->slice_ms : KEEL_KEEP;
	ret = hv_vm_set_sched(vi.id, prio, slice);
	if (ret < 0) {
		snprintf(what, sizeof(what), "sched %s", cmd->name);
		report_hv_error(what, ret);
		return;
	}
	out_printf("%s: prio %u, slice %u ms\n", cmd->name,
		   prio == KEEL_KEEP ? vi.prio : prio,
		   slice == KEEL_KEEP ? vi.slice_ms : slice);
}
