// SPDX-License-Identifier: MIT
/*
 * A VM's life after vm_create: start, pause, resume, destroy, and changes
 * to its vCPUs (count, affinity, scheduling). docs/hypercalls.md §4.8
 * says what each promises; the scheduler (sched/sched.h) does the moving.
 */
#include <arch/cpu.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/main.h>
#include <core/vm_desc.h>
#include <core/stage2_tlb.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/util.h>
#include <sched/sched.h>

static bool vcpu_started(const struct vcpu *v)
{
	return v->state != VCPU_OFFLINE;
}

int vm_start(struct vm *vm)
{
	struct vcpu *v = &vm->vcpus[0];

	uint64_t mem = vm->mem_bytes;

	if (vm->mem_bytes < vm->mem_target)
		return -KEEL_EBUSY;	/* VM_SET_MEM has more to map first */
	/* the guest learns its final size (it may have grown since create) */
	if (guest_mem_write(vm, GUEST_START_INFO_GPA +
			    offsetof(struct keel_start_info, mem_bytes),
			    &mem, sizeof(mem)))
		return -KEEL_EBUSY;
	spin_lock(&vm->lock);
	if (vm->state != VM_CREATED) {
		spin_unlock(&vm->lock);
		return -KEEL_EBUSY;
	}
	vm->state = VM_RUNNING;
	vm->stop_log_mark = 0;	/* a restart's next stop reports afresh */
	/*
	 * Its TSC starts at 0 now, on every CPU (the host TSCs are in step):
	 * vCPUs started later take the same offset (vcpu_setup).
	 */
	vm->tsc_offset = 0 - rdtsc();
	v->tsc_offset = vm->tsc_offset;
	v->state = VCPU_RUNNABLE;
	vm->vcpus_awake = 1;		/* the others wait for STARTUP */
	spin_unlock(&vm->lock);
	vm_started();
	/* the others first: vCPU 0 may send them INIT at once */
	if ((vm->aps_sipi && vm_start_waiting_vcpus(vm)) ||
	    sched_vcpu_start(v)) {
		vm_stop(vm, VM_STOPPED, "its vCPU could not be scheduled");
		vm_finished();
		return -KEEL_EINVAL;
	}
	/* before a management VM takes the line: the bench reads it there */
	log_debug("vm %s: its TSC is 0 at host TSC %lu", vm->name,
		  0 - vm->tsc_offset);
	if (vm->mgmt && !console_owner)
		vm_take_console(vm);
	log_info("vm %s: started on cpu%u", vm->name, v->cpu);
	return 0;
}

int vm_pause(struct vm *vm)
{
	bool all_off;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return -KEEL_EBUSY;
	}
	vm->paused = true;
	vm->state = VM_PAUSED;
	spin_unlock(&vm->lock);
	/* running vCPUs are kicked out; bounded by their CPUs' next deadline */
	do {
		all_off = true;
		for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
			if (vcpu_started(&vm->vcpus[i]) &&
			    !sched_vcpu_pause(&vm->vcpus[i]))
				all_off = false;
		if (!all_off)
			cpu_relax();
	} while (!all_off);
	log_info("vm %s: paused", vm->name);
	return 0;
}

int vm_resume(struct vm *vm)
{
	spin_lock(&vm->lock);
	if (vm->state != VM_PAUSED) {
		spin_unlock(&vm->lock);
		return -KEEL_EBUSY;
	}
	vm->state = VM_RUNNING;
	vm->paused = false;
	spin_unlock(&vm->lock);
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (vcpu_started(&vm->vcpus[i]))
			sched_vcpu_resume(&vm->vcpus[i]);
	log_info("vm %s: resumed", vm->name);
	return 0;
}

/* Stops vCPU v for good; true once no CPU runs or holds it. */
static bool vcpu_take_offline(struct vcpu *v)
{
	if (!vcpu_started(v))
		return true;
	if (v->state != VCPU_STOPPED) {
		spin_lock(&v->vm->lock);
		v->state = VCPU_STOPPED;
		spin_unlock(&v->vm->lock);
	}
	if (!sched_vcpu_quiesce(v))
		return false;
	/* its own exit (hlt, sleep) may have overwritten STOPPED meanwhile */
	v->state = VCPU_STOPPED;
	return true;
}

