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
#define KEEL_ABI_MINOR   5
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
#define KEEL_ENOSPC  28
#define KEEL_ENOSYS  38

/* §4: call numbers */
#define KEEL_HC_VERSION       0
#define KEEL_HC_CONSOLE_WRITE 1
#define KEEL_HC_YIELD         2
#define KEEL_HC_SLEEP         3
#define KEEL_HC_VCPU_START    4
#define KEEL_HC_SELF_INFO     5
#define KEEL_HC_MEM_MAP       6
#define KEEL_HC_MEM_RELEASE   7
#define KEEL_HC_VCPU_ENTRY    8
#define KEEL_HC_FIRST_MGMT    64
#define KEEL_HC_HOST_INFO     64
#define KEEL_HC_MODULE_INFO   65
#define KEEL_HC_VM_CREATE     66
#define KEEL_HC_VM_LOAD       67
#define KEEL_HC_VM_START      68
#define KEEL_HC_VM_PAUSE      69
#define KEEL_HC_VM_RESUME     70
#define KEEL_HC_VM_DESTROY    71
#define KEEL_HC_VM_LIST       72
#define KEEL_HC_VM_INFO       73
#define KEEL_HC_VCPU_STATS    74
#define KEEL_HC_VM_SET_MEM    75
#define KEEL_HC_VM_SET_VCPUS  76
#define KEEL_HC_VCPU_PIN      77
#define KEEL_HC_VM_SET_SCHED  78
#define KEEL_HC_CONSOLE_READ  79
#define KEEL_HC_CONSOLE_INPUT 80
#define KEEL_HC_LOG_READ      81
#define KEEL_HC_HOST_REBOOT   82
#define KEEL_HC_COUNT         128

#define KEEL_CONSOLE_WRITE_MAX 4096
#define KEEL_SLEEP_MAX_NS      (3600ull * 1000000000ull)	/* one hour */
/* SLEEP flags (1.5): end the sleep early when console input is waiting */
#define KEEL_SLEEP_CONSOLE     (1ull << 0)

/* §4.6-4.8: limits */
/* 1.5: VMs are limited by memory only; VM_LIST pages through them */
#define KEEL_VM_LIST_MAX      64	/* ids one VM_LIST call returns at most */
#define KEEL_MAX_VMS          KEEL_VM_LIST_MAX	/* its name before 1.5 */
#define KEEL_MAX_VCPUS        8
#define KEEL_NAME_LEN         32
#define KEEL_ARGS_LEN         128
#define KEEL_VM_MODULES       4	/* keel_vm_config.modules (1.4) */
#define KEEL_MEM_ALIGN        (2ull << 20)
#define KEEL_MEM_MIN          (2ull << 20)
#define KEEL_MEM_MAX          (64ull << 30)
#define KEEL_MEM_MAP_MAX      64
#define KEEL_LOAD_MAX         65536
#define KEEL_CONSOLE_INPUT_MAX 256
#define KEEL_PRIO_MAX         31	/* priorities 0 (lowest) to 31 */
#define KEEL_SLICE_MIN_MS     1
#define KEEL_SLICE_MAX_MS     100
#define KEEL_MAX_CPUS         64	/* bits of a CPU mask */
#define KEEL_CONSOLE_RING     (16 * 1024)
#define KEEL_LOG_RING         (64 * 1024)
#define KEEL_WORK_BUDGET      (256ull << 20)	/* bytes per resumable call */
#define KEEL_KEEP             0xffffffffu	/* VM_SET_SCHED: unchanged */
#define KEEL_MEM_FORCE        (1ull << 0)	/* VM_SET_MEM flags */
#define KEEL_EXIT_REASONS     32

enum keel_vm_state {
	KEEL_VM_CREATED = 1,
	KEEL_VM_RUNNING = 2,
	KEEL_VM_PAUSED = 3,
	KEEL_VM_HALTED = 4,
	KEEL_VM_STOPPED = 5,
	KEEL_VM_DESTROYING = 6,
	KEEL_VM_OFF = 7,	/* 1.5: the guest powered itself off */
};

enum keel_vcpu_state {
	KEEL_VCPU_OFFLINE = 0,
	KEEL_VCPU_RUNNABLE = 1,
	KEEL_VCPU_BLOCKED = 2,
	KEEL_VCPU_STOPPED = 3,
	KEEL_VCPU_PAUSED = 4,
};

enum keel_entry {
	KEEL_ENTRY_ELF = 0,
	KEEL_ENTRY_RAW = 1,
};

