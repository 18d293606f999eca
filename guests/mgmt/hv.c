// SPDX-License-Identifier: MIT
/* Typed wrappers of the management hypercalls: see hv.h. */
#include "guest.h"
#include "hv.h"

#define GPA(p) ((unsigned long)(p))

long hv_version(void)
{
	return hypercall4(KEEL_HC_VERSION, 0, 0, 0, 0);
}

long hv_host_info(struct keel_host_info *hi)
{
	return hypercall4(KEEL_HC_HOST_INFO, GPA(hi), sizeof(*hi), 0, 0);
}

long hv_module_info(uint32_t index, struct keel_module_info *mi)
{
	return hypercall4(KEEL_HC_MODULE_INFO, index, GPA(mi), sizeof(*mi), 0);
}

long hv_vm_create(const struct keel_vm_config *cfg)
{
	return hypercall4(KEEL_HC_VM_CREATE, GPA(cfg), sizeof(*cfg), 0, 0);
}

long hv_vm_start(uint32_t id)
{
	return hypercall4(KEEL_HC_VM_START, id, 0, 0, 0);
}

long hv_vm_pause(uint32_t id)
{
	return hypercall4(KEEL_HC_VM_PAUSE, id, 0, 0, 0);
}

long hv_vm_resume(uint32_t id)
{
	return hypercall4(KEEL_HC_VM_RESUME, id, 0, 0, 0);
}

long hv_vm_destroy(uint32_t id)
{
	return hypercall4(KEEL_HC_VM_DESTROY, id, 0, 0, 0);
}

long hv_vm_list(uint32_t first, uint32_t *ids, uint32_t max)
{
	return hypercall4(KEEL_HC_VM_LIST, GPA(ids), max, first, 0);
}

long hv_vm_info(uint32_t id, struct keel_vm_info *vi)
{
	return hypercall4(KEEL_HC_VM_INFO, id, GPA(vi), sizeof(*vi), 0);
}

long hv_vcpu_stats(uint32_t id, uint32_t vcpu, struct keel_vcpu_stats *st)
{
	return hypercall4(KEEL_HC_VCPU_STATS, id, vcpu, GPA(st), sizeof(*st));
}

long hv_vm_set_mem(uint32_t id, uint64_t target, uint64_t flags)
{
	return hypercall4(KEEL_HC_VM_SET_MEM, id, target, flags, 0);
}

long hv_vm_set_vcpus(uint32_t id, uint32_t count)
{
	return hypercall4(KEEL_HC_VM_SET_VCPUS, id, count, 0, 0);
}

long hv_vcpu_pin(uint32_t id, uint32_t vcpu, uint64_t mask)
{
	return hypercall4(KEEL_HC_VCPU_PIN, id, vcpu, mask, 0);
}

long hv_vm_set_sched(uint32_t id, uint32_t prio, uint32_t slice_ms)
{
	return hypercall4(KEEL_HC_VM_SET_SCHED, id, prio, slice_ms, 0);
}

long hv_console_read(uint32_t id, uint64_t pos, void *buf, size_t len)
{
	return hypercall4(KEEL_HC_CONSOLE_READ, id, pos, GPA(buf), len);
}

long hv_console_input(uint32_t id, const char *buf, size_t len)
{
	return hypercall4(KEEL_HC_CONSOLE_INPUT, id, GPA(buf), len, 0);
}

long hv_log_read(uint64_t pos, void *buf, size_t len)
{
	return hypercall4(KEEL_HC_LOG_READ, pos, GPA(buf), len, 0);
}

long hv_host_reboot(void)
{
	return hypercall4(KEEL_HC_HOST_REBOOT, 0, 0, 0, 0);
}
