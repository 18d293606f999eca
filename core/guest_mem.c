// SPDX-License-Identifier: MIT
/* VM creation, memory, stop, console; see core/vm.h. */
#include <stdarg.h>

#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/tsc.h>
#include <arch/x86.h>
#include <core/load/elf.h>
#include <core/hc_check.h>
#include <base/log.h>
#include <arch/vendor.h>
#include <core/dev/vlapic.h>
#include <core/stage2_tlb.h>
#include <core/vm.h>
#include <drivers/uart.h>
#include <keel/abi.h>
#include <lib/format.h>
#include <lib/ring.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>
#include <sched/sched.h>

#define GUEST_STACK_RESERVE (64 * KIB)	/* below the top of memory, for RSP */
#define GUEST_PTE_PRESENT   0x1ull
#define GUEST_PTE_WRITE     0x2ull
#define GUEST_PTE_LARGE     0x80ull
#define GUEST_GDT_CODE64    0x00af9a000000ffffull
#define GUEST_GDT_DATA      0x00cf92000000ffffull
#define GUEST_SEL_CODE      0x08
#define GUEST_SEL_DATA      0x10
#define GUEST_SEL_TSS       0x18
#define GUEST_TSS_LIMIT     0x67
#define TSS_DESC_BUSY64     0x8bull

struct vm *console_owner;
static struct vm *vms[VM_MAX];
static struct spinlock vms_lock = SPINLOCK_INIT;
static uint32_t next_vm_id = 1;
static uint64_t hv_start, hv_end;

void vm_set_hypervisor_range(uint64_t start, uint64_t end)
{
	hv_start = start;
	hv_end = end;
}

static unsigned int order_for_bytes(uint64_t bytes)
{
	unsigned int order = 0;

	while ((FRAME_SIZE << order) < bytes)
		order++;
	return order;
}

/* ---------------------------------------------------------- guest memory */

typedef void (*copy_fn)(void *host, void *buf, size_t len);

static void copy_out(void *host, void *buf, size_t len)
{
	memcpy(buf, host, len);
}

static void copy_in(void *host, void *buf, size_t len)
{
	memcpy(host, buf, len);
}

/*
 * Walks [gpa, gpa+len) through the stage-2 tables page by page: every
 * page must be the VM's RAM (mapped, not MMIO). Checks the whole range
 * before copying anything, so a refused copy has no partial effect.
 */
