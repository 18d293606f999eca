/* SPDX-License-Identifier: MIT */
/*
 * Physical frame allocator: a binary buddy allocator over 4 KiB frames,
 * handing out naturally aligned blocks of 2^order frames, order 0 (4 KiB)
 * to FRAME_MAX_ORDER (1 GiB).
 *
 * Free blocks are kept on one doubly linked list per order; the list links
 * live inside the free blocks themselves and are reached through the
 * pool's phys_to_virt hook, so host tests can back "physical memory" with
 * a plain buffer. A bitmap per order (in caller-provided metadata memory)
 * says which blocks are free at that order, which is what lets frame_free
 * find and merge a free buddy without trusting frame contents.
 *
 * The pool does no locking; the hypervisor wraps it (mm/frame_pool.c).
 * Frames are not zeroed here: callers zero what they hand to guests.
 */
#ifndef KEEL_MM_FRAME_H
#define KEEL_MM_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SHIFT     12
#define FRAME_SIZE      (1ULL << FRAME_SHIFT)
#define FRAME_ORDER_4K  0
#define FRAME_ORDER_2M  9
#define FRAME_ORDER_1G  18
#define FRAME_MAX_ORDER 18

struct frame_list {
	uint64_t head;		/* physical address of the first block, or 0 ... */
	uint64_t count;		/* ... and how many blocks the list holds */
};

struct frame_pool {
	uint64_t base;		/* first byte covered, FRAME_SIZE aligned */
	uint64_t limit;		/* one past the last byte covered */
	uint64_t free_bytes;
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
	uint64_t *bitmap[FRAME_MAX_ORDER + 1];	/* into the metadata memory */
	struct frame_list free[FRAME_MAX_ORDER + 1];
	/* a free block whose links were found overwritten, or 0 */
	uint64_t broken_pa;
};

/* Bytes of metadata frame_pool_init needs for [base, limit). */
size_t frame_pool_meta_bytes(uint64_t base, uint64_t limit);

/*
 * Sets up an empty pool covering [base, limit) (rounded out to frames).
 * meta must hold frame_pool_meta_bytes(base, limit) bytes, 8-byte aligned;
 * it is zeroed. Addresses at or above 2^52 (MAXPHYADDR) are not covered.
 * Physical address 0 is never handed out (0 means "none" in the lists).
 */
void frame_pool_init(struct frame_pool *pool, uint64_t base, uint64_t limit,
		     void *meta, void *(*phys_to_virt)(void *ctx, uint64_t pa),
		     void *ctx);

/*
 * Adds [base, base+len) as free memory, trimmed inward to whole frames and
 * clipped to the pool. Adding a frame that is already free is a bug the
 * pool detects and ignores (returns the number of bytes actually added).
 */
uint64_t frame_pool_add(struct frame_pool *pool, uint64_t base, uint64_t len);

/*
 * Allocates one block of 2^order frames. Returns 0 or -KEEL_ENOMEM /
 * -KEEL_EINVAL; -KEEL_EIO once broken_pa is set (a free block's links were
 * found overwritten: something wrote to it after it was freed), from then
 * on: the pool hands out nothing it cannot vouch for.
 */
int frame_alloc(struct frame_pool *pool, unsigned int order, uint64_t *pa);

/* As frame_alloc, but the whole block lies below limit. */
int frame_alloc_below(struct frame_pool *pool, unsigned int order,
		      uint64_t limit, uint64_t *pa);

/*
 * Returns a block to the pool, merging buddies. Freeing a block that is
 * not aligned to its order, outside the pool, or (partly) free already is
 * refused with -KEEL_EINVAL and changes nothing. -KEEL_EIO: a buddy it
 * would merge with had its links overwritten (broken_pa).
 */
int frame_free(struct frame_pool *pool, uint64_t pa, unsigned int order);

/* True when every frame of [pa, pa + 2^order frames) is free in the pool. */
bool frame_is_free(const struct frame_pool *pool, uint64_t pa, unsigned int order);

#endif
