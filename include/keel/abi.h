/* SPDX-License-Identifier: MIT */
/*
 * The Keel hypercall ABI: docs/hypercalls.md in C. Shared by the
 * hypervisor, guests and tools; freestanding, no dependencies but stdint.
 */
#ifndef KEEL_ABI_H
#define KEEL_ABI_H

#include <stdint.h>

/* §7: (major << 16) | minor */
#define KEEL_ABI_MAJOR   1
#define KEEL_ABI_MINOR   2
#define KEEL_ABI_VERSION ((KEEL_ABI_MAJOR << 16) | KEEL_ABI_MINOR)

/* §2: returned negated */
#define KEEL_EPERM   1
#define KEEL_ENOENT  2
#define KEEL_EIO     5	/* internal only, never returned to guests */
#define KEEL_E2BIG   7
#define KEEL_ENOEXEC 8	/* internal only: bad executable image */
#define KEEL_ENOMEM  12
#define KEEL_EFAULT  14
#define KEEL_EBUSY   16
#define KEEL_EEXIST  17
#define KEEL_EINVAL  22
#define KEEL_ENOSYS  38

/* §4: call numbers */
#define KEEL_HC_VERSION       0
#define KEEL_HC_CONSOLE_WRITE 1
#define KEEL_HC_YIELD         2
#define KEEL_HC_SLEEP         3
#define KEEL_HC_VCPU_START    4
#define KEEL_HC_FIRST_MGMT    64
#define KEEL_HC_COUNT         128

#define KEEL_CONSOLE_WRITE_MAX 4096
#define KEEL_SLEEP_MAX_NS      (3600ull * 1000000000ull)	/* one hour */

/* §6: CPUID */
#define KEEL_CPUID_BASE          0x40000000u
#define KEEL_CPUID_FEATURES      0x40000001u
#define KEEL_CPUID_SIGNATURE_EBX 0x6c65654bu	/* "Keel" */
#define KEEL_CPUID_SIGNATURE_ECX 0x6c65654bu
#define KEEL_CPUID_SIGNATURE_EDX 0x6c65654bu
#define KEEL_FEATURE_VMMCALL     (1u << 0)

/* §5: start state */
#define KEEL_START_MAGIC   0x4c45454bu	/* "KEEL" */
#define KEEL_START_VMMCALL (1ull << 0)
#define KEEL_GUEST_IMAGE_MIN 0x100000ull	/* PT_LOAD p_paddr lower bound */

struct keel_start_info {
	uint32_t magic;
	uint32_t version;
	uint64_t flags;
	uint64_t mem_bytes;
	uint32_t vcpu_id;
	uint32_t vcpu_count;
	uint32_t vm_id;
	uint32_t tsc_khz;	/* since 1.1: the TSC's rate, for guest clocks */
	char name[32];
	char args[128];
	uint64_t hv_phys_start;
	uint64_t hv_phys_end;
};

_Static_assert(sizeof(struct keel_start_info) == 216,
	       "start-info layout is ABI");

#endif
