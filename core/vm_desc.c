// SPDX-License-Identifier: MIT
/*
 * The one check of a VM description (include/core/vm_desc.h), for
 * keel.cfg and VM_CREATE alike. Uses nothing but lib/: the loader links
 * it with the keel.cfg parser.
 */
#include <stdarg.h>

#include <core/vm_desc.h>
#include <lib/format.h>
#include <lib/parse.h>
#include <lib/string.h>

#define MIB        (1ULL << 20)
#define GIB        (1ULL << 30)
#define SIZE_TEXT  24	/* "18446744073709551615" and a NUL */
#define CHAR_FIRST 0x20	/* printable ASCII: space ... */
#define CHAR_LAST  0x7e	/* ... '~' */

_Static_assert(KEEL_NAME_LEN == PARSE_NAME_MAX + 1, "one name length");

/* Writes the refusal into why; always -KEEL_EINVAL. */
__attribute__((format(printf, 3, 4)))
static int refuse(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -KEEL_EINVAL;
}

/* A size as keel.cfg would write it: "64M", "2G", else bytes. */
static const char *size_text(char *buf, size_t size, uint64_t bytes)
{
	if (bytes && !(bytes % GIB))
		snprintf(buf, size, "%luG", (unsigned long)(bytes / GIB));
	else if (bytes && !(bytes % MIB))
		snprintf(buf, size, "%luM", (unsigned long)(bytes / MIB));
	else
		snprintf(buf, size, "%lu", (unsigned long)bytes);
	return buf;
}

bool vm_desc_name_valid(const char *name, size_t size)
{
	size_t n = strnlen(name, size);

	return n < size && name_valid(name, n);
}

/* NUL-terminated within size, printable ASCII before it. */
static bool text_valid(const char *s, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (!s[i])
			return true;
		if (s[i] < CHAR_FIRST || s[i] > CHAR_LAST)
			return false;
	}
	return false;
}

static int check_what(const struct vm_desc *d, char *why, size_t size)
{
	if (!vm_desc_name_valid(d->name, sizeof(d->name)))
		return refuse(why, size, "the name must be 1-31 of "
			      "A-Z a-z 0-9 _ . -");
	if (d->role != VM_ROLE_GUEST && d->role != VM_ROLE_MGMT)
		return refuse(why, size, "role must be guest or mgmt");
	if (d->entry == KEEL_ENTRY_ELF) {
		if (!vm_desc_name_valid(d->image, sizeof(d->image)))
			return refuse(why, size, "image= must name a boot "
				      "module: 1-31 of A-Z a-z 0-9 _ . -");
		if (d->entry_rip)
			return refuse(why, size, "entry_rip is only for raw VMs");
	} else if (d->entry == KEEL_ENTRY_RAW) {
		if (d->image[0] || !d->entry_rip)
			return refuse(why, size, "a raw VM has no image and "
				      "needs entry_rip");
	} else {
		return refuse(why, size, "entry must be 0 (ELF image) or 1 (raw)");
	}
	if (d->module_count > VM_DESC_MAX_MODULES)
		return refuse(why, size, "at most %d module= options",
			      VM_DESC_MAX_MODULES);
	for (uint32_t i = 0; i < d->module_count; i++) {
		if (!vm_desc_name_valid(d->modules[i], sizeof(d->modules[i])))
			return refuse(why, size, "module= must name a boot "
				      "module: 1-31 of A-Z a-z 0-9 _ . -");
	}
	if (d->module_count && d->entry != KEEL_ENTRY_ELF)
		return refuse(why, size, "module= is for Multiboot kernels; a "
			      "raw VM has none");
	if (d->initrd[0] &&
	    (!vm_desc_name_valid(d->initrd, sizeof(d->initrd)) ||
	     d->entry != KEEL_ENTRY_ELF))
		return refuse(why, size, "initrd= must name a boot module (1-31 "
			      "of A-Z a-z 0-9 _ . -) for a Linux kernel");
	if (d->on_reboot != VM_ON_REBOOT_STOP &&
	    d->on_reboot != VM_ON_REBOOT_RESTART)
		return refuse(why, size, "on_reboot must be restart or stop");
	if (d->on_reboot == VM_ON_REBOOT_RESTART && d->entry != KEEL_ENTRY_ELF)
		return refuse(why, size, "on_reboot=restart needs an image to "
			      "reload; a raw VM has none");
	if (!text_valid(d->args, sizeof(d->args)))
		return refuse(why, size, "args must be printable ASCII, at most "
			      "%d characters", KEEL_ARGS_LEN - 1);
	return 0;
}

/* One memory size, called what (mem, maxmem). */
static int check_size(const char *what, uint64_t bytes, char *why,
		      size_t size)
{
	char text[SIZE_TEXT];

	if (vm_desc_mem_valid(bytes))
		return 0;
	if (bytes < KEEL_MEM_MIN || bytes > KEEL_MEM_MAX)
		return refuse(why, size, "%s=%s is out of range; use 2M to 64G",
			      what, size_text(text, sizeof(text), bytes));
	return refuse(why, size, "%s=%s is not a multiple of 2M", what,
		      size_text(text, sizeof(text), bytes));
}

static int check_memory(const struct vm_desc *d, char *why, size_t size)
{
	int ret = check_size("mem", d->mem, why, size);

	if (ret || !d->mem_max)
		return ret;
	ret = check_size("maxmem", d->mem_max, why, size);
	if (!ret && d->mem_max < d->mem)
		ret = refuse(why, size, "maxmem= must not be below mem=");
	return ret;
}

static int check_sched(const struct vm_desc *d, char *why, size_t size)
{
	if (d->vcpus < 1 || d->vcpus > KEEL_MAX_VCPUS)
		return refuse(why, size, "vcpus=%u" VM_DESC_NOT_VCPUS, d->vcpus);
	if (!vm_desc_prio_valid(d->prio))
		return refuse(why, size, "prio=%u" VM_DESC_NOT_PRIO, d->prio);
	if (!vm_desc_slice_valid(d->slice_ms))
		return refuse(why, size, "slice=%u" VM_DESC_NOT_SLICE,
			      d->slice_ms);
	return 0;
}

/* The start CPU first: a VM pinned to a missing CPU is told so. */
static int check_cpus(const struct vm_desc *d, uint64_t online, char *why,
		      size_t size)
{
	uint64_t absent = d->cpus & ~online;

	if (d->cpu != VM_DESC_CPU_ANY) {
		if (d->cpu >= KEEL_MAX_CPUS ||
		    (d->cpus != VM_DESC_CPUS_ALL && !(d->cpus >> d->cpu & 1)))
			return refuse(why, size, "cpu= must be one of the CPUs "
				      "in cpus=");
		if (!(online >> d->cpu & 1))
			return refuse(why, size, "its cpu= names a CPU that is "
				      "not running: pick one from the boot log");
	}
	if (absent)
		return refuse(why, size, "cpus= names CPU %u, which is not "
			      "running: pick from the boot log",
			      (unsigned int)__builtin_ctzll(absent));
	return 0;
}

int vm_desc_check(const struct vm_desc *d, uint64_t online, char *why,
		  size_t size)
{
	int ret = check_what(d, why, size);

	if (!ret)
		ret = check_memory(d, why, size);
	if (!ret)
		ret = check_sched(d, why, size);
	if (!ret)
		ret = check_cpus(d, online, why, size);
	if (!ret && size)
		why[0] = '\0';
	return ret;
}
