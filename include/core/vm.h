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

#include <core/vm_desc.h>
#include <core/dev/acpi_pm.h>
#include <core/dev/io_bus.h>
#include <core/dev/vpit.h>
#include <core/dev/vrtc.h>
#include <core/dev/vioapic.h>
#include <core/dev/vpic.h>
#include <core/dev/vuart.h>
#include <core/extents.h>
#include <core/vcpu.h>
#include <keel/abi.h>
#include <keel/boot_info.h>
#include <lib/spinlock.h>
#include <mm/pagetable.h>

/* The ABI's limits (keel/abi.h), under the names the hypervisor uses. */
#define VM_MAX_VCPUS    KEEL_MAX_VCPUS
#define VM_NAME_LEN     KEEL_NAME_LEN
#define VM_MAX_EXTENTS  1024
#define VM_INLINE_EXTENTS 32	/* up to 64 MiB of mem_max */
#define VM_CONSOLE_RING KEEL_CONSOLE_RING
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

/* The values of KEEL_VM_* (docs/hypercalls.md §4.6). */
enum vm_state {
	VM_FREE = 0,
	VM_CREATED = 1,
	VM_RUNNING = 2,
	VM_PAUSED = 3,
	VM_HALTED = 4,	/* every vCPU halted with interrupts off: done */
	VM_STOPPED = 5,	/* stopped by the hypervisor: stop_reason says why */
	VM_DESTROYING = 6,
	VM_OFF = 7,	/* the guest powered itself off (ACPI S5) */
};

struct vm {
	uint32_t id;
	char name[VM_NAME_LEN];
	enum vm_state state;
	char stop_reason[160];
	uint64_t stop_log_mark;		/* log ring position as it stopped, or 0 */
	struct spinlock lock;

	bool mgmt;			/* role=mgmt: may make management calls */
	struct vm_desc desc;		/* what it was made from: a restart's */
	/*
	 * on_reboot=restart (core/vm_control.c): a reset sets restart_pending;
	 * a CPU's scheduler poll claims the restart (restarting) under the VM
	 * table's lock, and destroy marks the VM gone under it, so that no
	 * restart begins on a VM being freed and no VM is freed mid-restart.
	 */
	bool restart_pending, restarting, gone;
	volatile bool paused;		/* its vCPUs stay off the CPUs */
	char image[VM_NAME_LEN];

	/*
	 * memory: mem_bytes is what is mapped now ("actual"). mem_lock
	 * covers the stage-2 tables and mem_bytes for guest copies;
	 * mem_changing is the memory claim (vm_mem_claim), held over every
	 * whole change of mem_bytes, mem_target and the extents.
	 */
	struct spinlock mem_lock;
	bool mem_changing;
	uint64_t mem_bytes;
	uint64_t mem_target;		/* what the management VM asked for */
	uint64_t mem_max;		/* the hard cap */
	struct page_table stage2;
	/*
	 * extents.ext: extent_inline for a VM of up to VM_INLINE_EXTENTS
	 * 2 MiB units of mem_max, else frames of their own (vm_table.c):
	 * a small VM's state stays small (issue 14, density).
	 */
	struct extent_list extents;
	struct vm_extent extent_inline[VM_INLINE_EXTENTS];

	unsigned int vcpu_count;
	struct vcpu vcpus[VM_MAX_VCPUS];
	uint32_t vcpus_live;		/* started and not yet done */
	uint64_t cpus;			/* the CPUs its vCPUs may run on */
	uint32_t first_cpu;
	uint32_t prio, slice_ms;
	struct {			/* KEEL_HC_VCPU_ENTRY; rip 0: none */
		uint64_t rip, stacks, stack_bytes;
	} vcpu_entry;
	/*
	 * A Multiboot kernel's information structure (core/load/multiboot.c):
	 * vCPU 0 starts in the Multiboot state with it in EBX. 0: a Keel ELF
	 * or raw VM, whose vCPUs start in 64-bit mode.
	 */
	uint64_t mb_info_gpa;
	/*
	 * A Linux kernel's zero page (core/load/linux.c): vCPU 0 starts in
	 * its 64-bit entry state with it in RSI. 0: not a Linux guest.
	 */
	uint64_t linux_params_gpa;
	/*
	 * Its secondary vCPUs start the way an OS starts them, INIT and
	 * STARTUP through the local APIC (core/vcpu_init.c), instead of
	 * KEEL_HC_VCPU_START: Multiboot and Linux kernels. Under lock: vcpus_awake
	 * counts its started vCPUs that are not dormant (cli;hlt or waiting
	 * for STARTUP); when none is, nothing can wake any and the VM
	 * halts (all_dormant).
	 */
	bool aps_sipi;
	uint32_t vcpus_awake;
	bool all_dormant;

