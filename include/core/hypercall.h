/* SPDX-License-Identifier: MIT */
/*
 * Hypercall handlers (docs/hypercalls.md §4): core/hc_dispatch.c dispatches
 * to the guest calls (core/hc_guest.c) and management calls
 * (core/hc_mgmt.c). A handler returns the value for the guest's RAX.
 */
#ifndef KEEL_CORE_HYPERCALL_H
#define KEEL_CORE_HYPERCALL_H

#include <stdint.h>

#include <core/vcpu.h>

struct vm;
struct keel_vm_info;

/*
 * A handler's "not now" (another CPU holds what it needs, for example
 * the VM's memory claim): the guest does not see it. Its vCPU sleeps
 * HC_RETRY_NS and then makes the same call again (RIP not advanced,
 * registers as they were), so no CPU spins in the hypervisor waiting.
 */
#define HC_RETRY	INT64_MIN
#define HC_RETRY_NS	100000ull

/* Fills a keel_vm_info about vm (SELF_INFO and VM_INFO). */
void hc_fill_vm_info(struct vm *vm, struct keel_vm_info *info);
/* Writes obj (size bytes) to the caller's gpa, which must be len == size. */
int64_t hc_copy_out(struct vcpu *v, uint64_t gpa, uint64_t len,
		    const void *obj, uint64_t size);

int64_t hc_self_info(struct vcpu *v);
int64_t hc_mem_map(struct vcpu *v);
int64_t hc_mem_release(struct vcpu *v);
int64_t hc_vcpu_entry(struct vcpu *v);

int64_t hc_host_info(struct vcpu *v);
int64_t hc_module_info(struct vcpu *v);
int64_t hc_vm_create(struct vcpu *v);
int64_t hc_vm_load(struct vcpu *v);
int64_t hc_vm_start(struct vcpu *v);
int64_t hc_vm_pause(struct vcpu *v);
int64_t hc_vm_resume(struct vcpu *v);
int64_t hc_vm_destroy(struct vcpu *v);
int64_t hc_vm_list(struct vcpu *v);
int64_t hc_vm_info(struct vcpu *v);
int64_t hc_vcpu_stats(struct vcpu *v);
int64_t hc_vm_set_mem(struct vcpu *v);
int64_t hc_vm_set_vcpus(struct vcpu *v);
int64_t hc_vcpu_pin(struct vcpu *v);
int64_t hc_vm_set_sched(struct vcpu *v);
int64_t hc_console_read(struct vcpu *v);
int64_t hc_console_input(struct vcpu *v);
int64_t hc_log_read(struct vcpu *v);
int64_t hc_host_reboot(struct vcpu *v);

#endif
