// SPDX-License-Identifier: MIT
/* A VM's life: list, create, start, pause, resume, destroy. */
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

#define NS_PER_MS         1000000ull
#define DESTROY_QUIET_MS  500	/* no progress lines for a quick destroy */
#define DESTROY_STUCK_MS  30000	/* give up when nothing moves this long */
#define MIB_BYTES         (1ull << 20)
#define CYCLE_REPORTS     10	/* progress lines of a long cycle */

static void list_json(const struct keel_vm_info *vis, int n)
{
	struct json j;
	char cpus[64];

	json_begin(&j);
	json_array(&j, "vms");
	for (int i = 0; i < n; i++) {
		const struct keel_vm_info *vi = &vis[i];

		show_cpulist(cpus, sizeof(cpus), vi->cpus);
		json_object(&j, NULL);
		json_u64(&j, "id", vi->id);
		json_string(&j, "name", vi->name);
		json_string(&j, "state", show_vm_state(vi->state));
		json_u64(&j, "vcpus", vi->vcpus);
		json_u64(&j, "vcpus_max", vi->vcpus_max);
		json_u64(&j, "mem_max", vi->mem_max);
		json_u64(&j, "mem_target", vi->mem_target);
		json_u64(&j, "mem_actual", vi->mem_actual);
		json_u64(&j, "prio", vi->prio);
		json_u64(&j, "slice_ms", vi->slice_ms);
		json_string(&j, "cpus", cpus);
		json_bool(&j, "mgmt", vi->flags & KEEL_VM_FLAG_MGMT);
		json_u64(&j, "run_ns", vi->run_ns);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

void cmd_list(const struct shell_cmd *cmd)
{
	static struct keel_vm_info vis[VMS_MAX];
	int n = vms_snapshot(vis);

	if (n < 0)
		return;
	if (cmd->given & SHELL_FLAG_JSON) {
		list_json(vis, n);
		return;
	}
	out_printf("%3s  %-20s %-10s %5s %10s %10s %10s %4s %5s  %s\n", "ID",
		   "NAME", "STATE", "VCPUS", "MEM", "TARGET", "MAX", "PRIO",
		   "SLICE", "CPUS");
	for (int i = 0; i < n; i++) {
		const struct keel_vm_info *vi = &vis[i];
		char actual[24], target[24], max[24], cpus[64];

		show_size(actual, sizeof(actual), vi->mem_actual);
		show_size(target, sizeof(target), vi->mem_target);
		show_size(max, sizeof(max), vi->mem_max);
		show_cpulist(cpus, sizeof(cpus), vi->cpus);
		out_printf("%3u  %-20s %-10s %5u %10s %10s %10s %4u %5u  %s%s\n",
			   vi->id, vi->name, show_vm_state(vi->state), vi->vcpus,
			   actual, target, max, vi->prio, vi->slice_ms, cpus,
			   (vi->flags & KEEL_VM_FLAG_MGMT) ? "  (management)" :
			   "");
	}
}

/*
 * VM_DESTROY until it is done (§4.8: resumable), with progress lines when
 * it takes a while: 0, or the hypervisor's error (not yet reported).
 */
static long destroy_all(uint32_t id, const char *name)
{
	uint64_t start = rdtsc(), moved = start, last_shown = 0;
	long left, prev = -1;

	while ((left = hv_vm_destroy(id)) > 0) {
		uint64_t now = rdtsc();

		if (left != prev)
			moved = now;
		/* progress only for a destroy that takes a while */
		if ((uint64_t)left != last_shown &&
		    ((prev > 0 && left < prev) ||
		     tsc_to_ms(now - start) >= DESTROY_QUIET_MS)) {
			out_printf("destroying %s: %lu MiB left\n", name,
				   (unsigned long)(((uint64_t)left + MIB_BYTES - 1) /
						   MIB_BYTES));
			out_flush();
			last_shown = (uint64_t)left;
		}
		if (tsc_to_ms(now - moved) >= DESTROY_STUCK_MS)
			return -KEEL_EBUSY;
		prev = left;
		sleep_ns(NS_PER_MS);
	}
	return left;
}

/*
 * The boot module named name into *mi: 0, -KEEL_ENOENT when there is
 * none, or the hypervisor's error.
 */
static long find_module(const char *name, struct keel_module_info *mi)
{
	long ret;

	for (uint32_t i = 0; (ret = hv_module_info(i, mi)) == 0; i++) {
		if (!strncmp(mi->name, name, sizeof(mi->name)))
			return 0;
	}
	return ret;
}

/* What a module of this kind is called in error lines. */
static const char *kind_words(uint32_t kind)
{
	switch (kind) {
	case KEEL_MODULE_ELF:
		return "a Keel ELF image";
	case KEEL_MODULE_MULTIBOOT:
		return "a Multiboot kernel";
	case KEEL_MODULE_LINUX:
		return "a Linux kernel";
	default:
		return "no kernel";
	}
}

/*
 * IMAGE (or kernel=) among the boot modules, as a Keel image, a
 * Multiboot kernel (module= only for it) or a Linux kernel (initrd= only
 * for it): else the error line.
 */
static bool check_image(const struct shell_cmd *cmd)
{
	struct keel_module_info mi;
	long ret = find_module(cmd->image, &mi);

	if (ret == -KEEL_ENOENT) {
		out_error("no image named '%s'; see 'images'", cmd->image);
		return false;
	}
	if (ret) {
		report_hv_error("listing the images", ret);
		return false;
	}
	if (mi.kind != KEEL_MODULE_ELF && mi.kind != KEEL_MODULE_MULTIBOOT &&
	    mi.kind != KEEL_MODULE_LINUX) {
		out_error("image '%s' is neither a Keel ELF image nor a "
			  "Multiboot or Linux kernel; pick one of kind "
			  "keel-elf, multiboot or linux from 'images'",
			  cmd->image);
		return false;
	}
	if (cmd->module_count && mi.kind != KEEL_MODULE_MULTIBOOT) {
		out_error("module= is only for Multiboot kernels; '%s' is %s, "
			  "which takes none", cmd->image, kind_words(mi.kind));
		return false;
	}
	if (cmd->initrd[0] && mi.kind != KEEL_MODULE_LINUX) {
		out_error("initrd= is only for Linux kernels; '%s' is %s, "
			  "which takes none", cmd->image, kind_words(mi.kind));
		return false;
	}
	return true;
}

/* Every module= and the initrd= name boot modules: else the error line. */
static bool check_modules(const struct shell_cmd *cmd)
{
	struct keel_module_info mi;

	for (uint32_t i = 0; i <= cmd->module_count; i++) {
		const char *what = i < cmd->module_count ? "module" : "initrd";
		const char *name = i < cmd->module_count ? cmd->modules[i] :
			           cmd->initrd;
		long ret;

		if (!name[0])
			continue;	/* no initrd= */
		ret = find_module(name, &mi);
		if (ret == -KEEL_ENOENT) {
			out_error("%s=%s: no boot module named '%s'; see "
				  "'images'", what, name, name);
			return false;
		}
		if (ret) {
			report_hv_error("listing the images", ret);
			return false;
		}
	}
	return true;
}

/* Every CPU of mask exists on the host: else the error line. */
static bool check_cpus(const char *what, uint64_t mask, uint32_t host_cpus)
{
	uint64_t all = host_cpus >= 64 ? ~0ull : (1ull << host_cpus) - 1;
	char list[64];

	if (!(mask & ~all))
		return true;
	show_cpulist(list, sizeof(list), mask & ~all);
	out_error("%s names CPU %s, but the host has CPUs 0-%u; see 'info'",
		  what, list, host_cpus - 1);
	return false;
}

static bool check_create(const struct shell_cmd *cmd,
			 const struct keel_host_info *hi)
{
	char want[24], free[24];
	int exists = vms_exists(cmd->name);

	if (exists) {
		if (exists > 0)
			out_error("a VM named '%s' exists already; pick another "
				  "name, or 'destroy %s' first", cmd->name,
				  cmd->name);
		return false;
	}
	if (!check_image(cmd) || !check_modules(cmd) ||
	    !check_cpus("cpus=", cmd->cpus, hi->cpus))
		return false;
	if (cmd->mem > hi->mem_free) {
		show_size(want, sizeof(want), cmd->mem);
		show_size(free, sizeof(free), hi->mem_free);
		out_error("not enough memory for %s: it needs %s, %s are free; "
			  "give less with mem= or free some (see 'info')",
			  cmd->name, want, free);
		return false;
	}
	return true;
}

/*
 * VM_CREATE maps at most KEEL_WORK_BUDGET; VM_SET_MEM maps the rest
 * before the VM can start (§4.8).
 */
static long map_all(const struct shell_cmd *cmd, uint32_t id)
{
	long left;

	while ((left = hv_vm_set_mem(id, cmd->mem, 0)) > 0) {
		out_printf("creating %s: %lu MiB to map\n", cmd->name,
			   (unsigned long)(((uint64_t)left + MIB_BYTES - 1) /
					   MIB_BYTES));
		out_flush();
	}
	return left;
}

/* create's work: the new VM's id, or -1 after the error line. */
static long create_vm(const struct shell_cmd *cmd)
{
	static struct keel_vm_config cfg;
	struct keel_host_info hi;
	char what[64];
	long id, ret;

	if (!host_info(&hi) || !check_create(cmd, &hi))
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	strlcpy(cfg.name, cmd->name, sizeof(cfg.name));
	strlcpy(cfg.image, cmd->image, sizeof(cfg.image));
	cfg.mem_bytes = cmd->mem;
	cfg.mem_max = (cmd->given & SHELL_OPT_MAXMEM) ? cmd->maxmem : 0;
	cfg.cpus = cmd->cpus;
	cfg.vcpus = cmd->vcpus;
	cfg.prio = cmd->prio;
	cfg.slice_ms = cmd->slice_ms;
	cfg.entry = KEEL_ENTRY_ELF;
	strlcpy(cfg.args, cmd->args, sizeof(cfg.args));
	cfg.flags = cmd->restart ? KEEL_VM_CFG_RESTART : 0;
	for (uint32_t i = 0; i < cmd->module_count; i++)
		strlcpy(cfg.modules[i], cmd->modules[i], sizeof(cfg.modules[i]));
	strlcpy(cfg.initrd, cmd->initrd, sizeof(cfg.initrd));
	snprintf(what, sizeof(what), "create %s", cmd->name);
	id = hv_vm_create(&cfg);
	if (id < 0) {
		report_hv_error(what, id);
		return -1;
	}
	ret = map_all(cmd, (uint32_t)id);
	if (ret < 0) {
		/* nothing may be left behind: the VM goes again */
		destroy_all((uint32_t)id, cmd->name);
		report_hv_error(what, ret);
		return -1;
	}
	return id;
}

void cmd_create(const struct shell_cmd *cmd)
{
	long id = create_vm(cmd);

	if (id >= 0)
		out_printf("created %s (id %ld)\n", cmd->name, id);
}

/*
 * cycle: what create, start and destroy do, count times, without their
 * lines; a progress line every tenth, then the free memory before and
 * after (the same, unless something leaked).
 */
void cmd_cycle(const struct shell_cmd *cmd)
{
	struct keel_host_info before, after;
	uint32_t step = cmd->count >= CYCLE_REPORTS ?
			cmd->count / CYCLE_REPORTS : 1;
	uint64_t start = rdtsc();
	char what[64];

	if (!host_info(&before))
		return;
	for (uint32_t i = 1; i <= cmd->count; i++) {
		long id = create_vm(cmd), ret;

		if (id < 0)
			return;
		ret = hv_vm_start((uint32_t)id);
		if (ret < 0) {
			snprintf(what, sizeof(what), "start %s", cmd->name);
			destroy_all((uint32_t)id, cmd->name);
			report_hv_error(what, ret);
			return;
		}
		ret = destroy_all((uint32_t)id, cmd->name);
		if (ret < 0) {
			snprintf(what, sizeof(what), "destroy %s", cmd->name);
			report_hv_error(what, ret);
			return;
		}
		if (i % step == 0 && i < cmd->count) {
			out_printf("cycle %s: %u of %u done, %lu ms\n", cmd->name,
				   i, cmd->count,
				   (unsigned long)tsc_to_ms(rdtsc() - start));
			out_flush();
		}
	}
	if (!host_info(&after))
		return;
	out_printf("cycled %s %u times in %lu ms; free memory %lu bytes "
		   "before, %lu after (%s)\n", cmd->name, cmd->count,
		   (unsigned long)tsc_to_ms(rdtsc() - start),
		   (unsigned long)before.mem_free, (unsigned long)after.mem_free,
		   before.mem_free == after.mem_free ? "the same" : "LEAKED");
}

/* The named VM, if it is not the management VM: else the error line. */
static bool find_other(const char *verb, const char *name,
		       struct keel_vm_info *vi)
{
	if (!vms_find(name, vi))
		return false;
	if (vi->flags & KEEL_VM_FLAG_MGMT) {
		out_error("'%s' is the management VM, which runs this shell; it "
			  "cannot %s itself", name, verb);
		return false;
	}
	return true;
}

/* One state change: start, pause or resume. */
static void change_state(const struct shell_cmd *cmd, const char *verb,
			 const char *done, uint32_t from,
			 long (*call)(uint32_t id))
{
	struct keel_vm_info vi;
	char what[64];
	long ret;

	if (!find_other(verb, cmd->name, &vi))
		return;
	if (vi.state != from) {
		out_error("%s is %s; only a %s VM can %s (see 'list')",
			  cmd->name, show_vm_state(vi.state),
			  show_vm_state(from), verb);
		return;
	}
	ret = call(vi.id);
	if (ret < 0) {
		snprintf(what, sizeof(what), "%s %s", verb, cmd->name);
		report_hv_error(what, ret);
		return;
	}
	out_printf("%s %s\n", done, cmd->name);
}

void cmd_start(const struct shell_cmd *cmd)
{
	change_state(cmd, "start", "started", KEEL_VM_CREATED, hv_vm_start);
}

void cmd_pause(const struct shell_cmd *cmd)
{
	change_state(cmd, "pause", "paused", KEEL_VM_RUNNING, hv_vm_pause);
}

void cmd_resume(const struct shell_cmd *cmd)
{
	change_state(cmd, "resume", "resumed", KEEL_VM_PAUSED, hv_vm_resume);
}

void cmd_destroy(const struct shell_cmd *cmd)
{
	struct keel_vm_info vi;
	char what[64];
	long ret;

	if (!find_other("destroy", cmd->name, &vi))
		return;
	ret = destroy_all(vi.id, cmd->name);
	if (ret == -KEEL_EBUSY) {
		out_error("destroying %s is stuck: its vCPUs do not stop; try "
			  "'destroy %s' again, and see 'log'", cmd->name,
			  cmd->name);
		return;
	}
	if (ret < 0) {
		snprintf(what, sizeof(what), "destroy %s", cmd->name);
		report_hv_error(what, ret);
		return;
	}
	out_printf("destroyed %s\n", cmd->name);
}
