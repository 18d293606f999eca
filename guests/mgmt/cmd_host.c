// SPDX-License-Identifier: MIT
/* Commands about the host: help, version, info, images, log, reboot. */
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

#define NS_PER_MS   1000000ull
#define USAGE_WIDTH 34

void cmd_help(const struct shell_cmd *cmd)
{
	if (cmd->topic != SHELL_EMPTY) {
		out_printf("%s\n  %s\n", shell_verb_usage(cmd->topic),
			   shell_verb_summary(cmd->topic));
		return;
	}
	out_puts("Commands:\n");
	for (int v = SHELL_EMPTY + 1; v < SHELL_VERB_COUNT; v++)
		out_printf("  %-*s %s\n", USAGE_WIDTH, shell_verb_usage(v),
			   shell_verb_summary(v));
	out_puts("SIZE: bytes, or with a K, M or G suffix (16M, 1G); a "
		 "multiple of 2 MiB. CPULIST: 0-3,6 or all.\n"
		 "--json: the same as one line of JSON. In 'console', Enter ~ "
		 ". comes back here.\n");
}

/* The hypervisor's version string, NUL-terminated. */
static void version_string(const struct keel_host_info *hi, char *buf,
			   size_t size)
{
	size_t len = strnlen(hi->version, sizeof(hi->version));

	if (len >= size)
		len = size - 1;
	memcpy(buf, hi->version, len);
	buf[len] = '\0';
}

void cmd_version(const struct shell_cmd *cmd)
{
	struct keel_host_info hi;
	char version[sizeof(hi.version) + 1];
	long abi = hv_version();

	if (!host_info(&hi))
		return;
	version_string(&hi, version, sizeof(version));
	out_printf("Keel %s, hypercall ABI %lu.%lu (this shell: ABI %d.%d)\n",
		   version, (unsigned long)abi >> 16,
		   (unsigned long)abi & 0xffff, KEEL_ABI_MAJOR, KEEL_ABI_MINOR);
}

static void info_json(const struct keel_host_info *hi, const char *version)
{
	struct json j;
	char abi[16];

	snprintf(abi, sizeof(abi), "%u.%u", hi->abi_version >> 16,
		 hi->abi_version & 0xffff);
	json_begin(&j);
	json_string(&j, "vendor", show_vendor(hi->vendor));
	json_u64(&j, "cpus", hi->cpus);
	json_u64(&j, "mem_total", hi->mem_total);
	json_u64(&j, "mem_free", hi->mem_free);
	json_string(&j, "abi", abi);
	json_string(&j, "version", version);
	json_u64(&j, "tsc_khz", hi->tsc_khz);
	json_u64(&j, "vm_count", hi->vm_count);
	json_u64(&j, "uptime_ns", hi->uptime_ns);
	json_end(&j);
}

void cmd_info(const struct shell_cmd *cmd)
{
	struct keel_host_info hi;
	char version[sizeof(hi.version) + 1], total[24], free[24];

	if (!host_info(&hi))
		return;
	version_string(&hi, version, sizeof(version));
	if (cmd->given & SHELL_FLAG_JSON) {
		info_json(&hi, version);
		return;
	}
	show_size(total, sizeof(total), hi.mem_total);
	show_size(free, sizeof(free), hi.mem_free);
	out_printf("host: %s, %u CPUs, TSC %u kHz, Keel %s (ABI %u.%u)\n",
		   show_vendor(hi.vendor), hi.cpus, hi.tsc_khz, version,
		   hi.abi_version >> 16, hi.abi_version & 0xffff);
	out_printf("memory: %s total, %s free\n", total, free);
	out_printf("VMs: %u, up %lu.%03lu s\n", hi.vm_count,
		   (unsigned long)(hi.uptime_ns / 1000000000ull),
		   (unsigned long)(hi.uptime_ns / NS_PER_MS % 1000));
}

void cmd_images(const struct shell_cmd *cmd)
{
	bool json = cmd->given & SHELL_FLAG_JSON;
	struct keel_module_info mi;
	struct json j;
	long ret = hv_module_info(0, &mi);

	if (ret < 0 && ret != -KEEL_ENOENT) {	/* one error line, no table */
		report_hv_error("listing the images", ret);
		return;
	}
	if (json) {
		json_begin(&j);
		json_array(&j, "images");
	} else {
		out_printf("%-24s %10s  %s\n", "IMAGE", "BYTES", "KIND");
	}
	for (uint32_t i = 0; (ret = hv_module_info(i, &mi)) == 0; i++) {
		const char *kind = mi.kind == KEEL_MODULE_ELF ? "keel-elf" :
				   mi.kind == KEEL_MODULE_MULTIBOOT ? "multiboot" :
				   mi.kind == KEEL_MODULE_LINUX ? "linux" :
				   "other";

		mi.name[sizeof(mi.name) - 1] = '\0';
		if (json) {
			json_object(&j, NULL);
			json_string(&j, "name", mi.name);
			json_u64(&j, "size", mi.size);
			json_string(&j, "kind", kind);
			json_end(&j);
		} else {
			out_printf("%-24s %10lu  %s\n", mi.name,
				   (unsigned long)mi.size, kind);
		}
	}
	if (json) {
		json_end(&j);
		json_end(&j);
	}
	if (ret != -KEEL_ENOENT)
		report_hv_error("listing the images", ret);
}

/* The log ring (KEEL_LOG_RING) and the chunk header in front of it. */
static char log_buffer[sizeof(struct keel_chunk) + KEEL_LOG_RING];

void cmd_log(const struct shell_cmd *cmd)
{
	const struct keel_chunk *chunk = (const struct keel_chunk *)log_buffer;
	uint64_t pos = 0, end = UINT64_MAX;
	long n = 0;

	/* up to the head of the first read: a busy log must not keep us here */
	while (pos < end && (n = hv_log_read(pos, log_buffer,
					     sizeof(log_buffer))) > 0) {
		if (end == UINT64_MAX)
			end = chunk->head;
		out_write(log_buffer + sizeof(*chunk), (size_t)n);
		out_flush();
		pos = chunk->from + (uint64_t)n;
	}
	if (n < 0)
		report_hv_error("reading the log", n);
}

void cmd_reboot(const struct shell_cmd *cmd)
{
	long ret;

	out_puts("rebooting\n");
	out_flush();
	ret = hv_host_reboot();
	report_hv_error("reboot", ret);
}
