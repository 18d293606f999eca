/* SPDX-License-Identifier: MIT */
/*
 * A virtual machine: its memory (stage-2 tables plus the host frames
 * behind them), its vCPUs, its virtual UART and console.
 */
#ifndef KEEL_CORE_VM_H
#define KEEL_CORE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/config.h>
#include <core/vcpu.h>
#include <drivers/vuart.h>
#include <keel/boot_info.h>
#include <lib/spinlock.h>
#include <mm/pagetable.h>

#define VM_MAX          64
#define VM_MAX_VCPUS    8
#define VM_NAME_LEN     32
#define VM_MAX_EXTENTS  1024
#define VM_CONSOLE_RING (16 * 1024)
#define VM_CONSOLE_LINE 160

/* Guest-physical layout of the boot structures (docs/hypercalls.md §5). */
#define GUEST_START_INFO_GPA 0x1000ull
#define GUEST_GDT_GPA        0x2000ull
#define GUEST_TSS_GPA        0x3000ull
#define GUEST_PML4_GPA       0x4000ull
#define GUEST_PDPT_GPA       0x5000ull
#define GUEST_PD_GPA         0x6000ull	/* four pages: 4 GiB of 2 MiB pages */
#define GUEST_PD_COUNT       4
#define GUEST_BOOT_END       0xa000ull

enum vm_state {
	VM_FREE = 0,
	VM_CREATED,
	VM_RUNNING,
	VM_HALTED,	/* every vCPU halted with interrupts off: done */
	VM_STOPPED,	/* stopped by the hypervisor: stop_reason says why */
};

struct vm_extent {
	uint64_t gpa;
	uint64_t hpa;
	uint32_t order;		/* frames of 2^order * 4 KiB */
};

struct vm {
	uint32_t id;
	char name[VM_NAME_LEN];
	enum vm_state state;
	char stop_reason[160];
	struct spinlock lock;

	uint64_t mem_bytes;
	struct page_table stage2;
	unsigned int extent_count;
	struct vm_extent extents[VM_MAX_EXTENTS];

	unsigned int vcpu_count;
	struct vcpu vcpus[VM_MAX_VCPUS];
	uint32_t vcpus_live;		/* started and not yet done */
	uint64_t cpus;			/* the CPUs its vCPUs may run on */
	uint32_t first_cpu;
	uint32_t prio, slice_ms;

	struct vuart uart;
	char line[VM_CONSOLE_LINE];	/* console output not yet printed */
	size_t line_len;
	char ring[VM_CONSOLE_RING];	/* console scroll-back */
	uint64_t ring_head;
	uint64_t unknown_port_reports;
	uint64_t unknown_msr_reports;
};

/*
 * Creates a VM from its configuration and image: zeroed memory mapped in
 * fresh stage-2 tables, the ELF loaded, the boot structures and vCPU 0
 * set up to enter at the ELF entry on CPU cfg->cpu. On failure nothing is
 * left allocated and *why says what was wrong.
 */
int vm_create(const struct config_vm *cfg, const struct boot_module *image,
	      struct vm **out, const char **why);

/*
 * Starts secondary vCPU id (docs/hypercalls.md §4.5) at rip with rsp and
 * RDI = arg. 0 or -KEEL_EINVAL / -KEEL_EBUSY / -KEEL_ENOMEM.
 */
int vm_start_vcpu(struct vm *vm, uint32_t id, uint64_t rip, uint64_t rsp,
		  uint64_t arg);

/* Stops every vCPU of the VM for good and logs why. */
void vm_stop(struct vm *vm, enum vm_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copies between guest-physical memory and the hypervisor (§3 of the ABI). */
int guest_mem_read(struct vm *vm, uint64_t gpa, void *dst, size_t len);
int guest_mem_write(struct vm *vm, uint64_t gpa, const void *src, size_t len);

/* A byte the guest wrote to its console (virtual COM1 or hypercall). */
void vm_console_putc(struct vm *vm, char c);

/* Hypervisor memory ranges no guest mapping may touch, for the audit. */
void vm_set_hypervisor_range(uint64_t start, uint64_t end);

#endif