static int guest_mem_copy_locked(struct vm *vm, uint64_t gpa, void *buf,
				 size_t len, copy_fn copy)
{
	uint64_t pa, page;
	unsigned int perms;

	int ret = hc_check_guest_range(&vm->stage2, vm->mem_bytes, gpa, len);

	if (ret)
		return ret;
	while (len) {
		size_t chunk;

		pt_translate(&vm->stage2, gpa, &pa, &perms, &page);
		chunk = MIN(len, page - (gpa & (page - 1)));
		copy(phys_to_virt(pa), buf, chunk);
		gpa += chunk;
		buf = (uint8_t *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

/* Under mem_lock: a resize on another CPU cannot free the frames mid-copy. */
static int guest_mem_copy(struct vm *vm, uint64_t gpa, void *buf, size_t len,
			  copy_fn copy)
{
	int ret;

	spin_lock(&vm->mem_lock);
	ret = guest_mem_copy_locked(vm, gpa, buf, len, copy);
	spin_unlock(&vm->mem_lock);
	return ret;
}

static void copy_none(void *host, void *buf, size_t len)
{
}

int guest_mem_check(struct vm *vm, uint64_t gpa, size_t len)
{
	return guest_mem_copy(vm, gpa, NULL, len, copy_none);
}

int guest_mem_read(struct vm *vm, uint64_t gpa, void *dst, size_t len)
{
	return guest_mem_copy(vm, gpa, dst, len, copy_out);
}

int guest_mem_write(struct vm *vm, uint64_t gpa, const void *src, size_t len)
{
	return guest_mem_copy(vm, gpa, (void *)src, len, copy_in);
}

/*
 * Scrubs and frees host-physical [hpa, hpa+bytes), a 2 MiB multiple cut
 * from one extent, in the largest buddy blocks that fit.
 */
static void free_frames(uint64_t hpa, uint64_t bytes)
{
	while (bytes) {
		unsigned int order = IS_ALIGNED(hpa, GIB) && bytes >= GIB ?
				     FRAME_ORDER_1G : FRAME_ORDER_2M;
		uint64_t size = FRAME_SIZE << order;

		/* scrubbed before reuse: the next owner must not see our data */
		memset(phys_to_virt(hpa), 0, size);
		frames_free(hpa, order);
		hpa += size;
		bytes -= size;
	}
}

/* Frees the extents above gpa to, at most budget bytes; returns bytes freed. */
static uint64_t free_extents_above(struct vm *vm, uint64_t to, uint64_t budget)
{
	uint64_t freed = 0;

	while (vm->extent_count && freed < budget) {
		struct vm_extent *x = &vm->extents[vm->extent_count - 1];
		uint64_t keep = to > x->gpa ? to - x->gpa : 0;
		uint64_t cut;

		if (keep >= x->bytes)
			break;
		cut = MIN(x->bytes - keep, budget - freed);
		free_frames(x->hpa + x->bytes - cut, cut);
		x->bytes -= cut;
		freed += cut;
		if (!x->bytes)
			vm->extent_count--;
	}
	return freed;
}

static void vm_free_memory(struct vm *vm)
{
	free_extents_above(vm, 0, UINT64_MAX);
	if (vm->stage2.root)
		pt_destroy(&vm->stage2);
}

int vm_grow(struct vm *vm, uint64_t to, uint64_t budget)
{
	bool use_1g = vendor->stage2_1g();
	uint64_t gpa = vm->mem_bytes;
	int ret = 0;

	to = MIN(to, gpa + budget);
	while (gpa < to) {
		unsigned int order = FRAME_ORDER_2M;
		uint64_t hpa, size;

		if (use_1g && IS_ALIGNED(gpa, GIB) && to - gpa >= GIB &&
		    !frames_alloc(FRAME_ORDER_1G, &hpa)) {
			order = FRAME_ORDER_1G;
		} else if (frames_alloc(FRAME_ORDER_2M, &hpa)) {
			return -KEEL_ENOMEM;
		}
		size = FRAME_SIZE << order;
		if (vm->extent_count == VM_MAX_EXTENTS) {
			frames_free(hpa, order);
			return -KEEL_ENOMEM;
		}
		/* zeroed before it is mapped: no data leaks from a previous owner */
		memset(phys_to_virt(hpa), 0, size);
		spin_lock(&vm->mem_lock);
		ret = pt_map(&vm->stage2, gpa, hpa, size, PT_RWX);
		if (!ret) {
			vm->extents[vm->extent_count++] =
				(struct vm_extent){ gpa, hpa, size };
			vm->mem_bytes = gpa + size;
		}
		spin_unlock(&vm->mem_lock);
		if (ret) {
			pt_unmap(&vm->stage2, gpa, size);
			frames_free(hpa, order);
			return ret;
		}
		gpa += size;
	}
	return 0;
}

int vm_shrink(struct vm *vm, uint64_t to, uint64_t budget)
{
	uint64_t top = vm->mem_bytes;
	int ret;

	if (to >= top)
		return 0;
	to = MAX(to, top > budget ? top - budget : 0);
	spin_lock(&vm->mem_lock);
	ret = pt_unmap(&vm->stage2, to, top - to);
	if (!ret)
		vm->mem_bytes = to;
	spin_unlock(&vm->mem_lock);
	if (ret)
		return ret;
	/* no CPU may still reach the frames through a stale translation */
	stage2_shootdown(vm);
	free_extents_above(vm, to, UINT64_MAX);
	return 0;
}

struct audit {
	const struct vm *vm;
	unsigned int extent;
};

/* Every stage-2 leaf must map the VM's own frames, never the hypervisor. */
static int audit_leaf(void *arg, uint64_t gpa, uint64_t hpa, uint64_t size,
		      unsigned int perms)
{
	struct audit *a = arg;
	const struct vm *vm = a->vm;

	if (hpa < hv_end && hpa + size > hv_start)
		return -KEEL_EFAULT;
	while (a->extent < vm->extent_count) {
		const struct vm_extent *x = &vm->extents[a->extent];
		uint64_t xsize = x->bytes;

		if (gpa >= x->gpa + xsize) {
			a->extent++;
			continue;
		}
		if (gpa < x->gpa || gpa + size > x->gpa + xsize ||
		    hpa != x->hpa + (gpa - x->gpa))
			return -KEEL_EFAULT;
		return 0;
	}
	return -KEEL_EFAULT;
}

/* ------------------------------------------------------------ boot setup */

static int write_u64(struct vm *vm, uint64_t gpa, uint64_t v)
{
	return guest_mem_write(vm, gpa, &v, sizeof(v));
}

static int build_boot_structures(struct vm *vm, const struct config_vm *cfg)
{
	struct keel_start_info si;
	uint64_t tss = GUEST_TSS_GPA;
	int ret = 0;

	memset(&si, 0, sizeof(si));
	si.magic = KEEL_START_MAGIC;
	si.version = KEEL_ABI_VERSION;
	si.flags = (vendor->hypercall_features & KEEL_FEATURE_VMMCALL) ?
		   KEEL_START_VMMCALL : 0;
	si.mem_bytes = vm->mem_bytes;
	si.vcpu_id = 0;
	si.vcpu_count = vm->vcpu_count;
	si.vm_id = vm->id;
	si.tsc_khz = (uint32_t)(tsc_hz / 1000);
	strlcpy(si.name, vm->name, sizeof(si.name));
	strlcpy(si.args, cfg->args, sizeof(si.args));
	si.hv_phys_start = hv_start;
	si.hv_phys_end = hv_end;
	ret |= guest_mem_write(vm, GUEST_START_INFO_GPA, &si, sizeof(si));

	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_CODE, GUEST_GDT_CODE64);
	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_DATA, GUEST_GDT_DATA);
	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_TSS,
			 GUEST_TSS_LIMIT | ((tss & 0xffffff) << 16) |
			 (TSS_DESC_BUSY64 << 40) | (((tss >> 24) & 0xff) << 56));
	ret |= write_u64(vm, GUEST_GDT_GPA + GUEST_SEL_TSS + 8, tss >> 32);

	/* identity map of the first 4 GiB with 2 MiB pages (§5) */
	ret |= write_u64(vm, GUEST_PML4_GPA,
			 GUEST_PDPT_GPA | GUEST_PTE_PRESENT | GUEST_PTE_WRITE);
	for (unsigned int d = 0; d < GUEST_PD_COUNT; d++) {
		uint64_t pd = GUEST_PD_GPA + d * PT_PAGE_4K;

		ret |= write_u64(vm, GUEST_PDPT_GPA + d * 8,
				 pd | GUEST_PTE_PRESENT | GUEST_PTE_WRITE);
		for (unsigned int e = 0; e < PT_ENTRIES; e++) {
			uint64_t gpa = ((uint64_t)d * PT_ENTRIES + e) * PT_PAGE_2M;

			ret |= write_u64(vm, pd + e * 8, gpa | GUEST_PTE_PRESENT |
					 GUEST_PTE_WRITE | GUEST_PTE_LARGE);
		}
	}
	return ret ? -KEEL_EFAULT : 0;
}

