/* SPDX-License-Identifier: MIT */
/*
 * A VM's description: what a keel.cfg `vm` line (core/config.c) and the
 * VM_CREATE hypercall (core/hc_check.c, core/hc_mgmt.c) both become, and
 * what vm_create (core/vm_table.c) builds a VM from. vm_desc_check is the
 * one validation of it, so that names, sizes, vCPUs, priorities, slices,
 * CPUs and the role mean the same on both paths.
 *
 * Pure C without hypervisor state: the loader (which parses keel.cfg),
 * the host unit tests and the fuzzers call it as the hypervisor does.
 */
#ifndef KEEL_CORE_VM_DESC_H
#define KEEL_CORE_VM_DESC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <keel/abi.h>

#define VM_DESC_CPU_ANY   UINT32_MAX	/* cpu: the hypervisor picks one of cpus */
#define VM_DESC_CPUS_ALL  0		/* cpus: every CPU in root mode */
/* online for a check before the CPUs are started: every CPU may be */
#define VM_DESC_ONLINE_ANY UINT64_MAX
#define VM_DESC_WHY_LEN   96		/* a refusal's message fits this */
#define VM_DESC_MAX_MODULES KEEL_VM_MODULES	/* module= of a Multiboot kernel */

/* What a guest's reset (0xcf9, the keyboard controller) does. */
enum vm_on_reboot {
	VM_ON_REBOOT_STOP = 0,		/* the VM stops, reason "reset" */
	VM_ON_REBOOT_RESTART = 1,	/* reloaded from its image, started */
};

enum vm_role {
	VM_ROLE_GUEST = 0,
	VM_ROLE_MGMT = 1,	/* the management VM: management calls, console */
};

struct vm_desc {
	char name[KEEL_NAME_LEN];
	char image[KEEL_NAME_LEN];	/* a boot module; "" for a raw VM */
	uint32_t entry;			/* enum keel_entry */
	uint32_t role;			/* enum vm_role */
	uint64_t entry_rip;		/* a raw VM's entry; 0 for an image */
	uint64_t mem;			/* bytes */
	uint64_t mem_max;		/* resize limit; 0: mem */
	uint64_t cpus;			/* affinity, bit n = CPU n; or CPUS_ALL */
	uint32_t cpu;			/* where vCPU 0 starts; or CPU_ANY */
	uint32_t vcpus;
	uint32_t prio;			/* higher runs first */
	uint32_t slice_ms;
	char args[KEEL_ARGS_LEN];	/* handed to the guest (Multiboot:
					   its command line) */
	/* boot modules handed to a Multiboot kernel, in order */
	uint32_t module_count;
	char modules[VM_DESC_MAX_MODULES][KEEL_NAME_LEN];
	/* a Linux kernel's initrd (a boot module); "" for none */
	char initrd[KEEL_NAME_LEN];
	uint32_t on_reboot;		/* enum vm_on_reboot */
};

/*
 * The endings of the refusals that keel.cfg's parser also gives when a
 * value is not even a number ("prio=high is not a priority; ...").
 */
#define VM_DESC_NOT_VCPUS " is not a vCPU count; use 1 to 8"
#define VM_DESC_NOT_PRIO  " is not a priority; use 0 (lowest) to 31"
#define VM_DESC_NOT_SLICE " is not a time slice; use 1 to 100 (ms)"

/*
 * Checks d against the limits of docs/hypercalls.md §4.8 (the same as
 * keel.cfg's, include/core/config.h): the name 1-31 of A-Z a-z 0-9 _ . -;
 * the role guest or mgmt; an ELF VM names an image and has no entry_rip,
 * a raw one the reverse; mem and a non-zero mem_max multiples of 2 MiB
 * from 2 MiB to 64 GiB, mem_max not below mem; vcpus 1-8; prio 0-31;
 * slice_ms 1-100; cpu (unless CPU_ANY) one of cpus and running; cpus
 * (unless CPUS_ALL) only running CPUs; args printable ASCII and NUL-
 * terminated. online is the mask of CPUs in root mode (VM_DESC_ONLINE_ANY
 * before they are known). Returns 0 with why "", or -KEEL_EINVAL with why
 * saying what is wrong in keel.cfg's and the shell's words ("mem=1M is
 * out of range; use 2M to 64G"), cut to size bytes.
 */
int vm_desc_check(const struct vm_desc *d, uint64_t online, char *why,
		  size_t size);

/* A name: 1-31 characters of A-Z a-z 0-9 _ . -, NUL-terminated in size. */
bool vm_desc_name_valid(const char *name, size_t size);

/*
 * The ranges one by one, for the calls that change a VM later
 * (VM_SET_MEM, VM_SET_SCHED): a memory size (a multiple of 2 MiB from
 * 2 MiB to 64 GiB), a priority, a slice.
 */
static inline bool vm_desc_mem_valid(uint64_t bytes)
{
	return bytes >= KEEL_MEM_MIN && bytes <= KEEL_MEM_MAX &&
	       !(bytes % KEEL_MEM_ALIGN);
}

static inline bool vm_desc_prio_valid(uint64_t prio)
{
	return prio <= KEEL_PRIO_MAX;
}

static inline bool vm_desc_slice_valid(uint64_t ms)
{
	return ms >= KEEL_SLICE_MIN_MS && ms <= KEEL_SLICE_MAX_MS;
}

/* The resize limit d asks for. */
static inline uint64_t vm_desc_mem_max(const struct vm_desc *d)
{
	return d->mem_max ? d->mem_max : d->mem;
}

/* The CPUs d may run on, given the running ones. */
static inline uint64_t vm_desc_cpus(const struct vm_desc *d, uint64_t online)
{
	return d->cpus != VM_DESC_CPUS_ALL ? d->cpus : online;
}

#endif
