// SPDX-License-Identifier: MIT
/*
 * resize NAME mem=SIZE | vcpus=N (docs/hypercalls.md §4.8 VM_SET_MEM,
 * VM_SET_VCPUS). Growing maps memory in resumable steps. Shrinking asks
 * the guest to release memory, waits up to RELEASE_WAIT_MS for it, then
 * takes the rest back by force and says which range.
 */
#include <lib/format.h>
#include <lib/string.h>

#include "commands.h"
#include "guest.h"
#include "hv.h"
#include "out.h"
#include "report.h"
#include "show.h"
#include "vms.h"

#define NS_PER_MS        1000000ull
#define RELEASE_WAIT_MS  2000
#define RELEASE_POLL_MS  10
#define MIB_BYTES        (1ull << 20)

/* Calls VM_SET_MEM until it is done; progress lines when it takes long. */
static long set_mem_all(const struct shell_cmd *cmd, uint32_t id,
			uint64_t flags)
{
	long left = hv_vm_set_mem(id, cmd->mem, flags);

	while (left > 0) {
		out_printf("resizing %s: %lu MiB to go\n", cmd->name,
			   (unsigned long)(((uint64_t)left + MIB_BYTES - 1) /
					   MIB_BYTES));
		out_flush();
		left = hv_vm_set_mem(id, cmd->mem, flags);
	}
	return left;
}

static void report_set_mem(const struct shell_cmd *cmd, long err)
{
	char what[64];

	snprintf(what, sizeof(what), "resize %s", cmd->name);
	report_hv_error(what, err);
}

static void grow(const struct shell_cmd *cmd, const struct keel_vm_info *vi)
{
	struct keel_host_info hi;
	struct keel_vm_info now;
	char want[24], got[24], free[24];
	long ret;

	if (!host_info(&hi))
		return;
	if (cmd->mem - vi->mem_actual > hi.mem_free) {
		show_size(want, sizeof(want), cmd->mem - vi->mem_actual);
		show_size(free, sizeof(free), hi.mem_free);
		out_error("not enough memory to grow %s by %s: %s are free; see "
			  "'info'", cmd->name, want, free);
		return;
	}
	ret = set_mem_all(cmd, vi->id, 0);
	show_size(want, sizeof(want), cmd->mem);
	if (ret == -KEEL_ENOMEM && hv_vm_info(vi->id, &now) == 0) {
		show_size(got, sizeof(got), now.mem_actual);
		out_error("the hypervisor ran out of memory: %s grew to %s, not "
			  "%s; see 'info'", cmd->name, got, want);
		return;
	}
	if (ret < 0) {
		report_set_mem(cmd, ret);
		return;
	}
	out_printf("resized %s to %s\n", cmd->name, want);
}

static void shrink(const struct shell_cmd *cmd, const struct keel_vm_info *vi)
{
	uint64_t start = rdtsc();
	struct keel_vm_info now;
	char size[24], taken[24];
	long left = hv_vm_set_mem(vi->id, cmd->mem, 0);

	while (left > 0 && tsc_to_ms(rdtsc() - start) < RELEASE_WAIT_MS) {
		sleep_ns(RELEASE_POLL_MS * NS_PER_MS);
		left = hv_vm_set_mem(vi->id, cmd->mem, 0);
	}
	if (left < 0) {
		report_set_mem(cmd, left);
		return;
	}
	show_size(size, sizeof(size), cmd->mem);
	if (!left) {
		out_printf("resized %s to %s (released by the guest)\n",
			   cmd->name, size);
		return;
	}
	if (hv_vm_info(vi->id, &now) < 0)
		now.mem_actual = vi->mem_actual;
	left = set_mem_all(cmd, vi->id, KEEL_MEM_FORCE);
	if (left < 0) {
		report_set_mem(cmd, left);
		return;
	}
	show_size(taken, sizeof(taken), now.mem_actual - cmd->mem);
	out_printf("resize: %s did not release within 2 s; took back "
		   "0x%lx-0x%lx (%s); now %s\n", cmd->name,
		   (unsigned long)cmd->mem, (unsigned long)now.mem_actual - 1,
		   taken, size);
}

static void resize_mem(const struct shell_cmd *cmd,
		       const struct keel_vm_info *vi)
{
	char size[24], max[24];

	show_size(size, sizeof(size), cmd->mem);
	if (vi->state == KEEL_VM_HALTED || vi->state == KEEL_VM_STOPPED ||
	    vi->state == KEEL_VM_OFF || vi->state == KEEL_VM_DESTROYING) {
		out_error("%s is %s; its memory no longer changes (destroy it "
			  "instead)", cmd->name, show_vm_state(vi->state));
		return;
	}
	if (cmd->mem > vi->mem_max) {
		show_size(max, sizeof(max), vi->mem_max);
		out_error("%s can grow to its maxmem of %s, not %s; create it "
			  "with a larger maxmem=", cmd->name, max, size);
		return;
	}
	if (cmd->mem == vi->mem_actual && cmd->mem == vi->mem_target) {
		out_printf("%s has %s already\n", cmd->name, size);
		return;
	}
	if (cmd->mem > vi->mem_actual)
		grow(cmd, vi);
	else
		shrink(cmd, vi);
}

static void resize_vcpus(const struct shell_cmd *cmd,
			 const struct keel_vm_info *vi)
{
	long ret;

	if (vi->state != KEEL_VM_RUNNING) {
		out_error("%s is %s; its vCPUs change only while it runs",
			  cmd->name, show_vm_state(vi->state));
		return;
	}
	if (cmd->vcpus == vi->vcpus) {
		out_printf("%s has %u vCPU%s online already\n", cmd->name,
			   vi->vcpus, vi->vcpus == 1 ? "" : "s");
		return;
	}
	ret = hv_vm_set_vcpus(vi->id, cmd->vcpus);
	if (ret == -KEEL_EBUSY) {
		out_error("%s's guest registered no entry for new vCPUs "
			  "(KEEL_HC_VCPU_ENTRY), so it cannot take more; see "
			  "'help resize'", cmd->name);
		return;
	}
	if (ret < 0) {
		char what[64];

		snprintf(what, sizeof(what), "resize %s", cmd->name);
		report_hv_error(what, ret);
		return;
	}
	out_printf("%s has %u vCPU%s online\n", cmd->name, cmd->vcpus,
		   cmd->vcpus == 1 ? "" : "s");
}

void cmd_resize(const struct shell_cmd *cmd)
{
	struct keel_vm_info vi;

	if (!vms_find(cmd->name, &vi))
		return;
	if (vi.flags & KEEL_VM_FLAG_MGMT) {
		out_error("'%s' is the management VM, which runs this shell; it "
			  "cannot resize itself", cmd->name);
		return;
	}
	if (cmd->given & SHELL_OPT_MEM)
		resize_mem(cmd, &vi);
	else
		resize_vcpus(cmd, &vi);
}