static void entry_state(struct vcpu_entry_state *s, uint64_t entry,
			uint64_t rsp, uint64_t rdi)
{
	memset(s, 0, sizeof(*s));
	s->rip = entry;
	s->rsp = rsp;
	s->rflags = RFLAGS_FIXED;
	s->rdi = rdi;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = GUEST_PML4_GPA;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
	s->cs = (struct segment){ GUEST_SEL_CODE, SEG_ATTR_CODE64, 0xffffffff, 0 };
	s->ds = (struct segment){ GUEST_SEL_DATA, SEG_ATTR_DATA, 0xffffffff, 0 };
	s->tr = (struct segment){ GUEST_SEL_TSS, SEG_ATTR_TSS64, GUEST_TSS_LIMIT,
				  GUEST_TSS_GPA };
	s->gdt_base = GUEST_GDT_GPA;
	s->gdt_limit = GUEST_SEL_TSS + 16 - 1;
	s->idt_base = 0;
	s->idt_limit = 0;	/* no IDT: an early exception is a triple fault */
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
	entry_state(&entry, rip, rsp, rdi);
	v->cpu = cpu;
	v->wake_at_ns = UINT64_MAX;
	vlapic_init(v);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rdi = rdi;
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

struct load_ctx {
	struct vm *vm;
};

static int load_segment(void *ctx, uint64_t gpa, const void *bytes, uint64_t len)
{
	struct vm *vm = ((struct load_ctx *)ctx)->vm;
	static const uint8_t zeros[256];

	if (bytes)
		return guest_mem_write(vm, gpa, bytes, len);
	while (len) {
		uint64_t chunk = MIN(len, sizeof(zeros));
		int ret = guest_mem_write(vm, gpa, zeros, chunk);

		if (ret)
			return ret;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

static int load_image(struct vm *vm, const struct boot_module *image,
		      uint64_t *entry, const char **why)
{
	const void *file = phys_to_virt(image->phys);
	struct elf_image img;
	struct load_ctx ctx = { vm };

	if (elf_parse(file, image->size, &img, why))
		return -KEEL_ENOEXEC;
	if (img.paddr_lo < KEEL_GUEST_IMAGE_MIN) {
		*why = "the image's segments start below 1 MiB (guest images load at 0x100000 or above)";
		return -KEEL_ENOEXEC;
	}
	if (img.paddr_hi > vm->mem_bytes - GUEST_STACK_RESERVE) {
		*why = "the image does not fit in the VM's memory: give it more mem=";
		return -KEEL_ENOEXEC;
	}
	if (elf_load(&img, file, load_segment, &ctx)) {
		*why = "the image could not be copied into guest memory";
		return -KEEL_ENOEXEC;
	}
	*entry = img.entry;
	return 0;
}

/* --------------------------------------------------------------- life */

static struct vm *vm_alloc_slot(void)
{
	unsigned int order = order_for_bytes(sizeof(struct vm));
	struct vm *vm = NULL;
	uint64_t pa;

	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < VM_MAX; i++) {
		if (vms[i])
			continue;
		if (frames_alloc_zeroed(order, &pa))
			break;
		vm = phys_to_virt(pa);
		vm->id = next_vm_id++;
		vms[i] = vm;
		break;
	}
	spin_unlock(&vms_lock);
	return vm;
}

static void vm_release_slot(struct vm *vm)
{
	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < VM_MAX; i++)
		if (vms[i] == vm)
			vms[i] = NULL;
	spin_unlock(&vms_lock);
	frames_free(virt_to_phys(vm), order_for_bytes(sizeof(struct vm)));
}

int vm_create(const struct config_vm *cfg, const struct boot_module *image,
	      struct vm **out, const char **why)
{
	struct audit audit;
	struct vm *vm;
	uint64_t entry_rip = 0;
	int ret;

	if (cfg->cpu >= cpu_count || cfg->cpu >= SCHED_MAX_CPUS ||
	    !cpus[cfg->cpu].virt_enabled) {
		*why = "its cpu= names a CPU that is not running: pick one from the boot log";
		return -KEEL_EINVAL;
	}
	vm = vm_alloc_slot();
	if (!vm) {
		*why = "no free VM slot or no memory for the VM's state";
		return -KEEL_ENOMEM;
	}
	strlcpy(vm->name, cfg->name, sizeof(vm->name));
	strlcpy(vm->image, cfg->image, sizeof(vm->image));
	vm->mgmt = cfg->mgmt;
	vm->mem_target = cfg->mem;
	vm->mem_max = MAX(cfg->mem_max, cfg->mem);
	vm->vcpu_count = cfg->vcpus;
	vm->cpus = cfg->cpus & vm_online_cpus() ? cfg->cpus & vm_online_cpus() :
		   cfg->cpus;	/* cpus=all: the CPUs there are */
	vm->first_cpu = cfg->cpu;
	vm->prio = cfg->prio;
	vm->slice_ms = cfg->slice_ms;

	*why = "not enough free memory: lower mem= or start fewer guests";
	ret = pt_init(&vm->stage2, vendor->stage2_kind, vendor->stage2_1g(),
		      &frames_pt_memory);
	if (!ret)
		ret = vm_grow(vm, cfg->mem, UINT64_MAX);
	if (ret)
		goto fail;

	audit = (struct audit){ vm, 0 };
	if (pt_walk(&vm->stage2, audit_leaf, &audit)) {
		*why = "stage-2 audit failed: a mapping points outside the VM's memory";
		ret = -KEEL_EFAULT;
		goto fail;
	}
	log_debug("vm %s: stage-2 tables: %lu KiB for %lu MiB", vm->name,
		  (uint64_t)(vm->stage2.table_count * PT_PAGE_4K / KIB),
		  vm->mem_bytes / MIB);
	if (image) {
		ret = load_image(vm, image, &entry_rip, why);
	} else if (cfg->entry_rip >= KEEL_GUEST_IMAGE_MIN &&
		   cfg->entry_rip < vm->mem_bytes) {
		entry_rip = cfg->entry_rip;	/* raw: VM_LOAD brings the code */
	} else {
		*why = "a raw VM's entry must lie inside its memory, above 1 MiB";
		ret = -KEEL_EINVAL;
	}
	if (ret)
		goto fail;
	ret = build_boot_structures(vm, cfg);
	if (ret) {
		*why = "the VM's memory is too small for its boot structures";
		goto fail;
	}

	/* all of them: the management VM may add vCPUs later */
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		vm->vcpus[i] = (struct vcpu){ .vm = vm, .id = i,
					      .state = VCPU_OFFLINE };
	ret = vcpu_setup(&vm->vcpus[0], cfg->cpu, entry_rip, vm->mem_bytes,
			 GUEST_START_INFO_GPA);
	if (ret) {
		*why = ret == -KEEL_ENOMEM ?
		       "no memory for the vCPU's control structure" :
		       "its prio=, slice= or cpus= is out of range";
		goto fail;
	}
	vm->state = VM_CREATED;
	*out = vm;
	return 0;

fail:
	vm_free(vm);
	return ret;
}

void vm_stop(struct vm *vm, enum vm_state state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	spin_lock(&vm->lock);
	vm->state = state;
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i].state != VCPU_OFFLINE)
			vm->vcpus[i].state = VCPU_STOPPED;
	spin_unlock(&vm->lock);
	if (state == VM_STOPPED)
		log_error("vm %s: %s; vm stopped", vm->name, vm->stop_reason);
	else
		log_info("vm %s: %s", vm->name, vm->stop_reason);
}

