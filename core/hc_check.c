// SPDX-License-Identifier: MIT
/* Hypercall argument validation; see core/hc_check.h. */
#include <stddef.h>

#include <core/hc_check.h>
#include <lib/parse.h>

#define SLICE_MS_MIN KEEL_SLICE_MIN_MS
#define SLICE_MS_MAX KEEL_SLICE_MAX_MS
#define PRIO_MAX     KEEL_PRIO_MAX
#define STACK_MIN    4096

bool hc_name_valid(const char *name, unsigned int size)
{
	unsigned int n = 0;

	while (n < size && name[n]) {
		if (!name_char_valid(name[n]))
			return false;
		n++;
	}
	return n >= 1 && n < size;
}

/* NUL-terminated within size, printable ASCII. */
static bool text_valid(const char *s, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++) {
		if (!s[i])
			return true;
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return false;
}

static bool mem_size_valid(uint64_t bytes)
{
	return bytes >= KEEL_MEM_MIN && bytes <= KEEL_MEM_MAX &&
	       !(bytes & (KEEL_MEM_ALIGN - 1));
}

int hc_check_guest_range(const struct page_table *stage2, uint64_t mem_bytes,
			 uint64_t gpa, uint64_t len)
{
	uint64_t end, pa, page;
	unsigned int perms;

	if (gpa + len < gpa)
		return -KEEL_EINVAL;
	end = gpa + len;
	if (len && end > mem_bytes)
		return -KEEL_EFAULT;
	for (uint64_t at = gpa; at < end; at = (at & ~(PT_PAGE_4K - 1)) + PT_PAGE_4K) {
		if (at >= mem_bytes ||
		    !pt_translate(stage2, at, &pa, &perms, &page) ||
		    (perms & PT_UC))
			return -KEEL_EFAULT;
	}
	return 0;
}

int hc_check_buffer(uint64_t gpa, uint64_t len)
{
	return gpa + len < gpa ? -KEEL_EINVAL : 0;
}

int hc_check_struct_len(uint64_t len, uint64_t size)
{
	return len == size ? 0 : -KEEL_EINVAL;
}

int hc_check_vm_config(const struct keel_vm_config *c, uint64_t online,
		       uint64_t *mem_max, uint64_t *cpus, const char **why)
{
	*why = NULL;
	if (c->flags || c->reserved)
		*why = "reserved fields must be zero";
	else if (!hc_name_valid(c->name, sizeof(c->name)))
		*why = "the name must be 1-31 characters of A-Z a-z 0-9 _ . -";
	else if (c->entry != KEEL_ENTRY_ELF && c->entry != KEEL_ENTRY_RAW)
		*why = "entry must be 0 (ELF image) or 1 (raw)";
	else if (c->entry == KEEL_ENTRY_ELF &&
		 !hc_name_valid(c->image, sizeof(c->image)))
		*why = "the image must name a boot module";
	else if (c->entry == KEEL_ENTRY_RAW && (c->image[0] || c->entry_rip == 0))
		*why = "a raw VM has no image and needs entry_rip";
	else if (c->entry == KEEL_ENTRY_ELF && c->entry_rip)
		*why = "entry_rip is only for raw VMs";
	else if (!mem_size_valid(c->mem_bytes))
		*why = "memory must be a multiple of 2 MiB from 2 MiB to 64 GiB";
	else if (c->mem_max && (!mem_size_valid(c->mem_max) ||
				c->mem_max < c->mem_bytes))
		*why = "maxmem must be a multiple of 2 MiB, at least mem, at most 64 GiB";
	else if (c->vcpus < 1 || c->vcpus > KEEL_MAX_VCPUS)
		*why = "vCPUs must be 1 to 8";
	else if (c->prio > PRIO_MAX)
		*why = "priority must be 0 to 31";
	else if (c->slice_ms < SLICE_MS_MIN || c->slice_ms > SLICE_MS_MAX)
		*why = "the slice must be 1 to 100 ms";
	else if (c->cpus && (c->cpus & ~online))
		*why = "cpus names a CPU that is not running";
	else if (!text_valid(c->args, sizeof(c->args)))
		*why = "args must be printable text, NUL-terminated";
	if (*why)
		return -KEEL_EINVAL;
	*mem_max = c->mem_max ? c->mem_max : c->mem_bytes;
	*cpus = c->cpus ? c->cpus : online;
	return 0;
}

int hc_check_mem_target(uint64_t target, uint64_t mem_max, uint64_t flags)
{
	if (flags & ~KEEL_MEM_FORCE)
		return -KEEL_EINVAL;
	if (!mem_size_valid(target) || target > mem_max)
		return -KEEL_EINVAL;
	return 0;
}

int hc_check_release(uint64_t gpa, uint64_t len, uint64_t actual,
		     uint64_t target)
{
	if (!len || gpa + len < gpa || (gpa | len) & (KEEL_MEM_ALIGN - 1))
		return -KEEL_EINVAL;
	if (gpa + len != actual || gpa < target || gpa < KEEL_MEM_MIN)
		return -KEEL_EINVAL;
	return 0;
}

int hc_check_vcpu_entry(uint64_t rip, uint64_t stacks, uint64_t stack_bytes,
			uint64_t mem)
{
	uint64_t area;

	if (!rip || rip >= mem || stack_bytes < STACK_MIN || stack_bytes % 16 ||
	    stack_bytes > mem / KEEL_MAX_VCPUS)
		return -KEEL_EINVAL;
	area = stack_bytes * KEEL_MAX_VCPUS;	/* vCPU n: top at (n + 1) stacks */
	if (stacks % 16 || stacks + area < stacks || stacks + area > mem)
		return -KEEL_EINVAL;
	return 0;
}

int hc_check_sched(uint64_t prio, uint64_t slice_ms)
{
	if (prio != KEEL_KEEP && prio > PRIO_MAX)
		return -KEEL_EINVAL;
	if (slice_ms != KEEL_KEEP &&
	    (slice_ms < SLICE_MS_MIN || slice_ms > SLICE_MS_MAX))
		return -KEEL_EINVAL;
	return 0;
}

int hc_check_load(uint64_t dst, uint64_t len, uint64_t mem)
{
	if (len > KEEL_LOAD_MAX)
		return -KEEL_E2BIG;
	if (dst + len < dst || dst + len > mem)
		return -KEEL_EINVAL;
	return 0;
}

int hc_check_chunk(uint64_t gpa, uint64_t len, uint64_t max_data)
{
	if (len < sizeof(struct keel_chunk) ||
	    len - sizeof(struct keel_chunk) > max_data)
		return -KEEL_EINVAL;
	return hc_check_buffer(gpa, len);
}

int hc_check_cpu_mask(uint64_t mask, uint64_t online)
{
	return mask && !(mask & ~online) ? 0 : -KEEL_EINVAL;
}
