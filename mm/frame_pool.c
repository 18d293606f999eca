// SPDX-License-Identifier: MIT
/* The hypervisor's frame pool over the boot memory map; see mm/frame_pool.h. */
#include <arch/layout.h>
#include <base/log.h>
#include <base/panic.h>
#include <keel/abi.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>

/* Low memory stays out of the pool: real-mode structures, the trampoline. */
#define POOL_LOW_LIMIT MIB

static struct frame_pool pool;
static struct spinlock pool_lock = SPINLOCK_INIT;
static uint64_t pool_total;
static uint64_t pool_meta_bytes;

static void *identity(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

/* The first usable range above 1 MiB that holds the allocator's bitmaps. */
static uint64_t find_meta_space(const struct boot_info *bi, uint64_t bytes)
{
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_range *r = &bi->mem[i];
		uint64_t start = MAX(r->base, POOL_LOW_LIMIT);

		if (r->type != BOOT_MEM_USABLE || r->base + r->length <= start)
			continue;
		if (r->base + r->length - start >= bytes)
			return start;
	}
	panic("no usable memory range can hold %lu bytes of frame metadata",
	      bytes);
}

void frames_init(const struct boot_info *bi)
{
	uint64_t top = 0, meta_bytes, meta_pa;

	for (uint32_t i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].type == BOOT_MEM_USABLE)
			top = MAX(top, bi->mem[i].base + bi->mem[i].length);
	if (!top)
		panic("the boot memory map has no usable memory");

	meta_bytes = ALIGN_UP(frame_pool_meta_bytes(0, top), FRAME_SIZE);
	meta_pa = find_meta_space(bi, meta_bytes);
	pool_meta_bytes = meta_bytes;
	frame_pool_init(&pool, 0, top, phys_to_virt(meta_pa), identity, NULL);

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_range *r = &bi->mem[i];
		uint64_t start = MAX(r->base, POOL_LOW_LIMIT);
		uint64_t end = r->base + r->length;

		if (r->type != BOOT_MEM_USABLE || end <= start)
			continue;
		/* carve the metadata out of its range */
		if (meta_pa >= start && meta_pa < end) {
			pool_total += frame_pool_add(&pool, start, meta_pa - start);
			start = meta_pa + meta_bytes;
			if (end <= start)
				continue;
		}
		pool_total += frame_pool_add(&pool, start, end - start);
	}
	log_info("memory: %lu MiB free for guests and tables, %lu KiB of allocator metadata",
		 pool_total / MIB, meta_bytes / KIB);
}

/* A free frame was written: the pool can no longer be trusted. */
static void pool_check(void)
{
	uint64_t pa = READ_ONCE(pool.broken_pa);

	if (pa)
		panic("frame pool: the free block at %#lx was written after it was freed",
		      pa);
}

int frames_alloc(unsigned int order, uint64_t *pa)
{
	int ret;

	spin_lock(&pool_lock);
	ret = frame_alloc(&pool, order, pa);
	spin_unlock(&pool_lock);
	pool_check();
	return ret;
}

int frames_alloc_below(unsigned int order, uint64_t limit, uint64_t *pa)
{
	int ret;

	spin_lock(&pool_lock);
	ret = frame_alloc_below(&pool, order, limit, pa);
	spin_unlock(&pool_lock);
	pool_check();
	return ret;
}

int frames_alloc_zeroed(unsigned int order, uint64_t *pa)
{
	int ret = frames_alloc(order, pa);

	if (!ret)
		memset(phys_to_virt(*pa), 0, FRAME_SIZE << order);
	return ret;
}

void frames_free(uint64_t pa, unsigned int order)
{
	int ret;

	spin_lock(&pool_lock);
	ret = frame_free(&pool, pa, order);
	spin_unlock(&pool_lock);
	pool_check();
	BUG_ON(ret != 0);
}

uint64_t frames_free_bytes(void)
{
	return READ_ONCE(pool.free_bytes);
}

uint64_t frames_total_bytes(void)
{
	return pool_total;
}

void frames_report_footprint(uint64_t image_bytes)
{
	uint64_t used = pool_total - frames_free_bytes();

	log_info("memory: hypervisor footprint %lu KiB: image %lu KiB, allocator metadata %lu KiB, frames %lu KiB",
		 (image_bytes + pool_meta_bytes + used) / KIB, image_bytes / KIB,
		 pool_meta_bytes / KIB, used / KIB);
}

static int pt_alloc_table(void *ctx, uint64_t *pa)
{
	return frames_alloc_zeroed(0, pa);
}

static void pt_free_table(void *ctx, uint64_t pa)
{
	frames_free(pa, 0);
}

const struct pt_memory frames_pt_memory = {
	.alloc_table = pt_alloc_table,
	.free_table = pt_free_table,
	.phys_to_virt = identity,
	.ctx = NULL,
};
