// SPDX-License-Identifier: MIT
/* What VMs did with their CPU time: stats, top. */
#include <lib/format.h>
#include <lib/string.h>

#include "commands.h"
#include "guest.h"
#include "hv.h"
#include "json.h"
#include "out.h"
#include "report.h"
#include "show.h"
#include "vms.h"

#define NS_PER_MS    1000000ull
#define TOP_PERIOD_MS 1000
#define EXITS_TEXT   160

static uint32_t vcpu_slots(const struct keel_vm_info *vi)
{
	uint32_t n = vi->vcpus_max ? vi->vcpus_max : vi->vcpus;

	return n > KEEL_MAX_VCPUS ? KEEL_MAX_VCPUS : n;
}

/* The online vCPUs, and any that are offline now but have run. */
static bool worth_showing(const struct keel_vm_info *vi,
			  const struct keel_vcpu_stats *st)
{
	return st->id < vi->vcpus || st->state != KEEL_VCPU_OFFLINE ||
	       st->run_ns || st->switches;
}

static void stats_json_vcpu(struct json *j, const struct keel_vcpu_stats *st)
{
	char cpus[64];

	show_cpulist(cpus, sizeof(cpus), st->affinity);
	json_object(j, NULL);
	json_u64(j, "id", st->id);
	json_u64(j, "cpu", st->cpu);
	json_string(j, "state", show_vcpu_state(st->state));
	json_u64(j, "run_ns", st->run_ns);
	json_u64(j, "wait_ns", st->wait_ns);
	json_u64(j, "switches", st->switches);
	json_string(j, "affinity", cpus);
	json_object(j, "exits");
	for (unsigned int r = 0; r < KEEL_EXIT_NAMED; r++)
		json_u64(j, show_exit_name(r), st->exits[r]);
	json_end(j);
	json_end(j);
}

/* The non-zero exit counts as "name N, name N". */
static void exits_text(const struct keel_vcpu_stats *st, char *buf,
		       size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int r = 0; r < KEEL_EXIT_NAMED && used < size; r++) {
		int n;

		if (!st->exits[r])
			continue;
		n = snprintf(buf + used, size - used, "%s%s %lu",
			     used ? ", " : "", show_exit_name(r),
			     (unsigned long)st->exits[r]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!used)
		strlcpy(buf, "-", size);
}

void cmd_stats(const struct shell_cmd *cmd)
{
	static struct keel_vcpu_stats st[KEEL_MAX_VCPUS];
	bool json = cmd->given & SHELL_FLAG_JSON;
	struct keel_vm_info vi;
	char exits[EXITS_TEXT], what[64];
	struct json j;
	uint32_t n;
	long ret;

	if (!vms_find(cmd->name, &vi))
		return;
	n = vcpu_slots(&vi);
	/* all of it first: an error is one line, not half a table */
	for (uint32_t v = 0; v < n; v++) {
		ret = hv_vcpu_stats(vi.id, v, &st[v]);
		if (ret < 0) {
			snprintf(what, sizeof(what), "stats %s vCPU %u",
				 vi.name, v);
			report_hv_error(what, ret);
			return;
		}
	}
	if (json) {
		json_begin(&j);
		json_string(&j, "name", vi.name);
		json_u64(&j, "id", vi.id);
		json_string(&j, "state", show_vm_state(vi.state));
		json_array(&j, "vcpus");
	} else {
		out_printf("%s (id %u): %s, %u vCPU%s online\n", vi.name, vi.id,
			   show_vm_state(vi.state), vi.vcpus,
			   vi.vcpus == 1 ? "" : "s");
		out_printf("%4s %4s %-9s %10s %10s %9s  %s\n", "VCPU", "CPU",
			   "STATE", "RUN_MS", "WAIT_MS", "SWITCHES", "EXITS");
	}
	for (uint32_t v = 0; v < n; v++) {
		if (!worth_showing(&vi, &st[v]))
			continue;
		if (json) {
			stats_json_vcpu(&j, &st[v]);
			continue;
		}
		exits_text(&st[v], exits, sizeof(exits));
		out_printf("%4u %4u %-9s %10lu %10lu %9lu  %s\n", st[v].id,
			   st[v].cpu, show_vcpu_state(st[v].state),
			   (unsigned long)(st[v].run_ns / NS_PER_MS),
			   (unsigned long)(st[v].wait_ns / NS_PER_MS),
			   (unsigned long)st[v].switches, exits);
	}
	if (json) {
		json_end(&j);
		json_end(&j);
	}
}

static const struct keel_vm_info *by_id(const struct keel_vm_info *vis,
					int n, uint32_t id)
{
	for (int i = 0; i < n; i++) {
		if (vis[i].id == id)
			return &vis[i];
	}
	return NULL;
}

void cmd_top(const struct shell_cmd *cmd)
{
	static struct keel_vm_info before[VMS_MAX], after[VMS_MAX];
	struct keel_host_info h0, h1;
	uint64_t elapsed;
	int n0, n1;

	out_printf("measuring for %u ms...\n", TOP_PERIOD_MS);
	out_flush();
	if (!host_info(&h0) || (n0 = vms_snapshot(before)) < 0)
		return;
	sleep_ns(TOP_PERIOD_MS * NS_PER_MS);
	if (!host_info(&h1) || (n1 = vms_snapshot(after)) < 0)
		return;
	elapsed = h1.uptime_ns > h0.uptime_ns ? h1.uptime_ns - h0.uptime_ns : 1;
	out_printf("%3s  %-20s %-10s %5s %10s %7s\n", "ID", "NAME", "STATE",
		   "VCPUS", "MEM", "CPU%");
	for (int i = 0; i < n1; i++) {
		const struct keel_vm_info *vi = &after[i];
		const struct keel_vm_info *old = by_id(before, n0, vi->id);
		uint64_t ran = old && vi->run_ns > old->run_ns ?
			       vi->run_ns - old->run_ns : 0;
		uint64_t permille = ran * 1000 / elapsed;
		char mem[24];

		show_size(mem, sizeof(mem), vi->mem_actual);
		out_printf("%3u  %-20s %-10s %5u %10s %5lu.%lu\n", vi->id,
			   vi->name, show_vm_state(vi->state), vi->vcpus, mem,
			   (unsigned long)(permille / 10),
			   (unsigned long)(permille % 10));
	}
}
