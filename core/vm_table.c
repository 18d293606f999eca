// SPDX-License-Identifier: MIT
/*
 * The VM table and a VM's life from creation to free: slots and ids,
 * creating a VM from its description, setting up and starting vCPUs,
 * lookup. Running VMs are controlled in core/vm_control.c and stopped
 * in core/vm_stop.c. See core/vm.h.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <core/config.h>
#include <core/dev/vlapic.h>
#include <core/load/acpi_load.h>
#include <core/load/keel_elf.h>
#include <core/load/linux.h>
#include <core/load/multiboot.h>
#include <core/load/multiboot_parse.h>
#include <core/msr_policy.h>
#include <core/vcpu_init.h>
#include <core/vm.h>
#include <core/vm_desc.h>
#include <keel/abi.h>
#include <lib/format.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>
#include <sched/policy.h>
#include <sched/sched.h>

/*
 * Each limit is defined once, in the ABI where guests see it; the
 * scheduler, the CPU table and the configuration keep their own names
 * for the same numbers.
 */
_Static_assert(KEEL_PRIO_MAX == SCHED_PRIO_MAX, "one priority range");
_Static_assert(KEEL_SLICE_MIN_MS * SCHED_NS_PER_MS == SCHED_SLICE_MIN_NS &&
	       KEEL_SLICE_MAX_MS * SCHED_NS_PER_MS == SCHED_SLICE_MAX_NS,
	       "one slice range");
_Static_assert(KEEL_MAX_CPUS == SCHED_MAX_CPUS && MAX_CPUS <= KEEL_MAX_CPUS,
	       "a CPU mask covers every CPU");
_Static_assert(sizeof(((struct vm_desc *)0)->name) == VM_NAME_LEN,
	       "one name length");

/*
 * The VMs, in id order (ids only grow, so a new VM goes at the end): a
 * lookup by id is a binary search, VM_LIST a copy. The array grows by
 * doubling, from the frame pool, so VMs are limited by memory, not by a
 * table; removing one moves the pointers after it down (a few hundred
 * bytes even with hundreds of VMs).
 */
#define VMS_FIRST_CAPACITY (FRAME_SIZE / sizeof(struct vm *))

static struct vm **vms;
static unsigned int vm_count, vms_capacity;
static struct spinlock vms_lock = SPINLOCK_INIT;
static uint32_t next_vm_id = 1;

static unsigned int order_for_bytes(uint64_t bytes)
{
	unsigned int order = 0;

	while ((FRAME_SIZE << order) < bytes)
		order++;
	return order;
}

/* Makes vCPU v ready to start on cpu at rip; not yet on any run queue. */
static int vcpu_setup(struct vcpu *v, uint32_t cpu, uint64_t rip, uint64_t rsp,
		      uint64_t rdi)
{
	struct vm *vm = v->vm;
	struct vcpu_entry_state entry;
	int ret;

	ret = sched_entity_init(&v->se, vm->prio,
				(uint64_t)vm->slice_ms * SCHED_NS_PER_MS, vm->cpus);
	if (ret)
		return ret;
	if (vm->mb_info_gpa && v->id == 0)
		multiboot_entry_state(&entry, rip);
	else if (vm->linux_params_gpa && v->id == 0)
		linux_entry_state(&entry, rip);
	else if (vm->aps_sipi)
		vcpu_init_startup_state(&entry, 0);	/* it waits for STARTUP */
	else
		keel_entry_state(&entry, rip, rsp, rdi);
	v->cpu = cpu;
	v->wake_at_ns = UINT64_MAX;
	/* an unmodified guest's APIC as a PC resets it: xAPIC (SDM 10.4.4) */
	if (vm->aps_sipi)
		vlapic_init_xapic(v);
	else
		vlapic_init(v);
	msr_vcpu_reset(v);
	/* the VM's TSC (vm_start sets it; vCPU 0 is set up before that) */
	v->tsc_offset = vm->tsc_offset;
	memset(&v->regs, 0, sizeof(v->regs));
	if (vm->mb_info_gpa && v->id == 0) {
		/* the Multiboot hand-off (spec 3.2) */
		v->regs.rax = MB_BOOT_MAGIC;
		v->regs.rbx = vm->mb_info_gpa;
	} else if (vm->linux_params_gpa && v->id == 0) {
		v->regs.rsi = vm->linux_params_gpa;	/* boot.rst 64-bit */
	} else if (vm->aps_sipi) {
		vcpu_init_wait(v);
	} else {
		v->regs.rdi = rdi;
	}
	return vendor->vcpu_create(v, &entry, pt_root_pointer(&vm->stage2));
}

