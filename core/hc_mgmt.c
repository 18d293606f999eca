// SPDX-License-Identifier: MIT
/*
 * The management calls (docs/hypercalls.md §4.8). core/hc_dispatch.c has
 * already refused callers without the management capability. Every
 * argument is checked (core/hc_check.c) before anything changes; guest
 * memory is copied once into hypervisor memory, then validated.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/reboot.h>
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <base/log.h>
#include <core/dev/vuart.h>
#include <core/hc_check.h>
#include <core/hypercall.h>
#include <core/load/elf.h>
#include <core/load/multiboot_parse.h>
#include <core/main.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <keel/boot_info.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>
#include <sched/sched.h>

#define LOAD_CHUNK 4096

/* One bounce buffer for ring reads: the rings are too big for a stack. */
static char ring_buf[sizeof(struct keel_chunk) + KEEL_LOG_RING];
static struct spinlock ring_buf_lock = SPINLOCK_INIT;

static struct vm *target(uint64_t id)
{
	struct vm *vm = id <= UINT32_MAX ? vm_find((uint32_t)id) : NULL;

	return vm && vm->state != VM_FREE ? vm : NULL;
}

/* A VM the caller may change: not itself, not one being destroyed. */
static int64_t changeable(struct vcpu *v, uint64_t id, struct vm **out)
{
	struct vm *vm = target(id);

	if (!vm)
		return -KEEL_ENOENT;
	if (vm == v->vm)
		return -KEEL_EPERM;
	if (vm->state == VM_DESTROYING)
		return -KEEL_EBUSY;
	*out = vm;
	return 0;
}

int64_t hc_host_info(struct vcpu *v)
{
	struct keel_host_info info;

	memset(&info, 0, sizeof(info));
	info.vendor = vendor->kind == VENDOR_SVM ? KEEL_VENDOR_SVM :
		      KEEL_VENDOR_VMX;
	for (unsigned int i = 0; i < cpu_count; i++)
		info.cpus += cpus[i].virt_enabled;
	info.abi_version = KEEL_ABI_VERSION;
	info.tsc_khz = (uint32_t)(tsc_hz / 1000);
	info.mem_total = frames_total_bytes();
	info.mem_free = frames_free_bytes();
	info.vm_count = vm_count_live();
	info.uptime_ns = clock_ns();
	strlcpy(info.version, KEEL_VERSION, sizeof(info.version));
	return hc_copy_out(v, v->regs.rdi, v->regs.rsi, &info, sizeof(info));
}

/* Whether `create` can use it: the checks vm_create's loader makes. */
static bool module_is_image(const struct boot_module *m)
{
	struct elf_image img;
	const char *why;

	return !elf_parse(phys_to_virt(m->phys), m->size, &img, &why) &&
	       img.paddr_lo >= KEEL_GUEST_IMAGE_MIN;
}

int64_t hc_module_info(struct vcpu *v)
{
	const struct boot_module *m;
	struct keel_module_info info;
	enum image_kind kind;

	if (v->regs.rdi > UINT32_MAX)
		return -KEEL_ENOENT;
	m = boot_module_at((uint32_t)v->regs.rdi);
	if (!m)
		return -KEEL_ENOENT;
	memset(&info, 0, sizeof(info));
	strlcpy(info.name, m->name, sizeof(info.name));
	info.size = m->size;
	kind = image_kind_of(phys_to_virt(m->phys), m->size);
	if (kind == IMAGE_MULTIBOOT)
		info.kind = KEEL_MODULE_MULTIBOOT;
	else if (kind == IMAGE_LINUX)
		info.kind = KEEL_MODULE_LINUX;
	else
		info.kind = module_is_image(m) ? KEEL_MODULE_ELF : 0;
	return hc_copy_out(v, v->regs.rsi, v->regs.rdx, &info, sizeof(info));
}

/*
 * Before any work (§4.8): a module or initrd that names no boot module is
 * -ENOENT, as a missing image is; modules for an image that is not a
 * Multiboot kernel, an initrd for one that is not a Linux kernel, are
 * -EINVAL (vm_create would refuse them after mapping memory).
 */
