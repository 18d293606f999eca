// SPDX-License-Identifier: MIT
/* Names and renderings: see show.h. */
#include <lib/format.h>
#include <lib/string.h>

#include <keel/abi.h>

#include "show.h"

#define KIB_BYTES (1ull << 10)
#define MIB_BYTES (1ull << 20)
#define GIB_BYTES (1ull << 30)

const char *show_vm_state(uint32_t state)
{
	static const char *const names[] = {
		[KEEL_VM_CREATED] = "created", [KEEL_VM_RUNNING] = "running",
		[KEEL_VM_PAUSED] = "paused", [KEEL_VM_HALTED] = "halted",
		[KEEL_VM_STOPPED] = "stopped",
		[KEEL_VM_DESTROYING] = "destroying", [KEEL_VM_OFF] = "off",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "unknown";
}

const char *show_vcpu_state(uint32_t state)
{
	static const char *const names[] = {
		[KEEL_VCPU_OFFLINE] = "offline",
		[KEEL_VCPU_RUNNABLE] = "runnable",
		[KEEL_VCPU_BLOCKED] = "blocked",
		[KEEL_VCPU_STOPPED] = "stopped",
		[KEEL_VCPU_PAUSED] = "paused",
	};

	if (state < sizeof(names) / sizeof(names[0]))
		return names[state];
	return "unknown";
}

const char *show_vendor(uint32_t vendor)
{
	if (vendor == KEEL_VENDOR_SVM)
		return "svm";
	if (vendor == KEEL_VENDOR_VMX)
		return "vmx";
	return "unknown";
}

const char *show_exit_name(unsigned int reason)
{
	static const char *const names[] = KEEL_EXIT_NAMES;

	_Static_assert(sizeof(names) / sizeof(names[0]) == KEEL_EXIT_NAMED,
		       "KEEL_EXIT_NAMES and KEEL_EXIT_NAMED agree");
	return reason < KEEL_EXIT_NAMED ? names[reason] : NULL;
}

const char *show_errno(long err)
{
	switch (-err) {
	case KEEL_EPERM: return "EPERM";
	case KEEL_ENOENT: return "ENOENT";
	case KEEL_EIO: return "EIO";
	case KEEL_E2BIG: return "E2BIG";
	case KEEL_ENOEXEC: return "ENOEXEC";
	case KEEL_ENOMEM: return "ENOMEM";
	case KEEL_EFAULT: return "EFAULT";
	case KEEL_EBUSY: return "EBUSY";
	case KEEL_EEXIST: return "EEXIST";
	case KEEL_EINVAL: return "EINVAL";
	case KEEL_ENOSPC: return "ENOSPC";
	case KEEL_ENOSYS: return "ENOSYS";
	default: return "unknown error";
	}
}

void show_size(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= GIB_BYTES && bytes % GIB_BYTES == 0)
		snprintf(buf, size, "%lu GiB", (unsigned long)(bytes / GIB_BYTES));
	else if (bytes >= MIB_BYTES && bytes % MIB_BYTES == 0)
		snprintf(buf, size, "%lu MiB", (unsigned long)(bytes / MIB_BYTES));
	else if (bytes >= MIB_BYTES)	/* one decimal, rounded down */
		snprintf(buf, size, "%lu.%lu MiB",
			 (unsigned long)(bytes / MIB_BYTES),
			 (unsigned long)(bytes % MIB_BYTES * 10 / MIB_BYTES));
	else if (bytes >= KIB_BYTES && bytes % KIB_BYTES == 0)
		snprintf(buf, size, "%lu KiB", (unsigned long)(bytes / KIB_BYTES));
	else
		snprintf(buf, size, "%lu B", (unsigned long)bytes);
}

void show_cpulist(char *buf, size_t size, uint64_t mask)
{
	size_t used = 0;

	if (!size)
		return;
	buf[0] = '\0';
	if (!mask) {
		strlcpy(buf, "all", size);
		return;
	}
	for (unsigned int c = 0; c < 64; c++) {
		unsigned int end = c;
		int n;

		if (!(mask >> c & 1))
			continue;
		while (end + 1 < 64 && (mask >> (end + 1) & 1))
			end++;
		if (end == c)
			n = snprintf(buf + used, size - used, "%s%u",
				     used ? "," : "", c);
		else
			n = snprintf(buf + used, size - used, "%s%u-%u",
				     used ? "," : "", c, end);
		if (n < 0 || (size_t)n >= size - used)
			return;		/* cut short, still terminated */
		used += (size_t)n;
		c = end;
	}
}