/* The next CPU after the VM's first, round robin over its affinity. */
static uint32_t pick_start_cpu(const struct vm *vm, uint32_t id)
{
	uint32_t candidates[MAX_CPUS], n = 0;

	for (uint32_t i = 0; i < cpu_count; i++) {
		uint32_t c = (vm->first_cpu + i) % cpu_count;

		if (c < SCHED_MAX_CPUS && (vm->cpus >> c & 1) &&
		    cpus[c].virt_enabled)
			candidates[n++] = c;
	}
	return n ? candidates[id % n] : vm->first_cpu;
}

int vm_start_vcpu(struct vm *vm, uint32_t id, uint64_t rip, uint64_t rsp,
		  uint64_t arg)
{
	struct vcpu *v;
	int ret;

	if (id == 0 || id >= vm->vcpu_count || rip >= vm->mem_bytes ||
	    rsp > vm->mem_bytes || rsp < KEEL_GUEST_IMAGE_MIN)
		return -KEEL_EINVAL;
	if (vm->aps_sipi)
		return -KEEL_EPERM;	/* its vCPUs start with INIT and STARTUP */
	v = &vm->vcpus[id];
	spin_lock(&vm->lock);
	if (v->state != VCPU_OFFLINE || vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return -KEEL_EBUSY;
	}
	v->state = VCPU_RUNNABLE;	/* claimed: a second start is refused */
	spin_unlock(&vm->lock);

	ret = vcpu_setup(v, pick_start_cpu(vm, id), rip, rsp, arg);
	if (!ret)
		ret = sched_vcpu_start(v);
	if (ret) {
		vendor->vcpu_destroy(v);
		v->state = VCPU_OFFLINE;
		return ret == -KEEL_ENOMEM ? ret : -KEEL_EINVAL;
	}
	log_info("vm %s: vcpu%u started on cpu%u", vm->name, id, v->cpu);
	return 0;
}

int vm_start_waiting_vcpus(struct vm *vm)
{
	for (uint32_t id = 1; id < vm->vcpu_count; id++) {
		struct vcpu *v = &vm->vcpus[id];
		int ret;

		v->state = VCPU_RUNNABLE;	/* its first turn blocks it */
		ret = vcpu_setup(v, pick_start_cpu(vm, id), 0, 0, 0);
		if (!ret)
			ret = sched_vcpu_start(v);
		if (ret) {
			vendor->vcpu_destroy(v);
			v->state = VCPU_OFFLINE;
			return ret;
		}
	}
	return 0;
}

/* Lock held. Room for one more VM; false when the pool has none. */
static bool vms_reserve(void)
{
	unsigned int cap = vms_capacity ? vms_capacity * 2 : VMS_FIRST_CAPACITY;
	struct vm **grown;
	uint64_t pa;

	if (vm_count < vms_capacity)
		return true;
	if (frames_alloc(order_for_bytes(cap * sizeof(*vms)), &pa))
		return false;
	grown = phys_to_virt(pa);
	if (vm_count)
		memcpy(grown, vms, vm_count * sizeof(*vms));
	if (vms)
		frames_free(virt_to_phys(vms),
			    order_for_bytes(vms_capacity * sizeof(*vms)));
	vms = grown;
	vms_capacity = cap;
	return true;
}

