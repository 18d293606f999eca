// SPDX-License-Identifier: MIT
/* Hypercall argument validation; see core/hc_check.h. */
#include <stddef.h>

#include <core/hc_check.h>
#include <lib/string.h>

#define STACK_MIN    4096

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

/* Nothing but zeros in [from, size) of s. */
static bool zeros_from(const char *s, size_t from, size_t size)
{
	for (size_t i = from; i < size; i++) {
		if (s[i])
			return false;
	}
	return true;
}

/*
 * c's modules into d, counted: the used ones first, each a name followed
 * only by zeros, the rest all zero. 0, or -EINVAL with why.
 */
static int copy_modules(const struct keel_vm_config *c, struct vm_desc *d,
			char *why, size_t size)
{
	_Static_assert(sizeof(d->modules) == sizeof(c->modules),
		       "one layout of modules");
	for (uint32_t i = 0; i < KEEL_VM_MODULES; i++) {
		const char *m = c->modules[i];
		size_t n = strnlen(m, KEEL_NAME_LEN);

		if (zeros_from(m, 0, KEEL_NAME_LEN))
			continue;
		if (d->module_count != i) {
			strlcpy(why, "modules must come first: one follows an "
				"empty entry", size);
			return -KEEL_EINVAL;
		}
		if (!vm_desc_name_valid(m, KEEL_NAME_LEN) ||
		    !zeros_from(m, n, KEEL_NAME_LEN)) {
			strlcpy(why, "module= must name a boot module: 1-31 of "
				"A-Z a-z 0-9 _ . -", size);
			return -KEEL_EINVAL;
		}
		memcpy(d->modules[d->module_count++], m, KEEL_NAME_LEN);
	}
	return 0;
}

int hc_check_vm_config(const struct keel_vm_config *c, uint64_t online,
		       struct vm_desc *d, char *why, size_t size)
{
	_Static_assert(sizeof(d->name) == sizeof(c->name) &&
		       sizeof(d->image) == sizeof(c->image) &&
		       sizeof(d->args) == sizeof(c->args), "one layout of names");
	memset(d, 0, sizeof(*d));
	if ((c->flags & ~KEEL_VM_CFG_RESTART) || c->reserved) {
		strlcpy(why, "reserved fields must be zero", size);
		return -KEEL_EINVAL;
	}
	memcpy(d->name, c->name, sizeof(d->name));
	memcpy(d->image, c->image, sizeof(d->image));
	memcpy(d->args, c->args, sizeof(d->args));
	d->entry = c->entry;
	d->role = VM_ROLE_GUEST;
	d->entry_rip = c->entry_rip;
	d->mem = c->mem_bytes;
	d->mem_max = c->mem_max;
	d->cpus = c->cpus;
	d->cpu = VM_DESC_CPU_ANY;
	d->vcpus = c->vcpus;
	d->prio = c->prio;
	d->slice_ms = c->slice_ms;
	d->on_reboot = (c->flags & KEEL_VM_CFG_RESTART) ?
		       VM_ON_REBOOT_RESTART : VM_ON_REBOOT_STOP;
	if (copy_modules(c, d, why, size))
		return -KEEL_EINVAL;
	_Static_assert(sizeof(d->initrd) == sizeof(c->initrd), "one layout");
	if (!zeros_from(c->initrd, strnlen(c->initrd, KEEL_NAME_LEN),
			KEEL_NAME_LEN)) {
		strlcpy(why, "initrd must be a name followed only by zeros",
			size);
		return -KEEL_EINVAL;
	}
	memcpy(d->initrd, c->initrd, sizeof(d->initrd));
	return vm_desc_check(d, online, why, size);
}

int hc_check_mem_target(uint64_t target, uint64_t mem_max, uint64_t flags)
{
	if (flags & ~KEEL_MEM_FORCE)
		return -KEEL_EINVAL;
	if (!vm_desc_mem_valid(target) || target > mem_max)
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
	if (prio != KEEL_KEEP && !vm_desc_prio_valid(prio))
		return -KEEL_EINVAL;
	if (slice_ms != KEEL_KEEP && !vm_desc_slice_valid(slice_ms))
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