static int check_modules(const struct vm_desc *d,
			 const struct boot_module *image)
{
	enum image_kind kind;

	for (uint32_t i = 0; i < d->module_count; i++) {
		if (!boot_module_find(d->modules[i])) {
			log_warn("vm %s: cannot create: module %s names no boot "
				 "module", d->name, d->modules[i]);
			return -KEEL_ENOENT;
		}
	}
	if (d->initrd[0] && !boot_module_find(d->initrd)) {
		log_warn("vm %s: cannot create: initrd %s names no boot "
			 "module", d->name, d->initrd);
		return -KEEL_ENOENT;
	}
	kind = image ? image_kind_of(phys_to_virt(image->phys), image->size) :
		       IMAGE_OTHER;
	if (d->module_count && kind != IMAGE_MULTIBOOT) {
		log_warn("vm %s: cannot create: module= is for Multiboot "
			 "kernels; image %s is none", d->name, d->image);
		return -KEEL_EINVAL;
	}
	if (d->initrd[0] && kind != IMAGE_LINUX) {
		log_warn("vm %s: cannot create: initrd= is for Linux "
			 "kernels; image %s is none", d->name, d->image);
		return -KEEL_EINVAL;
	}
	return 0;
}

int64_t hc_vm_create(struct vcpu *v)
{
	struct keel_vm_config c;
	struct vm_desc d;
	const struct boot_module *image = NULL;
	struct vm *vm;
	char why[VM_DESC_WHY_LEN];
	const char *fail;
	int ret;

	ret = hc_check_struct_len(v->regs.rsi, sizeof(c));
	if (!ret)
		ret = guest_mem_read(v->vm, v->regs.rdi, &c, sizeof(c));
	if (ret)
		return ret;
	/* validated after the copy: the guest cannot change it under us */
	ret = hc_check_vm_config(&c, vm_online_cpus(), &d, why, sizeof(why));
	if (ret) {
		log_warn("vm create refused: %s", why);
		return ret;
	}
	if (vm_find_name(d.name))
		return -KEEL_EEXIST;
	if (d.entry == KEEL_ENTRY_ELF) {
		image = boot_module_find(d.image);
		if (!image)
			return -KEEL_ENOENT;
	}
	ret = check_modules(&d, image);
	if (ret)
		return ret;
	if (d.mem > frames_free_bytes())
		return -KEEL_ENOMEM;
	/* bounded work: the rest is mapped by VM_SET_MEM before VM_START */
	ret = vm_create(&d, image, KEEL_WORK_BUDGET, &vm, &fail);
	if (ret) {
		log_warn("vm %s: cannot create: %s", d.name, fail);
		return ret == -KEEL_ENOEXEC ? -KEEL_EINVAL :
		       ret == -KEEL_EFAULT ? -KEEL_EINVAL : ret;
	}
	log_info("vm %s: created (id %u, %lu MiB, max %lu MiB, %u vCPUs, image %s)",
		 vm->name, vm->id, vm->mem_bytes / MIB, vm->mem_max / MIB,
		 vm->vcpu_count, image ? d.image : "raw");
	return vm->id;
}

int64_t hc_vm_load(struct vcpu *v)
{
	uint64_t dst = v->regs.rsi, src = v->regs.rdx, len = v->regs.rcx;
	char chunk[LOAD_CHUNK];
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	if (ret)
		return ret;
	if (vm->state != VM_CREATED)
		return -KEEL_EBUSY;
	ret = hc_check_load(dst, len, vm->mem_bytes);
	if (!ret)
		ret = hc_check_buffer(src, len);
	if (!ret)	/* all of the source is checked before anything moves */
		ret = guest_mem_check(v->vm, src, len);
	for (uint64_t done = 0; !ret && done < len; done += LOAD_CHUNK) {
		uint64_t n = MIN(len - done, (uint64_t)LOAD_CHUNK);

		ret = guest_mem_read(v->vm, src + done, chunk, n);
		if (!ret)
			ret = guest_mem_write(vm, dst + done, chunk, n);
	}
	return ret;
}

int64_t hc_vm_start(struct vcpu *v)
{
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	return ret ? ret : vm_start(vm);
}

int64_t hc_vm_pause(struct vcpu *v)
{
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	return ret ? ret : vm_pause(vm);
}

int64_t hc_vm_resume(struct vcpu *v)
{
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	return ret ? ret : vm_resume(vm);
}

int64_t hc_vm_destroy(struct vcpu *v)
{
	struct vm *vm = target(v->regs.rdi);

	if (!vm)
		return -KEEL_ENOENT;
	if (vm == v->vm)
		return -KEEL_EPERM;
	return vm_destroy(vm);
}