	/* its devices: port and MMIO ranges (core/vm_devices.c) */
	struct io_bus ports, mmio;
	struct vuart uart;
	struct vpit pit;		/* and port 0x61 */
	struct vrtc rtc;
	struct vioapic ioapic;
	struct vpic pic;
	struct acpi_pm pm;		/* PM1a and reset registers, under lock */
	uint8_t rx[KEEL_CONSOLE_INPUT_MAX];	/* COM1 input not yet read */
	uint32_t rx_head, rx_count;
	char line[VM_CONSOLE_LINE];	/* console output not yet printed */
	size_t line_len;
	char ring[VM_CONSOLE_RING];	/* console scroll-back */
	uint64_t ring_head;
	uint64_t unknown_port_reports;
	uint64_t unknown_msr_reports;
	/* -(host TSC at vm_start): its guest TSC starts at 0 (docs/cpuid.md) */
	uint64_t tsc_offset;
};

/*
 * Creates a VM from its description and image (NULL: a raw VM entering
 * at d->entry_rip): zeroed memory mapped in fresh stage-2 tables, at
 * most map_now bytes of d->mem (VM_SET_MEM maps the rest), the ELF
 * loaded, the boot structures and vCPU 0 set up to enter at the entry on
 * CPU d->cpu (or the least loaded of its CPUs). d must have passed
 * vm_desc_check with vm_online_cpus(). On failure nothing is left
 * allocated and *why says what was wrong.
 */
int vm_create(const struct vm_desc *d, const struct boot_module *image,
	      uint64_t map_now, struct vm **out, const char **why);

/*
 * Starts secondary vCPU id (docs/hypercalls.md §4.5) at rip with rsp and
 * RDI = arg. 0 or -KEEL_EINVAL / -KEEL_EBUSY / -KEEL_ENOMEM.
 */
/*
 * vm_start, for an aps_sipi VM: its vCPUs other than 0 join the
 * scheduler waiting for STARTUP (core/vcpu_init.h). 0 or KEEL_E*.
 */
int vm_start_waiting_vcpus(struct vm *vm);
int vm_start_vcpu(struct vm *vm, uint32_t id, uint64_t rip, uint64_t rsp,
		  uint64_t arg);

/*
 * Puts the VM's devices on its buses (core/vm_devices.c): COM1 and the
 * 8259 pair on the port bus, the I/O APIC and the local APIC's xAPIC page
 * on the MMIO bus. 0 or an error.
 */
int vm_devices_init(struct vm *vm);
/*
 * A restart: every device back to its reset state (vm->vcpu_count and
 * mem_target as the VM restarts with), the bus ranges kept; each device
 * is reset under its own lock. No vCPU of the VM may run.
 */
void vm_devices_reset(struct vm *vm);

/*
 * The guest reset its machine (how: through which register). With
 * on_reboot=stop it stops (VM_STOPPED, reason "reset"); with restart
 * its vCPUs stop and a restart is requested, which a CPU's scheduler
 * poll does (vm_restart_poll). Called from the vCPU's exit.
 */
void vm_reset(struct vm *vm, const char *how);
/* Restarts requested and not yet taken up (core/vm_stop.c). */
uint32_t vm_restarts_requested(void);
void vm_restart_requested_done(void);

/*
 * The scheduler's poll hook's part (core/vm_control.c): restarts one VM
 * whose restart was requested once none of its vCPUs is on a CPU any
 * more: memory zeroed, devices reset, the image reloaded, started. In
 * how many ns to call again (UINT64_MAX: nothing to do).
 */
uint64_t vm_restart_poll(unsigned int cpu);

/*
 * The VM table's part of a restart (core/vm_table.c), under its lock: a
 * VM whose restart is requested and not taken, now taken (restarting
 * set), or NULL; a taken restart given back (done: no longer requested);
 * destroy's fence, false while a restart runs (call again), else the VM
 * is gone for restarts.
 */
struct vm *vm_restart_take(void);
void vm_restart_give_back(struct vm *vm, bool done);
bool vm_restart_fence(struct vm *vm);

/*
 * What vm_create and a restart share (core/vm_table.c): image (NULL for
 * a raw VM) loaded into the VM's zeroed memory by vm->desc, its boot
 * structures or ACPI tables written, its vCPUs reset and vCPU 0 set up
 * on vm->first_cpu. 0, or an error with *why.
 */
int vm_boot_load(struct vm *vm, const struct boot_module *image,
		 const char **why);
/* Zeroes all of the VM's memory; the caller holds the memory claim. */
void vm_mem_scrub(struct vm *vm);