/* ------------------------------------------------------------- console */

static void console_flush_line(struct vm *vm)
{
	char out[VM_NAME_LEN + VM_CONSOLE_LINE + 8];
	int n = snprintf(out, sizeof(out), "[%s] %.*s\n", vm->name,
			 (int)vm->line_len, vm->line);

	console_write(out, MIN((size_t)n, sizeof(out) - 1));
	vm->line_len = 0;
}

void vm_console_putc(struct vm *vm, char c)
{
	struct vm *owner = __atomic_load_n(&console_owner, __ATOMIC_ACQUIRE);

	spin_lock(&vm->lock);
	vm->ring[vm->ring_head++ % VM_CONSOLE_RING] = c;
	if (owner) {
		/* the owner's COM1 is the serial line; the others only keep rings */
		if (owner == vm)
			console_putc_raw(c);
	} else if (c == '\n') {
		console_flush_line(vm);
	} else if (c != '\r') {
		/* keep guest escape sequences away from the operator's terminal */
		if ((unsigned char)c < 0x20 && c != '\t')
			c = '?';
		else if ((unsigned char)c >= 0x7f)
			c = '?';
		vm->line[vm->line_len++] = c;
		if (vm->line_len == VM_CONSOLE_LINE)
			console_flush_line(vm);
	}
	spin_unlock(&vm->lock);
}