int64_t hc_vm_list(struct vcpu *v)
{
	uint32_t ids[KEEL_VM_LIST_MAX];
	uint64_t max = v->regs.rsi, first = v->regs.rdx;
	unsigned int n;
	int ret;

	if (max > KEEL_VM_LIST_MAX)
		return -KEEL_E2BIG;
	if (first > UINT32_MAX)
		return 0;	/* no id is that big */
	n = vm_ids_from((uint32_t)first, ids, KEEL_VM_LIST_MAX);
	ret = hc_check_buffer(v->regs.rdi, max * sizeof(uint32_t));
	if (!ret && max)
		ret = guest_mem_write(v->vm, v->regs.rdi, ids,
				      MIN((uint64_t)n, max) * sizeof(uint32_t));
	return ret ? ret : (int64_t)n;
}

int64_t hc_vm_info(struct vcpu *v)
{
	struct keel_vm_info info;
	struct vm *vm = target(v->regs.rdi);

	if (!vm)
		return -KEEL_ENOENT;
	hc_fill_vm_info(vm, &info);
	return hc_copy_out(v, v->regs.rsi, v->regs.rdx, &info, sizeof(info));
}

/* The ABI's vCPU state from the hypervisor's (§4.6). */
static uint32_t abi_vcpu_state(const struct vcpu *x)
{
	switch (x->state) {
	case VCPU_RUNNABLE:
		return x->parked || x->vm->paused ? KEEL_VCPU_PAUSED :
		       KEEL_VCPU_RUNNABLE;
	case VCPU_BLOCKED:
		return KEEL_VCPU_BLOCKED;
	case VCPU_STOPPED:
		return KEEL_VCPU_STOPPED;
	default:
		return KEEL_VCPU_OFFLINE;
	}
}

int64_t hc_vcpu_stats(struct vcpu *v)
{
	struct keel_vcpu_stats st;
	struct vm *vm = target(v->regs.rdi);
	const struct vcpu *x;

	if (!vm)
		return -KEEL_ENOENT;
	if (v->regs.rsi >= VM_MAX_VCPUS)
		return -KEEL_EINVAL;
	x = &vm->vcpus[v->regs.rsi];
	memset(&st, 0, sizeof(st));
	st.id = (uint32_t)v->regs.rsi;
	st.state = abi_vcpu_state(x);
	st.cpu = x->stats.entries ? x->stats.last_cpu : x->cpu;
	st.run_ns = x->se.run_ns;
	st.wait_ns = x->se.wait_ns;
	st.switches = x->se.switches;
	st.affinity = x->se.affinity;
	_Static_assert(EXIT_REASON_COUNT <= KEEL_EXIT_REASONS, "ABI exits");
	for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++)
		st.exits[r] = x->stats.exits[r];
	return hc_copy_out(v, v->regs.rdx, v->regs.rcx, &st, sizeof(st));
}

/* VM_SET_MEM's work, under vm's memory claim. */
static int64_t set_mem_claimed(struct vm *vm, uint64_t target_bytes,
			       uint64_t flags)
{
	int64_t ret;

	if (vm->state == VM_HALTED || vm->state == VM_STOPPED ||
	    vm->state == VM_OFF || vm->state == VM_DESTROYING)
		return -KEEL_EBUSY;
	ret = hc_check_mem_target(target_bytes, vm->mem_max, flags);
	if (ret)
		return ret;
	vm->mem_target = target_bytes;
	if (target_bytes > vm->mem_bytes) {
		ret = vm_grow(vm, target_bytes, KEEL_WORK_BUDGET);
		if (ret) {
			vm->mem_target = vm->mem_bytes;
			log_warn("vm %s: out of memory growing to %lu MiB; it has %lu MiB",
				 vm->name, target_bytes / MIB, vm->mem_bytes / MIB);
			return ret;
		}
		if (vm->mem_bytes == target_bytes)
			log_info("vm %s: memory grown to %lu MiB", vm->name,
				 vm->mem_bytes / MIB);
		return (int64_t)(target_bytes - vm->mem_bytes);
	}
	if (target_bytes < vm->mem_bytes && (flags & KEEL_MEM_FORCE)) {
		uint64_t top = vm->mem_bytes;

		ret = vm_shrink(vm, target_bytes, KEEL_WORK_BUDGET);
		if (ret)
			return ret;
		log_warn("vm %s: took back %#lx-%#lx (guest did not release it); now %lu MiB",
			 vm->name, vm->mem_bytes, top - 1, vm->mem_bytes / MIB);
	}
	return (int64_t)(vm->mem_bytes - MIN(vm->mem_bytes, target_bytes));
}