/* Stops every vCPU of the VM for good and logs why. */
void vm_stop(struct vm *vm, enum vm_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copies between guest-physical memory and the hypervisor (§3 of the ABI). */
int guest_mem_read(struct vm *vm, uint64_t gpa, void *dst, size_t len);
/* The same checks without copying: 0 if [gpa, gpa+len) is the VM's RAM. */
int guest_mem_check(struct vm *vm, uint64_t gpa, size_t len);
int guest_mem_write(struct vm *vm, uint64_t gpa, const void *src, size_t len);
/*
 * Replaces the len-byte (1, 2, 4 or 8) little-endian value at gpa by val
 * if it is old, atomically against the VM's vCPUs running on other CPUs
 * (a LOCK CMPXCHG on the host frame): 0 done, 1 it was different (or
 * kept changing), -KEEL_EINVAL for a value not inside one aligned 8-byte
 * word, else the errors of guest_mem_read. The instruction emulator sets
 * accessed and dirty bits in the guest's page tables with it.
 */
int guest_mem_cmpxchg(struct vm *vm, uint64_t gpa, uint64_t old, uint64_t val,
		      size_t len);
/*
 * An image loader's writer (elf_load's callback, vm a struct vm): len
 * bytes, or len zeros when bytes is NULL (a segment's bss).
 */
int guest_mem_load(void *vm, uint64_t gpa, const void *bytes, uint64_t len);

/* A byte the guest wrote to its console (virtual COM1). */
void vm_console_putc(struct vm *vm, char c);
/* Bytes the guest wrote to its console at once (CONSOLE_WRITE). */
void vm_console_write(struct vm *vm, const char *s, size_t len);

/*
 * Console ring positions (docs/hypercalls.md §4.8 CONSOLE_READ): copies
 * up to len bytes from position *from (moved up to the oldest byte kept)
 * and returns how many; *head is the position after the newest byte.
 */
size_t vm_console_read(struct vm *vm, uint64_t *from, uint64_t *head,
		       char *buf, size_t len);

/* COM1 input: queued by the management VM, read by the guest's vUART. */
size_t vm_console_input(struct vm *vm, const uint8_t *bytes, size_t len);
int vm_console_getc(struct vm *vm);	/* -1: nothing */
bool vm_console_has_input(struct vm *vm);

/* The VM whose COM1 is the physical console (the management VM), or NULL. */
extern struct vm *console_owner;
void vm_take_console(struct vm *vm);
/* The owner stopped for good: the hypervisor prints its log again. */
void vm_release_console(struct vm *vm);
/*
 * The scheduler's poll hook: reads the UART while a VM has the console,
 * sends queued console output; in how many ns to call again on cpu.
 */
uint64_t vm_console_poll(unsigned int cpu);
/*
 * The host UART's receive interrupt handler (init/main.c sets it for
 * VECTOR_HOST_UART); once it is routed, vm_console_rx_interrupt_on ends
 * CPU 0's periodic poll of the UART.
 */
void vm_console_rx_interrupt(void);
void vm_console_rx_interrupt_on(void);

/*
 * The VM with this id, or NULL; vm_ids lists them (at most max), in order
 * of their ids, and returns how many there are; vm_ids_from those with an
 * id >= first.
 */
struct vm *vm_find(uint32_t id);
struct vm *vm_find_name(const char *name);
unsigned int vm_ids(uint32_t *ids, unsigned int max);
unsigned int vm_ids_from(uint32_t first, uint32_t *ids, unsigned int max);
unsigned int vm_count_live(void);

/*
 * The memory claim: every change of a VM's memory (create, VM_SET_MEM
 * grow or shrink, MEM_RELEASE, destroy) holds it from the decision based
 * on mem_bytes and mem_target to the last frame freed, so two changes
 * never overlap and no extent is cut, no frame freed, twice. It is a
 * try-lock: the holder may scrub 256 MiB or more with interrupts off, so
 * a caller that finds it taken must not spin; hypercalls return
 * HC_RETRY (core/hypercall.h) and the vCPU tries again after a pause.
 */
bool vm_mem_claim(struct vm *vm);
void vm_mem_unclaim(struct vm *vm);

/*
 * Maps zeroed memory from mem_bytes up to to, at most budget bytes of it
 * (growing). 0 or -KEEL_ENOMEM (what was mapped stays). The caller holds
 * the memory claim, as for vm_shrink.
 */
int vm_grow(struct vm *vm, uint64_t to, uint64_t budget);
/*
 * Takes back [to, mem_bytes), at most budget bytes from the top: unmap,
 * TLB shootdown, scrub, free. 0 or -KEEL_ENOMEM (nothing changed).
 */
int vm_shrink(struct vm *vm, uint64_t to, uint64_t budget);

/* Lifecycle (core/vm_control.c); each returns 0 or a negative KEEL_E*. */
int vm_start(struct vm *vm);
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
/* Resumable: > 0 bytes still to free, 0 when the VM is gone. */
int64_t vm_destroy(struct vm *vm);
int vm_set_vcpus(struct vm *vm, uint32_t count);
int vm_pin_vcpu(struct vm *vm, uint32_t id, uint64_t mask);
int vm_set_sched(struct vm *vm, uint32_t prio, uint32_t slice_ms);

/* Frees what vm_create allocated once no CPU uses the VM any more. */
void vm_free(struct vm *vm);
/* The CPUs in root mode, as an affinity mask. */
uint64_t vm_online_cpus(void);

/* Hypervisor memory ranges no guest mapping may touch, for the audit. */
void vm_set_hypervisor_range(uint64_t start, uint64_t end);
void vm_hypervisor_range(uint64_t *start, uint64_t *end);

/*
 * Every stage-2 leaf of vm maps its own frames (its extents), never the
 * hypervisor's: 0 or -KEEL_EFAULT (core/guest_mem.c).
 */
int guest_mem_audit(const struct vm *vm);
/* Frees all of vm's memory and its stage-2 tables (vm_free). */
void vm_free_memory(struct vm *vm);

#endif