int64_t vm_destroy(struct vm *vm)
{
	bool all_off = true;
	uint64_t left;
	int ret;

	spin_lock(&vm->lock);
	if (vm->state != VM_DESTROYING) {
		vm->state = VM_DESTROYING;
		vm->paused = false;
		spin_unlock(&vm->lock);
		log_info("vm %s: destroying (%lu MiB)", vm->name,
			 vm->mem_bytes / MIB);
	} else {
		spin_unlock(&vm->lock);
	}
	/* a restart under way finishes first (it sees DESTROYING and ends) */
	if (!vm_restart_fence(vm))
		return (int64_t)MAX(vm->mem_bytes, 1ull);	/* call again */
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (!vcpu_take_offline(&vm->vcpus[i]))
			all_off = false;
	if (!all_off)
		return (int64_t)MAX(vm->mem_bytes, 1ull);	/* call again */

	/* a VM_SET_MEM begun before the state changed may still run */
	if (!vm_mem_claim(vm))
		return (int64_t)MAX(vm->mem_bytes, 1ull);	/* call again */
	/*
	 * No vCPU runs: no stage-2 translation is in use, but CPUs may
	 * still cache some; vm_shrink's shootdown makes them flush.
	 */
	left = vm->mem_bytes > KEEL_WORK_BUDGET ? vm->mem_bytes - KEEL_WORK_BUDGET : 0;
	ret = vm_shrink(vm, left, KEEL_WORK_BUDGET);
	vm_mem_unclaim(vm);
	if (ret)
		return -KEEL_ENOMEM;
	if (vm->mem_bytes)
		return (int64_t)vm->mem_bytes;
	if (console_owner == vm)
		console_owner = NULL;
	log_info("vm %s: destroyed", vm->name);
	vm_free(vm);
	return 0;
}

/* How soon a CPU looks again at a restart that has to wait. */
#define RESTART_RETRY_NS (1000 * 1000)

static bool destroying(struct vm *vm)
{
	bool yes;

	spin_lock(&vm->lock);
	yes = vm->state == VM_DESTROYING;
	spin_unlock(&vm->lock);
	return yes;
}

/*
 * The VM as it was created, from its image again: every vCPU off its
 * CPU first (false: not yet, call again), then under the memory claim
 * its memory zeroed, its devices reset, the image and boot structures
 * loaded, and started. true when done, or given up (a destroy came, or
 * the image cannot be loaded: the VM stays stopped with the reason).
 */
static bool restart_vm(struct vm *vm)
{
	const struct boot_module *image = boot_module_find(vm->desc.image);
	const char *why = "";
	bool all_off = true;
	int ret = 0;

	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (!vcpu_take_offline(&vm->vcpus[i]))
			all_off = false;
	if (!all_off || !vm_mem_claim(vm))
		return false;
	if (destroying(vm)) {
		vm_mem_unclaim(vm);
		return true;
	}
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		vendor->vcpu_destroy(&vm->vcpus[i]);
	vm_mem_scrub(vm);
	vm->vcpu_count = vm->desc.vcpus;
	vm->vcpu_entry.rip = 0;
	vm->vcpus_awake = 0;
	vm->all_dormant = false;
	vm->paused = false;
	vm_devices_reset(vm);
	if (image)
		ret = vm_boot_load(vm, image, &why);
	else
		why = "its image is no longer a boot module";
	vm_mem_unclaim(vm);
	if (!image || ret) {
		vm_stop(vm, VM_STOPPED, "restart failed: %s", why);
		return true;
	}
	spin_lock(&vm->lock);
	if (vm->state == VM_DESTROYING) {
		spin_unlock(&vm->lock);
		return true;
	}
	vm->state = VM_CREATED;
	spin_unlock(&vm->lock);
	ret = vm_start(vm);
	if (ret)
		vm_stop(vm, VM_STOPPED, "restart failed: it did not start (%d)",
			ret);
	else
		log_info("vm %s: restarted from %s", vm->name, vm->desc.image);
	return true;
}

uint64_t vm_restart_poll(unsigned int cpu)
{
	struct vm *vm;
	bool done;

	if (!vm_restarts_requested())
		return UINT64_MAX;
	vm = vm_restart_take();
	if (!vm)
		return RESTART_RETRY_NS;	/* another CPU has it */
	done = restart_vm(vm);
	vm_restart_give_back(vm, done);
	return RESTART_RETRY_NS;
}