size_t vm_console_read(struct vm *vm, uint64_t *from, uint64_t *head,
		       char *buf, size_t len)
{
	size_t n;

	spin_lock(&vm->lock);
	*head = vm->ring_head;
	n = ring_copy_out(vm->ring, VM_CONSOLE_RING, vm->ring_head, from, buf, len);
	spin_unlock(&vm->lock);
	return n;
}

size_t vm_console_input(struct vm *vm, const uint8_t *bytes, size_t len)
{
	size_t n = 0;

	spin_lock(&vm->lock);
	while (n < len && vm->rx_count < sizeof(vm->rx)) {
		vm->rx[(vm->rx_head + vm->rx_count) % sizeof(vm->rx)] = bytes[n++];
		vm->rx_count++;
	}
	spin_unlock(&vm->lock);
	return n;
}

/* The console owner's input comes from the physical UART, when it asks. */
static void pull_physical_input(struct vm *vm)
{
	int c;

	if (vm != console_owner || vm->rx_count)
		return;
	c = uart_getc();
	if (c >= 0) {
		uint8_t b = (uint8_t)c;

		vm_console_input(vm, &b, 1);
	}
}

bool vm_console_has_input(struct vm *vm)
{
	pull_physical_input(vm);
	return vm->rx_count != 0;
}

