/* SPDX-License-Identifier: MIT */
/*
 * Typed wrappers of the management hypercalls (docs/hypercalls.md §4.8).
 * Each returns what the call returns: >= 0 on success, -KEEL_E* on error.
 * Buffers are guest-physical addresses, which in this identity-mapped
 * guest are their virtual addresses.
 */
#ifndef KEEL_MGMT_HV_H
#define KEEL_MGMT_HV_H

#include <stddef.h>
#include <stdint.h>

#include <keel/abi.h>

long hv_version(void);
long hv_host_info(struct keel_host_info *hi);
long hv_module_info(uint32_t index, struct keel_module_info *mi);
long hv_vm_create(const struct keel_vm_config *cfg);
long hv_vm_start(uint32_t id);
long hv_vm_pause(uint32_t id);
long hv_vm_resume(uint32_t id);
long hv_vm_destroy(uint32_t id);
/* the ids >= first (ABI 1.5), at most max; how many there are */
long hv_vm_list(uint32_t first, uint32_t *ids, uint32_t max);
long hv_vm_info(uint32_t id, struct keel_vm_info *vi);
long hv_vcpu_stats(uint32_t id, uint32_t vcpu, struct keel_vcpu_stats *st);
long hv_vm_set_mem(uint32_t id, uint64_t target, uint64_t flags);
long hv_vm_set_vcpus(uint32_t id, uint32_t count);
long hv_vcpu_pin(uint32_t id, uint32_t vcpu, uint64_t mask);
long hv_vm_set_sched(uint32_t id, uint32_t prio, uint32_t slice_ms);
/* buf starts with a struct keel_chunk; len includes it */
long hv_console_read(uint32_t id, uint64_t pos, void *buf, size_t len);
long hv_console_input(uint32_t id, const char *buf, size_t len);
long hv_log_read(uint64_t pos, void *buf, size_t len);
long hv_host_reboot(void);

#endif