#define KEEL_VENDOR_SVM 1
#define KEEL_VENDOR_VMX 2
#define KEEL_VM_FLAG_MGMT (1u << 0)
/* keel_vm_config.flags (1.5): a reset reloads and restarts the VM */
#define KEEL_VM_CFG_RESTART (1ull << 0)
#define KEEL_MODULE_ELF   1
#define KEEL_MODULE_MULTIBOOT 2	/* a Multiboot 1 kernel (docs/guests.md) */
#define KEEL_MODULE_LINUX 3	/* a Linux bzImage (1.5) */
#define KEEL_MEM_RAM      1

struct keel_vm_config {
	char name[KEEL_NAME_LEN];
	char image[KEEL_NAME_LEN];
	uint64_t mem_bytes;
	uint64_t mem_max;
	uint64_t cpus;
	uint32_t vcpus;
	uint32_t prio;
	uint32_t slice_ms;
	uint32_t entry;
	uint64_t entry_rip;
	char args[KEEL_ARGS_LEN];	/* a Multiboot kernel's command line */
	uint64_t flags;			/* KEEL_VM_CFG_*; others zero */
	uint64_t reserved;
	/* 1.4: boot modules of a Multiboot kernel, in order; unused: zero */
	char modules[KEEL_VM_MODULES][KEEL_NAME_LEN];
	/* 1.5: a Linux kernel's initrd, a boot module; unused: zero */
	char initrd[KEEL_NAME_LEN];
};

struct keel_vm_info {
	uint32_t id;
	uint32_t state;
	char name[KEEL_NAME_LEN];
	uint32_t vcpus;
	uint32_t vcpus_max;
	uint32_t prio;
	uint32_t slice_ms;
	uint64_t mem_max;
	uint64_t mem_target;
	uint64_t mem_actual;
	uint64_t cpus;
	uint64_t console_head;
	uint32_t flags;
	uint32_t reserved0;
	uint64_t run_ns;
	uint64_t reserved[2];
};

struct keel_vcpu_stats {
	uint32_t id;
	uint32_t state;
	uint32_t cpu;
	uint32_t reserved0;
	uint64_t run_ns;
	uint64_t wait_ns;
	uint64_t switches;
	uint64_t affinity;
	uint64_t exits[KEEL_EXIT_REASONS];
};

struct keel_host_info {
	uint32_t vendor;
	uint32_t cpus;
	uint32_t abi_version;
	uint32_t tsc_khz;
	uint64_t mem_total;
	uint64_t mem_free;
	uint32_t vm_count;
	uint32_t reserved0;
	uint64_t uptime_ns;
	char version[16];
	uint64_t reserved[4];
};

struct keel_module_info {
	char name[KEEL_NAME_LEN];
	uint64_t size;
	uint32_t kind;
	uint32_t reserved0;
	uint64_t reserved[2];
};

struct keel_mem_range {
	uint64_t gpa;
	uint64_t bytes;
	uint32_t type;
	uint32_t reserved0;
};

struct keel_chunk {
	uint64_t from;
	uint64_t head;
};

_Static_assert(sizeof(struct keel_vm_config) == 416, "ABI layout");
_Static_assert(sizeof(struct keel_vm_info) == 128, "ABI layout");
_Static_assert(sizeof(struct keel_vcpu_stats) == 304, "ABI layout");
_Static_assert(sizeof(struct keel_host_info) == 96, "ABI layout");
_Static_assert(sizeof(struct keel_module_info) == 64, "ABI layout");
_Static_assert(sizeof(struct keel_mem_range) == 24, "ABI layout");
_Static_assert(sizeof(struct keel_chunk) == 16, "ABI layout");

/* Exit-reason names, the index into keel_vcpu_stats.exits (§4.6). */
#define KEEL_EXIT_NAMES { "cpuid", "rdmsr", "wrmsr", "io", "hlt", "hypercall", \
	"stage2_fault", "interrupt", "timer", "intr_window", "nmi", \
	"triple_fault", "invalid_state", "virt_insn", "cr_access", "unknown", \
	"xsetbv", "rdpmc", "cache_flush", "nmi_window" }
#define KEEL_EXIT_NAMED 20

/* §6: CPUID */
#define KEEL_CPUID_BASE          0x40000000u
#define KEEL_CPUID_FEATURES      0x40000001u
/* EAX: the TSC's rate in kHz; EBX: the local APIC timer's at divide 1 */
#define KEEL_CPUID_TIMING        0x40000010u
#define KEEL_CPUID_MAX_LEAF      KEEL_CPUID_TIMING	/* 0x40000000 EAX */
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