/* Lock held. The index of the first VM with an id >= id (vm_count: none). */
static unsigned int vms_lower_bound(uint32_t id)
{
	unsigned int lo = 0, hi = vm_count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (vms[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Room for the extents of mem_max: every extent is at least 2 MiB, so a
 * small VM's fit inline; a big VM's slots come from the frame pool.
 */
static int extents_alloc(struct vm *vm)
{
	uint64_t unit = FRAME_SIZE << FRAME_ORDER_2M;
	uint64_t units = MIN((vm->mem_max + unit - 1) / unit,
			     (uint64_t)VM_MAX_EXTENTS);
	uint64_t pa;

	if (units <= VM_INLINE_EXTENTS) {
		vm->extents = (struct extent_list){ .max = VM_INLINE_EXTENTS,
						    .ext = vm->extent_inline };
		return 0;
	}
	if (frames_alloc(order_for_bytes(units * sizeof(struct vm_extent)), &pa))
		return -KEEL_ENOMEM;
	vm->extents = (struct extent_list){ .max = (unsigned int)units,
					    .ext = phys_to_virt(pa) };
	return 0;
}

static void extents_release(struct vm *vm)
{
	struct extent_list *l = &vm->extents;

	if (l->ext && l->ext != vm->extent_inline)
		frames_free(virt_to_phys(l->ext),
			    order_for_bytes(l->max * sizeof(struct vm_extent)));
	*l = (struct extent_list){ 0 };
}

static struct vm *vm_alloc_slot(void)
{
	unsigned int order = order_for_bytes(sizeof(struct vm));
	struct vm *vm = NULL;
	uint64_t pa;

	if (frames_alloc_zeroed(order, &pa))
		return NULL;
	spin_lock(&vms_lock);
	if (vms_reserve()) {
		vm = phys_to_virt(pa);
		vm->id = next_vm_id++;
		vms[vm_count++] = vm;
	}
	spin_unlock(&vms_lock);
	if (!vm)
		frames_free(pa, order);
	return vm;
}

static void vm_release_slot(struct vm *vm)
{
	unsigned int i;

	spin_lock(&vms_lock);
	i = vms_lower_bound(vm->id);
	if (i < vm_count && vms[i] == vm) {
		memmove(&vms[i], &vms[i + 1], (vm_count - i - 1) * sizeof(*vms));
		vm_count--;
	}
	spin_unlock(&vms_lock);
	frames_free(virt_to_phys(vm), order_for_bytes(sizeof(struct vm)));
}

/* Where vCPU 0 starts: d->cpu, or the least loaded of its CPUs. */
static uint32_t first_cpu(const struct vm_desc *d, uint64_t mask)
{
	uint32_t cpu = d->cpu;

	if (cpu == VM_DESC_CPU_ANY)
		cpu = sched_least_loaded(mask);		/* spread new VMs */
	if (cpu == SCHED_CPU_NONE)
		cpu = (uint32_t)__builtin_ctzll(mask);
	return cpu;
}

int vm_boot_load(struct vm *vm, const struct boot_module *image,
		 const char **why)
{
	const struct vm_desc *d = &vm->desc;
	uint64_t entry_rip = 0;
	int ret = 0;

	enum image_kind kind = image ?
		image_kind_of(phys_to_virt(image->phys), image->size) :
		IMAGE_OTHER;

	vm->mb_info_gpa = 0;
	vm->linux_params_gpa = 0;
	if (kind == IMAGE_MULTIBOOT && !d->initrd[0]) {
		ret = multiboot_load(vm, d, image, &entry_rip, why);
	} else if (kind == IMAGE_LINUX && !d->module_count) {
		ret = linux_load(vm, d, image, &entry_rip, why);
	} else if (d->module_count) {
		*why = "module= is for Multiboot kernels; this image is none";
		ret = -KEEL_EINVAL;
	} else if (d->initrd[0]) {
		*why = "initrd= is for Linux kernels; this image is none";
		ret = -KEEL_EINVAL;
	} else if (image) {
		ret = keel_elf_load(vm, image, &entry_rip, why);
	} else if (d->entry_rip >= KEEL_GUEST_IMAGE_MIN &&
		   d->entry_rip < vm->mem_bytes) {
		entry_rip = d->entry_rip;	/* raw: VM_LOAD brings the code */
	} else {
		*why = "a raw VM's entry must lie inside its memory, above 1 MiB";
		ret = -KEEL_EINVAL;
	}
	if (ret)
		return ret;
	/* an unmodified kernel starts its other vCPUs as on a PC */
	vm->aps_sipi = vm->mb_info_gpa || vm->linux_params_gpa;
	/*
	 * a Multiboot or Linux kernel's were written by its loader; it finds
	 * its machine in ACPI tables, as on a PC
	 */
	ret = vm->aps_sipi ? acpi_tables_load(vm) :
			     keel_boot_structures(vm, d);
	if (ret) {
		*why = "the VM's memory is too small for its boot structures";
		return ret;
	}

	/* all of them: the management VM may add vCPUs later */
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		vm->vcpus[i] = (struct vcpu){ .vm = vm, .id = i,
					      .state = VCPU_OFFLINE };
	ret = vcpu_setup(&vm->vcpus[0], vm->first_cpu, entry_rip,
			 vm->mem_bytes, GUEST_START_INFO_GPA);
	if (ret)
		*why = ret == -KEEL_ENOMEM ?
		       "no memory for the vCPU's control structure" :
		       "its prio=, slice= or cpus= is out of range";
	return ret;
}

int vm_create(const struct vm_desc *d, const struct boot_module *image,
	      uint64_t map_now, struct vm **out, const char **why)
{
	uint64_t mask = vm_desc_cpus(d, vm_online_cpus());
	uint32_t cpu = first_cpu(d, mask);
	struct vm *vm;
	int ret;

	/* vm_desc_check said so */
	DEBUG_ASSERT(cpu < cpu_count && cpu < SCHED_MAX_CPUS &&
		     cpus[cpu].virt_enabled && (mask >> cpu & 1));
	vm = vm_alloc_slot();
	if (!vm) {
		*why = "no free VM slot or no memory for the VM's state";
		return -KEEL_ENOMEM;
	}
	vm->desc = *d;
	strlcpy(vm->name, d->name, sizeof(vm->name));
	strlcpy(vm->image, d->image, sizeof(vm->image));
	vm->mgmt = d->role == VM_ROLE_MGMT;
	vm->mem_target = d->mem;
	vm->mem_max = vm_desc_mem_max(d);
	vm->vcpu_count = d->vcpus;
	vm->cpus = mask;
	vm->first_cpu = cpu;
	vm->prio = d->prio;
	vm->slice_ms = d->slice_ms;

	if (vm_devices_init(vm)) {
		*why = "the VM's devices do not fit on its buses";
		ret = -KEEL_ENOSPC;
		goto fail;
	}
	*why = "not enough free memory: lower mem= or start fewer guests";
	ret = extents_alloc(vm);
	if (!ret)
		ret = pt_init(&vm->stage2, vendor->stage2_kind, vendor->stage2_1g(),
		      &frames_pt_memory);
	if (!ret) {
		/* not visible to other CPUs yet (VM_FREE): the claim is free */
		vm_mem_claim(vm);
		ret = vm_grow(vm, MIN(d->mem, map_now), UINT64_MAX);
		vm_mem_unclaim(vm);
	}
	if (ret)
		goto fail;

	if (guest_mem_audit(vm)) {
		*why = "stage-2 audit failed: a mapping points outside the VM's memory";
		ret = -KEEL_EFAULT;
		goto fail;
	}
	log_debug("vm %s: stage-2 tables: %lu KiB for %lu MiB", vm->name,
		  (uint64_t)(vm->stage2.table_count * PT_PAGE_4K / KIB),
		  vm->mem_bytes / MIB);
	ret = vm_boot_load(vm, image, why);
	if (ret)
		goto fail;
	vm->state = VM_CREATED;
	*out = vm;
	return 0;

fail:
	vm_free(vm);
	return ret;
}

struct vm *vm_restart_take(void)
{
	struct vm *found = NULL;

	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < vm_count && !found; i++) {
		struct vm *vm = vms[i];

		if (vm && !vm->gone && !vm->restarting &&
		    __atomic_load_n(&vm->restart_pending, __ATOMIC_ACQUIRE)) {
			vm->restarting = true;
			found = vm;
		}
	}
	spin_unlock(&vms_lock);
	return found;
}

void vm_restart_give_back(struct vm *vm, bool done)
{
	spin_lock(&vms_lock);
	vm->restarting = false;
	if (done && __atomic_exchange_n(&vm->restart_pending, false,
					__ATOMIC_ACQ_REL))
		vm_restart_requested_done();
	spin_unlock(&vms_lock);
}

bool vm_restart_fence(struct vm *vm)
{
	bool fenced;

	spin_lock(&vms_lock);
	fenced = !vm->restarting;
	if (fenced) {
		vm->gone = true;
		if (__atomic_exchange_n(&vm->restart_pending, false,
					__ATOMIC_ACQ_REL))
			vm_restart_requested_done();
	}
	spin_unlock(&vms_lock);
	return fenced;
}

struct vm *vm_find(uint32_t id)
{
	struct vm *found = NULL;
	unsigned int i;

	spin_lock(&vms_lock);
	i = vms_lower_bound(id);
	if (i < vm_count && vms[i]->id == id)
		found = vms[i];
	spin_unlock(&vms_lock);
	return found;
}

struct vm *vm_find_name(const char *name)
{
	struct vm *found = NULL;

	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < vm_count && !found; i++)
		if (!strcmp(vms[i]->name, name))
			found = vms[i];
	spin_unlock(&vms_lock);
	return found;
}

unsigned int vm_ids_from(uint32_t first, uint32_t *ids, unsigned int max)
{
	unsigned int i, n;

	spin_lock(&vms_lock);
	i = vms_lower_bound(first);
	n = vm_count - i;
	for (unsigned int k = 0; k < n && k < max; k++)
		ids[k] = vms[i + k]->id;
	spin_unlock(&vms_lock);
	return n;
}

unsigned int vm_ids(uint32_t *ids, unsigned int max)
{
	return vm_ids_from(0, ids, max);
}

unsigned int vm_count_live(void)
{
	return __atomic_load_n(&vm_count, __ATOMIC_RELAXED);
}

uint64_t vm_online_cpus(void)
{
	uint64_t mask = 0;

	for (unsigned int c = 0; c < cpu_count && c < SCHED_MAX_CPUS; c++)
		if (cpus[c].virt_enabled)
			mask |= 1ull << c;
	return mask;
}

void vm_free(struct vm *vm)
{
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		vendor->vcpu_destroy(&vm->vcpus[i]);
	vm_free_memory(vm);
	extents_release(vm);
	vm_release_slot(vm);
}
