// SPDX-License-Identifier: MIT
/*
 * A VM's memory: the frames behind its guest-physical range (extents),
 * growing and shrinking it, copies in and out through its stage-2 tables,
 * and the audit that no stage-2 leaf maps anything but its own frames.
 * See core/vm.h.
 */
#include <arch/layout.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/hc_check.h>
#include <core/stage2_tlb.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>

static uint64_t hv_start, hv_end;

void vm_set_hypervisor_range(uint64_t start, uint64_t end)
{
	hv_start = start;
	hv_end = end;
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
	return guest_mem_copy(vm, gpa, (void *)(uintptr_t)src, len, copy_in);
}

/*
 * The len bytes at host (1, 2, 4 or 8, inside one aligned 8-byte word)
 * replaced by val if they are old, atomically against every other CPU:
 * a compare-exchange on the whole word, the other bytes kept. Retried
 * while only the other bytes change, a bounded number of times.
 */
#define CMPXCHG_TRIES 16

static int cmpxchg_in_word(uint8_t *host, uint64_t old, uint64_t val,
			   size_t len)
{
	unsigned int shift = ((uintptr_t)host & 7) * 8;
	uint64_t *word = (uint64_t *)((uintptr_t)host & ~(uintptr_t)7);
	uint64_t mask = (len == 8 ? ~0ull : (1ull << (len * 8)) - 1) << shift;
	uint64_t cur = __atomic_load_n(word, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; i < CMPXCHG_TRIES; i++) {
		uint64_t next = (cur & ~mask) | ((val << shift) & mask);

		if ((cur & mask) != ((old << shift) & mask))
			return 1;
		if (__atomic_compare_exchange_n(word, &cur, next, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return 1;	/* the caller reads again and retries, also bounded */
}

int guest_mem_cmpxchg(struct vm *vm, uint64_t gpa, uint64_t old, uint64_t val,
		      size_t len)
{
	uint64_t pa, page;
	unsigned int perms;
	int ret;

	if ((len != 1 && len != 2 && len != 4 && len != 8) ||
	    (gpa & 7) + len > 8)
		return -KEEL_EINVAL;
	spin_lock(&vm->mem_lock);
	ret = hc_check_guest_range(&vm->stage2, vm->mem_bytes, gpa, len);
	if (!ret) {
		pt_translate(&vm->stage2, gpa, &pa, &perms, &page);
		ret = cmpxchg_in_word(phys_to_virt(pa), old, val, len);
	}
	spin_unlock(&vm->mem_lock);
	return ret;
}

int guest_mem_load(void *vm, uint64_t gpa, const void *bytes, uint64_t len)
{
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

bool vm_mem_claim(struct vm *vm)
{
	return !__atomic_exchange_n(&vm->mem_changing, true, __ATOMIC_ACQUIRE);
}

void vm_mem_unclaim(struct vm *vm)
{
	__atomic_store_n(&vm->mem_changing, false, __ATOMIC_RELEASE);
}

/*
 * Scrubs and frees host-physical [hpa, hpa+bytes), a 2 MiB multiple cut
 * from one extent, in the largest buddy blocks that fit.
 */
static void free_frames(void *ctx, uint64_t hpa, uint64_t bytes)
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

void vm_mem_scrub(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->extents.count; i++)
		memset(phys_to_virt(vm->extents.ext[i].hpa), 0,
		       vm->extents.ext[i].bytes);
}

/* Nothing maps the VM's memory any more (create failed, or destroyed). */
void vm_free_memory(struct vm *vm)
{
	extents_cut_above(&vm->extents, 0, UINT64_MAX, free_frames, NULL);
	if (vm->stage2.root)
		pt_destroy(&vm->stage2);
}

int vm_grow(struct vm *vm, uint64_t to, uint64_t budget)
{
	bool use_1g = vendor->stage2_1g();
	uint64_t gpa = vm->mem_bytes;
	int ret = 0;

	to = MIN(to, gpa + MIN(budget, UINT64_MAX - gpa));	/* no wrap */
	while (gpa < to) {
		unsigned int order = FRAME_ORDER_2M;
		uint64_t hpa, size;

		if (vm->extents.count == vm->extents.max)
			return -KEEL_ENOMEM;
		if (use_1g && IS_ALIGNED(gpa, GIB) && to - gpa >= GIB &&
		    !frames_alloc(FRAME_ORDER_1G, &hpa)) {
			order = FRAME_ORDER_1G;
		} else if (frames_alloc(FRAME_ORDER_2M, &hpa)) {
			return -KEEL_ENOMEM;
		}
		size = FRAME_SIZE << order;
		/* zeroed before it is mapped: no data leaks from a previous owner */
		memset(phys_to_virt(hpa), 0, size);
		spin_lock(&vm->mem_lock);
		ret = pt_map(&vm->stage2, gpa, hpa, size, PT_RWX);
		if (!ret) {
			extents_append(&vm->extents, gpa, hpa, size);
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
	/* under mem_lock: no guest copy on another CPU is inside the range */
	spin_lock(&vm->mem_lock);
	ret = pt_unmap(&vm->stage2, to, top - to);
	if (!ret)
		vm->mem_bytes = to;
	spin_unlock(&vm->mem_lock);
	if (ret)
		return ret;
	/* no CPU may still reach the frames through a stale translation */
	stage2_shootdown(vm);
	extents_cut_above(&vm->extents, to, UINT64_MAX, free_frames, NULL);
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
	while (a->extent < vm->extents.count) {
		const struct vm_extent *x = &vm->extents.ext[a->extent];
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

int guest_mem_audit(const struct vm *vm)
{
	struct audit audit = { vm, 0 };

	return pt_walk(&vm->stage2, audit_leaf, &audit) ? -KEEL_EFAULT : 0;
}

void vm_hypervisor_range(uint64_t *start, uint64_t *end)
{
	*start = hv_start;
	*end = hv_end;
}
