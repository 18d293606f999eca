/* SPDX-License-Identifier: MIT */
/*
 * Validation of hypercall arguments (docs/hypercalls.md §3, §4.6-4.8),
 * after they were copied out of the guest. Pure functions, no hypervisor
 * state: the host unit tests and the fuzzer call them directly. Each
 * returns 0 or a negative KEEL_E* value and, where it says so, a reason.
 */
#ifndef KEEL_CORE_HC_CHECK_H
#define KEEL_CORE_HC_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/vm_desc.h>
#include <keel/abi.h>
#include <mm/pagetable.h>

/*
 * §3: every page of [gpa, gpa+len) must be RAM of the VM: below mem_bytes,
 * mapped in its stage-2 tables, and not MMIO (PT_UC). -KEEL_EINVAL if the
 * range wraps, -KEEL_EFAULT otherwise. The hypervisor's own memory is
 * never mapped in stage 2 (vm_create's audit), so it fails here too.
 */
int hc_check_guest_range(const struct page_table *stage2, uint64_t mem_bytes,
			 uint64_t gpa, uint64_t len);

/* A buffer [gpa, gpa+len) that must not wrap: -KEEL_EINVAL if it does. */
int hc_check_buffer(uint64_t gpa, uint64_t len);

/* A structure argument: len must be exactly size. */
int hc_check_struct_len(uint64_t len, uint64_t size);

/*
 * VM_CREATE's configuration as a VM description: flags and reserved must
 * be zero (the ABI's own rule); the modules are copied and counted (the
 * used ones first, each a name followed only by zeros, §4.8); then *d,
 * the configuration as it is (mem_max and cpus 0 mean mem and every CPU;
 * the hypervisor picks the start CPU), must pass vm_desc_check, the rules keel.cfg's vm lines
 * follow too. online is the mask of CPUs in root mode. 0 or -KEEL_EINVAL
 * with why (size bytes) saying what is wrong.
 */
int hc_check_vm_config(const struct keel_vm_config *c, uint64_t online,
		       struct vm_desc *d, char *why, size_t size);

/* VM_SET_MEM: target against the VM's max; flags must be known bits. */
int hc_check_mem_target(uint64_t target, uint64_t mem_max, uint64_t flags);

/* MEM_RELEASE of [gpa, gpa+len) from a VM with actual and target sizes. */
int hc_check_release(uint64_t gpa, uint64_t len, uint64_t actual,
		     uint64_t target);

/* VCPU_ENTRY: rip and the stacks of KEEL_MAX_VCPUS vCPUs inside mem. */
int hc_check_vcpu_entry(uint64_t rip, uint64_t stacks, uint64_t stack_bytes,
			uint64_t mem);

/* VM_SET_SCHED: each value in range or KEEL_KEEP. */
int hc_check_sched(uint64_t prio, uint64_t slice_ms);

/* VM_LOAD: [dst, dst+len) inside a VM of mem bytes, len <= KEEL_LOAD_MAX. */
int hc_check_load(uint64_t dst, uint64_t len, uint64_t mem);

/* CONSOLE_READ / LOG_READ: a chunk buffer of len bytes, at most max data. */
int hc_check_chunk(uint64_t gpa, uint64_t len, uint64_t max_data);

/* VCPU_PIN: a non-empty mask of online CPUs. */
int hc_check_cpu_mask(uint64_t mask, uint64_t online);

#endif