/* The CPU a new vCPU starts on: its VM's CPUs, round robin. */
static int start_added_vcpu(struct vm *vm, uint32_t id)
{
	struct vcpu *v = &vm->vcpus[id];
	uint64_t rsp = vm->vcpu_entry.stacks +
		       (uint64_t)(id + 1) * vm->vcpu_entry.stack_bytes;

	if (v->state == VCPU_STOPPED) {
		/* an earlier vCPU of this id went offline: start afresh */
		vendor->vcpu_destroy(v);
		*v = (struct vcpu){ .vm = vm, .id = id, .state = VCPU_OFFLINE };
	}
	return vm_start_vcpu(vm, id, vm->vcpu_entry.rip, rsp, id);
}

int vm_set_vcpus(struct vm *vm, uint32_t count)
{
	uint32_t old = vm->vcpu_count;
	int ret = 0;

	if (count < 1 || count > VM_MAX_VCPUS)
		return -KEEL_EINVAL;
	if (vm->state != VM_RUNNING)
		return -KEEL_EBUSY;
	if (count > old && !vm->vcpu_entry.rip)
		return -KEEL_EBUSY;
	if (count < old) {
		/* the highest go first; each is off its CPU before the next */
		for (uint32_t id = old - 1; id >= count; id--)
			while (!vcpu_take_offline(&vm->vcpus[id]))
				cpu_relax();
		vm->vcpu_count = count;
		log_info("vm %s: %u vCPUs (took %u offline)", vm->name, count,
			 old - count);
		return 0;
	}
	vm->vcpu_count = count;
	for (uint32_t id = old; id < count && !ret; id++) {
		ret = start_added_vcpu(vm, id);
		if (ret)
			vm->vcpu_count = id;	/* the ones before it run */
	}
	log_info("vm %s: %u vCPUs", vm->name, vm->vcpu_count);
	return ret;
}

int vm_pin_vcpu(struct vm *vm, uint32_t id, uint64_t mask)
{
	struct vcpu *v;
	int ret;

	if (id >= VM_MAX_VCPUS || !mask || (mask & ~vm_online_cpus()))
		return -KEEL_EINVAL;
	v = &vm->vcpus[id];
	if (id >= vm->vcpu_count)
		return -KEEL_EINVAL;
	if (id == 0 && vm->state == VM_CREATED) {
		/* not started yet: it starts inside the new mask */
		v->se.affinity = mask;
		if (!(mask >> v->cpu & 1))
			v->cpu = (uint32_t)__builtin_ctzll(mask);
		return 0;
	}
	if (!vcpu_started(v) || v->state == VCPU_STOPPED)
		return -KEEL_EBUSY;	/* nothing to pin until it runs */
	ret = sched_vcpu_set_affinity(v, mask);
	if (!ret)
		log_info("vm %s: vcpu%u pinned to cpus %#lx", vm->name, id, mask);
	return ret;
}

int vm_set_sched(struct vm *vm, uint32_t prio, uint32_t slice_ms)
{
	uint32_t p = prio == KEEL_KEEP ? vm->prio : prio;
	uint32_t s = slice_ms == KEEL_KEEP ? vm->slice_ms : slice_ms;

	if (p > SCHED_PRIO_MAX || s < 1 || s > 100)
		return -KEEL_EINVAL;
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int ret;

		if (!vcpu_started(v) && !(i == 0 && vm->state == VM_CREATED))
			continue;
		ret = i == 0 && vm->state == VM_CREATED ?
		      sched_set_params(&v->se, p, s * SCHED_NS_PER_MS, 0) :
		      sched_vcpu_set_params(v, p, s * SCHED_NS_PER_MS);
		if (ret)
			return ret;
	}
	vm->prio = p;
	vm->slice_ms = s;
	log_info("vm %s: priority %u, slice %u ms", vm->name, p, s);
	return 0;
}

/* VMs with vCPUs that can run, for "all guests have stopped". */
static uint32_t vms_running;

void vm_started(void)
{
	__atomic_add_fetch(&vms_running, 1, __ATOMIC_ACQ_REL);
}

void vm_finished(void)
{
	if (__atomic_sub_fetch(&vms_running, 1, __ATOMIC_ACQ_REL) == 0)
		log_info("all guests have stopped");
}

uint32_t vm_running_count(void)
{
	return __atomic_load_n(&vms_running, __ATOMIC_ACQUIRE);
}