int64_t hc_vm_set_mem(struct vcpu *v)
{
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	if (ret)
		return ret;
	if (!vm_mem_claim(vm))
		return HC_RETRY;	/* a release or destroy is under way */
	ret = set_mem_claimed(vm, v->regs.rsi, v->regs.rdx);
	vm_mem_unclaim(vm);
	return ret;
}

int64_t hc_vm_set_vcpus(struct vcpu *v)
{
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	if (ret)
		return ret;
	if (v->regs.rsi < 1 || v->regs.rsi > KEEL_MAX_VCPUS)
		return -KEEL_EINVAL;
	return vm_set_vcpus(vm, (uint32_t)v->regs.rsi);
}

int64_t hc_vcpu_pin(struct vcpu *v)
{
	struct vm *vm;
	int64_t ret = changeable(v, v->regs.rdi, &vm);

	if (ret)
		return ret;
	if (v->regs.rsi >= KEEL_MAX_VCPUS)
		return -KEEL_EINVAL;
	ret = hc_check_cpu_mask(v->regs.rdx, vm_online_cpus());
	return ret ? ret : vm_pin_vcpu(vm, (uint32_t)v->regs.rsi, v->regs.rdx);
}

int64_t hc_vm_set_sched(struct vcpu *v)
{
	struct vm *vm = target(v->regs.rdi);
	int64_t ret;

	if (!vm)
		return -KEEL_ENOENT;
	if (vm->state == VM_DESTROYING)
		return -KEEL_EBUSY;
	ret = hc_check_sched(v->regs.rsi, v->regs.rdx);
	return ret ? ret : vm_set_sched(vm, (uint32_t)v->regs.rsi,
					(uint32_t)v->regs.rdx);
}

typedef size_t (*ring_read_fn)(void *ctx, uint64_t *from, uint64_t *head,
			       char *buf, size_t len);

/* CONSOLE_READ and LOG_READ: a keel_chunk header, then the bytes. */
static int64_t read_ring(struct vcpu *v, ring_read_fn read, void *ctx,
			 uint64_t pos, uint64_t gpa, uint64_t len, uint64_t max)
{
	struct keel_chunk *hdr = (struct keel_chunk *)ring_buf;
	int64_t ret = hc_check_chunk(gpa, len, max);
	size_t n;

	if (ret)
		return ret;
	spin_lock(&ring_buf_lock);
	hdr->from = pos;
	n = read(ctx, &hdr->from, &hdr->head, ring_buf + sizeof(*hdr),
		 len - sizeof(*hdr));
	ret = guest_mem_write(v->vm, gpa, ring_buf, sizeof(*hdr) + n);
	spin_unlock(&ring_buf_lock);
	return ret ? ret : (int64_t)n;
}

static size_t console_ring(void *ctx, uint64_t *from, uint64_t *head,
			   char *buf, size_t len)
{
	return vm_console_read(ctx, from, head, buf, len);
}

static size_t log_ring(void *ctx, uint64_t *from, uint64_t *head, char *buf,
		       size_t len)
{
	return log_ring_read_from(from, head, buf, len);
}

int64_t hc_console_read(struct vcpu *v)
{
	struct vm *vm = target(v->regs.rdi);

	if (!vm)
		return -KEEL_ENOENT;
	return read_ring(v, console_ring, vm, v->regs.rsi, v->regs.rdx,
			 v->regs.rcx, KEEL_CONSOLE_RING);
}

int64_t hc_console_input(struct vcpu *v)
{
	uint8_t bytes[KEEL_CONSOLE_INPUT_MAX];
	uint64_t len = v->regs.rdx;
	struct vm *vm = target(v->regs.rdi);
	int ret;

	if (!vm)
		return -KEEL_ENOENT;
	if (len > KEEL_CONSOLE_INPUT_MAX)
		return -KEEL_E2BIG;
	ret = hc_check_buffer(v->regs.rsi, len);
	if (!ret)
		ret = guest_mem_read(v->vm, v->regs.rsi, bytes, len);
	return ret ? ret : (int64_t)vuart_receive(vm, bytes, len);
}

int64_t hc_log_read(struct vcpu *v)
{
	return read_ring(v, log_ring, NULL, v->regs.rdi, v->regs.rsi,
			 v->regs.rdx, KEEL_LOG_RING);
}

int64_t hc_host_reboot(struct vcpu *v)
{
	log_warn("reboot requested by the management VM %s", v->vm->name);
	machine_reboot();
}