int vm_console_getc(struct vm *vm)
{
	int c = -1;

	pull_physical_input(vm);
	spin_lock(&vm->lock);
	if (vm->rx_count) {
		c = vm->rx[vm->rx_head];
		vm->rx_head = (vm->rx_head + 1) % sizeof(vm->rx);
		vm->rx_count--;
	}
	spin_unlock(&vm->lock);
	return c;
}

/*
 * The scheduler's poll hook. The serial line has no interrupt: while a VM
 * has the console every scheduler pass empties the UART's FIFO, and CPU 0
 * passes at least every SCHED_POLL_NS (16 bytes last 1.4 ms at 115200
 * baud), whatever runs, so typing is never lost to an overrun.
 */
bool vm_console_poll(void)
{
	if (!console_owner)
		return false;
	uart_poll();
	return true;
}

void vm_take_console(struct vm *vm)
{
	log_info("vm %s: the serial console is now this management VM's; the hypervisor log is read with 'log' in its shell",
		 vm->name);
	log_console_handover();
	__atomic_store_n(&console_owner, vm, __ATOMIC_RELEASE);
}

void vm_release_console(struct vm *vm)
{
	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) != vm)
		return;
	__atomic_store_n(&console_owner, NULL, __ATOMIC_RELEASE);
	log_console_takeback();
	log_warn("vm %s: the management VM has stopped; the serial console is the hypervisor's again",
		 vm->name);
}

/* ------------------------------------------------------------- lookup */

struct vm *vm_find(uint32_t id)
{
	struct vm *found = NULL;

	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < VM_MAX; i++)
		if (vms[i] && vms[i]->id == id)
			found = vms[i];
	spin_unlock(&vms_lock);
	return found;
}

struct vm *vm_find_name(const char *name)
{
	struct vm *found = NULL;

	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < VM_MAX; i++)
		if (vms[i] && !strcmp(vms[i]->name, name))
			found = vms[i];
	spin_unlock(&vms_lock);
	return found;
}

unsigned int vm_ids(uint32_t *ids, unsigned int max)
{
	uint32_t all[VM_MAX];
	unsigned int n = 0;

	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < VM_MAX; i++)
		if (vms[i])
			all[n++] = vms[i]->id;
	spin_unlock(&vms_lock);
	/* slots are reused, ids are not: sort to list in creation order */
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && all[j - 1] > all[j]; j--) {
			uint32_t t = all[j];

			all[j] = all[j - 1];
			all[j - 1] = t;
		}
	for (unsigned int i = 0; i < n && i < max; i++)
		ids[i] = all[i];
	return n;
}

unsigned int vm_count_live(void)
{
	return vm_ids(NULL, 0);
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
	vm_release_slot(vm);
}
