// SPDX-License-Identifier: MIT
/*
 * The calls every guest may make about itself (docs/hypercalls.md §4.7):
 * its info, its memory map, giving memory back, and where added vCPUs
 * start.
 */
#include <base/log.h>
#include <core/hc_check.h>
#include <core/hypercall.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/string.h>
#include <lib/util.h>

int64_t hc_copy_out(struct vcpu *v, uint64_t gpa, uint64_t len,
		    const void *obj, uint64_t size)
{
	int ret = hc_check_struct_len(len, size);

	if (!ret)
		ret = hc_check_buffer(gpa, len);
	if (!ret)
		ret = guest_mem_write(v->vm, gpa, obj, size);
	return ret;
}

void hc_fill_vm_info(struct vm *vm, struct keel_vm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = vm->id;
	info->state = vm->state;
	strlcpy(info->name, vm->name, sizeof(info->name));
	info->vcpus = vm->vcpu_count;
	info->vcpus_max = VM_MAX_VCPUS;
	info->prio = vm->prio;
	info->slice_ms = vm->slice_ms;
	info->mem_max = vm->mem_max;
	info->mem_target = vm->mem_target;
	info->mem_actual = vm->mem_bytes;
	info->cpus = vm->cpus;
	info->console_head = vm->ring_head;
	info->flags = vm->mgmt ? KEEL_VM_FLAG_MGMT : 0;
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		info->run_ns += vm->vcpus[i].se.run_ns;
}

int64_t hc_self_info(struct vcpu *v)
{
	struct keel_vm_info info;

	hc_fill_vm_info(v->vm, &info);
	return hc_copy_out(v, v->regs.rdi, v->regs.rsi, &info, sizeof(info));
}

int64_t hc_mem_map(struct vcpu *v)
{
	struct keel_mem_range ram = {
		.gpa = 0, .bytes = v->vm->mem_bytes, .type = KEEL_MEM_RAM,
	};
	uint64_t max = v->regs.rsi;
	int ret;

	if (max > KEEL_MEM_MAP_MAX)
		return -KEEL_E2BIG;
	if (max) {
		ret = hc_check_buffer(v->regs.rdi, sizeof(ram));
		if (!ret)
			ret = guest_mem_write(v->vm, v->regs.rdi, &ram, sizeof(ram));
		if (ret)
			return ret;
	}
	return 1;
}

int64_t hc_mem_release(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t gpa = v->regs.rdi, len = v->regs.rsi;
	int ret;

	/* checked and done under the claim: a second release fails the check */
	if (!vm_mem_claim(vm))
		return HC_RETRY;
	ret = hc_check_release(gpa, len, vm->mem_bytes, vm->mem_target);
	if (!ret)
		ret = vm_shrink(vm, gpa, UINT64_MAX);
	vm_mem_unclaim(vm);
	if (!ret)
		log_info("vm %s: released %#lx-%#lx (%lu MiB); now %lu MiB",
			 vm->name, gpa, gpa + len - 1, len / MIB, gpa / MIB);
	return ret;
}

int64_t hc_vcpu_entry(struct vcpu *v)
{
	struct vm *vm = v->vm;
	int ret = hc_check_vcpu_entry(v->regs.rdi, v->regs.rsi, v->regs.rdx,
				      vm->mem_bytes);

	if (ret)
		return ret;
	vm->vcpu_entry.stacks = v->regs.rsi;
	vm->vcpu_entry.stack_bytes = v->regs.rdx;
	vm->vcpu_entry.rip = v->regs.rdi;
	return 0;
}
