// SPDX-License-Identifier: MIT
/*
 * mm/buddy.c on the host: "physical memory" is a host buffer reached
 * through a phys_to_virt that subtracts a fake physical base.
 */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS, MAP_NORESERVE */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "test_util.h"

#include <keel/abi.h>
#include <mm/buddy.h>

#define PHYS_BASE  0x100000000ULL	/* 4 GiB: 1 GiB aligned, not 0 */
#define MIB        (1ULL << 20)
#define GIB        (1ULL << 30)
#define BLOCK(o)   (FRAME_SIZE << (o))

struct fake_ram {
	unsigned char *buf;
	uint64_t phys;		/* physical address of buf[0] */
	uint64_t size;
	void *meta;
	struct frame_pool pool;
};

static void *fake_phys_to_virt(void *ctx, uint64_t pa)
{
	struct fake_ram *ram = ctx;

	/* the pool must only touch frames it owns */
	assert_true(pa >= ram->phys);
	assert_true(pa - ram->phys + 16 <= ram->size);
	return ram->buf + (pa - ram->phys);
}

/*
 * The buffer is mmap'ed, not malloc'ed: pools of several GiB only touch
 * the first bytes of free blocks, and MAP_NORESERVE keeps that cheap.
 */
static struct fake_ram *ram_new(uint64_t phys, uint64_t size)
{
	struct fake_ram *ram = calloc(1, sizeof(*ram));

	assert_non_null(ram);
	ram->buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(ram->buf != MAP_FAILED);
	ram->phys = phys;
	ram->size = size;
	ram->meta = aligned_alloc(8, frame_pool_meta_bytes(phys, phys + size) + 8);
	assert_non_null(ram->meta);
	frame_pool_init(&ram->pool, phys, phys + size, ram->meta,
			fake_phys_to_virt, ram);
	return ram;
}

static void ram_free(struct fake_ram *ram)
{
	munmap(ram->buf, ram->size);
	free(ram->meta);
	free(ram);
}

static uint64_t list_bytes(const struct frame_pool *pool)
{
	uint64_t sum = 0;

	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		sum += pool->free[o].count * BLOCK(o);
	return sum;
}

/*
 * Walks every free list: links consistent both ways, blocks aligned and
 * inside the pool, counts right, byte total equal to free_bytes.
 */
static void check_lists(struct fake_ram *ram)
{
	const struct frame_pool *pool = &ram->pool;

	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		uint64_t pa = pool->free[o].head, prev = 0, n = 0;

		while (pa) {
			const uint64_t *link = fake_phys_to_virt(ram, pa);

			assert_int_equal(pa % BLOCK(o), 0);
			assert_true(pa >= pool->base);
			assert_true(pa + BLOCK(o) <= pool->limit);
			assert_int_equal(link[1], prev);
			assert_true(frame_is_free(pool, pa, o));
			prev = pa;
			pa = link[0];
			assert_true(++n <= pool->free[o].count);
		}
		assert_int_equal(n, pool->free[o].count);
	}
	assert_int_equal(list_bytes(pool), pool->free_bytes);
}

static void test_init_empty(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 4 * MIB);
	uint64_t pa = 0;

	assert_int_equal(ram->pool.base, PHYS_BASE);
	assert_int_equal(ram->pool.limit, PHYS_BASE + 4 * MIB);
	assert_int_equal(ram->pool.free_bytes, 0);
	assert_int_equal(frame_alloc(&ram->pool, 0, &pa), -KEEL_ENOMEM);
	assert_false(frame_is_free(&ram->pool, PHYS_BASE, 0));
	ram_free(ram);
}

static void test_init_rounds_out(void **state)
{
	static uint64_t meta[64];
	struct frame_pool pool;

	assert_true(frame_pool_meta_bytes(0x1001, 0x5fff) <= sizeof(meta));
	frame_pool_init(&pool, 0x1001, 0x5fff, meta, fake_phys_to_virt, NULL);
	assert_int_equal(pool.base, 0x1000);
	assert_int_equal(pool.limit, 0x6000);
	assert_int_equal(frame_pool_meta_bytes(0x1000, 0x1000), 0);
}

static void test_meta_bytes(void **state)
{
	/* 1 GiB at a 1 GiB boundary: 2^18 bits at order 0, halving upward */
	uint64_t words = 0;

	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		words += ((GIB >> (12 + o)) + 63) / 64;
	assert_int_equal(frame_pool_meta_bytes(GIB, 2 * GIB), words * 8);
}

static void test_add_with_holes(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 8 * MIB);
	struct frame_pool *pool = &ram->pool;

	/* trimmed inward: only the frame at +8K is whole */
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + 0x1001, 0x1ffe), 0);
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + 0x1fff, 0x1002),
			 FRAME_SIZE);
	assert_true(frame_is_free(pool, PHYS_BASE + 0x2000, 0));
	assert_false(frame_is_free(pool, PHYS_BASE + 0x1000, 0));
	assert_false(frame_is_free(pool, PHYS_BASE + 0x3000, 0));
	/* a 2 MiB range with a hole, then the second MiB */
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + 2 * MIB, MIB), MIB);
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + 3 * MIB + 0x10000,
					MIB - 0x10000), MIB - 0x10000);
	assert_false(frame_is_free(pool, PHYS_BASE + 2 * MIB, FRAME_ORDER_2M));
	assert_false(frame_is_free(pool, PHYS_BASE + 3 * MIB, 0));
	assert_true(frame_is_free(pool, PHYS_BASE + 3 * MIB + 0x10000, 4));
	/* filling the hole merges everything into one 2 MiB block */
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + 3 * MIB, 0x10000),
			 0x10000);
	assert_true(frame_is_free(pool, PHYS_BASE + 2 * MIB, FRAME_ORDER_2M));
	assert_int_equal(pool->free[FRAME_ORDER_2M].count, 1);
	assert_int_equal(pool->free_bytes, 2 * MIB + FRAME_SIZE);
	check_lists(ram);
	ram_free(ram);
}

static void test_add_clips_and_ignores_duplicates(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 4 * MIB);
	struct frame_pool *pool = &ram->pool;

	assert_int_equal(frame_pool_add(pool, 0, PHYS_BASE + MIB), MIB);
	/* overlaps the first MiB, runs past the pool's end */
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + MIB / 2, 16 * MIB),
			 3 * MIB);
	assert_int_equal(frame_pool_add(pool, PHYS_BASE, 4 * MIB), 0);
	assert_int_equal(pool->free_bytes, 4 * MIB);
	/* the pieces merged into one 4 MiB block */
	assert_int_equal(pool->free[FRAME_ORDER_2M + 1].count, 1);
	/* lengths that overflow, zero lengths, ranges past the top */
	assert_int_equal(frame_pool_add(pool, UINT64_MAX - 10, 100), 0);
	assert_int_equal(frame_pool_add(pool, PHYS_BASE, 0), 0);
	assert_int_equal(frame_pool_add(pool, PHYS_BASE + 4 * MIB, MIB), 0);
	assert_int_equal(frame_pool_add(pool, PHYS_BASE, UINT64_MAX), 0);
	check_lists(ram);
	ram_free(ram);
}

static void test_frame_zero_never_free(void **state)
{
	struct fake_ram *ram = ram_new(0, 2 * MIB);
	struct frame_pool *pool = &ram->pool;
	uint64_t pa, n = 0;

	assert_int_equal(frame_pool_add(pool, 0, 2 * MIB), 2 * MIB - FRAME_SIZE);
	assert_false(frame_is_free(pool, 0, 0));
	while (frame_alloc(pool, 0, &pa) == 0) {
		assert_int_not_equal(pa, 0);
		n++;
	}
	assert_int_equal(n, 2 * MIB / FRAME_SIZE - 1);
	assert_int_equal(frame_free(pool, 0, 0), -KEEL_EINVAL);
	ram_free(ram);
}

/* 2 GiB + 6 MiB at 4 GiB: two 1 GiB blocks and three 2 MiB ones. */
static struct fake_ram *big_pool(void)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 2 * GIB + 6 * MIB);

	assert_int_equal(frame_pool_add(&ram->pool, PHYS_BASE, 2 * GIB + 6 * MIB),
			 2 * GIB + 6 * MIB);
	return ram;
}

static void test_alloc_every_order(void **state)
{
	struct fake_ram *ram = big_pool();
	struct frame_pool *pool = &ram->pool;
	uint64_t pa[FRAME_MAX_ORDER + 1];
	uint64_t total = pool->free_bytes;

	assert_int_equal(pool->free[FRAME_ORDER_1G].count, 2);
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		uint64_t before = pool->free_bytes;

		assert_int_equal(frame_alloc(pool, o, &pa[o]), 0);
		assert_int_equal(pa[o] % BLOCK(o), 0);
		assert_true(pa[o] >= pool->base);
		assert_true(pa[o] + BLOCK(o) <= pool->limit);
		assert_false(frame_is_free(pool, pa[o], 0));
		assert_int_equal(pool->free_bytes, before - BLOCK(o));
		for (unsigned int j = 0; j < o; j++) {
			assert_true(pa[j] + BLOCK(j) <= pa[o] ||
				    pa[o] + BLOCK(o) <= pa[j]);
		}
		check_lists(ram);
	}
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		assert_int_equal(frame_free(pool, pa[o], o), 0);
	/* everything merged back into the original blocks */
	assert_int_equal(pool->free_bytes, total);
	assert_int_equal(pool->free[FRAME_ORDER_1G].count, 2);
	assert_int_equal(pool->free[FRAME_ORDER_2M].count, 1);
	assert_int_equal(pool->free[FRAME_ORDER_2M + 1].count, 1);
	for (unsigned int o = 0; o < FRAME_ORDER_2M; o++)
		assert_int_equal(pool->free[o].count, 0);
	assert_int_equal(frame_alloc(pool, FRAME_MAX_ORDER + 1, &pa[0]),
			 -KEEL_EINVAL);
	check_lists(ram);
	ram_free(ram);
}

static void test_alloc_below(void **state)
{
	struct fake_ram *ram = big_pool();
	struct frame_pool *pool = &ram->pool;
	uint64_t pa, before = pool->free_bytes;

	/* nothing lies below the pool */
	assert_int_equal(frame_alloc_below(pool, 0, PHYS_BASE, &pa),
			 -KEEL_ENOMEM);
	assert_int_equal(frame_alloc_below(pool, 0, PHYS_BASE + FRAME_SIZE - 1,
					   &pa), -KEEL_ENOMEM);
	assert_int_equal(pool->free_bytes, before);
	assert_int_equal(frame_alloc_below(pool, 0, PHYS_BASE + FRAME_SIZE, &pa),
			 0);
	assert_int_equal(pa, PHYS_BASE);
	assert_int_equal(frame_alloc_below(pool, FRAME_ORDER_2M,
					   PHYS_BASE + 2 * MIB, &pa),
			 -KEEL_ENOMEM);
	assert_int_equal(frame_alloc_below(pool, FRAME_ORDER_2M,
					   PHYS_BASE + 4 * MIB, &pa), 0);
	assert_int_equal(pa, PHYS_BASE + 2 * MIB);
	/* a 1 GiB block below 5 GiB would overlap the frame taken first */
	assert_int_equal(frame_alloc_below(pool, FRAME_ORDER_1G,
					   PHYS_BASE + GIB, &pa), -KEEL_ENOMEM);
	assert_int_equal(frame_alloc_below(pool, FRAME_ORDER_1G,
					   PHYS_BASE + 2 * GIB, &pa), 0);
	assert_int_equal(pa, PHYS_BASE + GIB);
	assert_int_equal(frame_alloc_below(pool, FRAME_MAX_ORDER + 1, UINT64_MAX,
					   &pa), -KEEL_EINVAL);
	check_lists(ram);
	ram_free(ram);
}

/* The smallest fitting block is split, not the lowest large one. */
static void test_alloc_below_prefers_small_blocks(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 8 * MIB);
	struct frame_pool *pool = &ram->pool;
	uint64_t pa;

	frame_pool_add(pool, PHYS_BASE, 2 * MIB);
	frame_pool_add(pool, PHYS_BASE + 6 * MIB, FRAME_SIZE);
	assert_int_equal(frame_alloc_below(pool, 0, PHYS_BASE + 8 * MIB, &pa), 0);
	assert_int_equal(pa, PHYS_BASE + 6 * MIB);
	assert_int_equal(pool->free[FRAME_ORDER_2M].count, 1);
	ram_free(ram);
}

static void test_buddy_merge(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 2 * MIB);
	struct frame_pool *pool = &ram->pool;
	enum { FRAMES = 512 };
	uint64_t pa[FRAMES], seed = 42;

	frame_pool_add(pool, PHYS_BASE, 2 * MIB);
	for (int i = 0; i < FRAMES; i++)
		assert_int_equal(frame_alloc(pool, 0, &pa[i]), 0);
	assert_int_equal(pool->free_bytes, 0);
	assert_int_equal(frame_alloc(pool, 0, &pa[0] + 0), -KEEL_ENOMEM);
	/* free in a shuffled order */
	for (int i = FRAMES - 1; i > 0; i--) {
		int j = (int)(test_rand(&seed) % (uint64_t)(i + 1));
		uint64_t t = pa[i];

		pa[i] = pa[j];
		pa[j] = t;
	}
	for (int i = 0; i < FRAMES; i++) {
		assert_int_equal(frame_free(pool, pa[i], 0), 0);
		check_lists(ram);
	}
	assert_int_equal(pool->free[FRAME_ORDER_2M].count, 1);
	assert_int_equal(pool->free[FRAME_ORDER_2M].head, PHYS_BASE);
	ram_free(ram);
}

static void test_free_refusals(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 8 * MIB);
	struct frame_pool *pool = &ram->pool;
	uint64_t big, small, bytes;

	frame_pool_add(pool, PHYS_BASE, 8 * MIB);
	assert_int_equal(frame_alloc(pool, FRAME_ORDER_2M, &big), 0);
	assert_int_equal(frame_alloc(pool, 0, &small), 0);
	bytes = pool->free_bytes;

	/* double free */
	assert_int_equal(frame_free(pool, small, 0), 0);
	assert_int_equal(frame_free(pool, small, 0), -KEEL_EINVAL);
	assert_int_equal(frame_alloc(pool, 0, &small), 0);
	/* misaligned for the order, or not even frame aligned */
	assert_int_equal(frame_free(pool, big + FRAME_SIZE, FRAME_ORDER_2M),
			 -KEEL_EINVAL);
	assert_int_equal(frame_free(pool, big + 1, 0), -KEEL_EINVAL);
	/* outside the pool, straddling its end, absurd orders */
	assert_int_equal(frame_free(pool, PHYS_BASE - FRAME_SIZE, 0),
			 -KEEL_EINVAL);
	assert_int_equal(frame_free(pool, PHYS_BASE + 8 * MIB, 0),
			 -KEEL_EINVAL);
	assert_int_equal(frame_free(pool, PHYS_BASE, FRAME_ORDER_2M + 3),
			 -KEEL_EINVAL);
	assert_int_equal(frame_free(pool, PHYS_BASE, FRAME_MAX_ORDER + 1),
			 -KEEL_EINVAL);
	assert_int_equal(frame_free(pool, UINT64_MAX & ~(FRAME_SIZE - 1), 0),
			 -KEEL_EINVAL);
	assert_int_equal(pool->free_bytes, bytes);

	/* partly free: one frame of the 2 MiB block went back already */
	assert_int_equal(frame_free(pool, big + 5 * FRAME_SIZE, 0), 0);
	assert_int_equal(frame_free(pool, big, FRAME_ORDER_2M), -KEEL_EINVAL);
	/* inside a larger free block */
	assert_int_equal(frame_free(pool, big + 4 * FRAME_SIZE, 0), 0);
	assert_int_equal(frame_free(pool, big + 4 * FRAME_SIZE, 1), -KEEL_EINVAL);
	assert_int_equal(pool->free_bytes, bytes + 2 * FRAME_SIZE);
	check_lists(ram);
	ram_free(ram);
}

static void test_is_free_spans_blocks(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 4 * MIB);
	struct frame_pool *pool = &ram->pool;

	/* 3 frames at +4K: orders 0 and 1 blocks, not an order-2 one */
	frame_pool_add(pool, PHYS_BASE + FRAME_SIZE, 3 * FRAME_SIZE);
	assert_true(frame_is_free(pool, PHYS_BASE + 2 * FRAME_SIZE, 1));
	assert_false(frame_is_free(pool, PHYS_BASE, 2));
	frame_pool_add(pool, PHYS_BASE, FRAME_SIZE);
	assert_true(frame_is_free(pool, PHYS_BASE, 2));
	assert_int_equal(pool->free[2].count, 1);
	assert_false(frame_is_free(pool, PHYS_BASE + FRAME_SIZE, 1));
	assert_false(frame_is_free(pool, PHYS_BASE, FRAME_MAX_ORDER + 1));
	ram_free(ram);
}

static void test_exhaustion(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 4 * MIB);
	struct frame_pool *pool = &ram->pool;
	uint64_t pa, n = 0;
	uint64_t *all = calloc(1024, sizeof(*all));

	/* one whole 2 MiB block, at +2M */
	frame_pool_add(pool, PHYS_BASE + FRAME_SIZE, 4 * MIB - FRAME_SIZE);
	assert_int_equal(frame_alloc(pool, FRAME_ORDER_2M, &pa), 0);
	assert_int_equal(pa, PHYS_BASE + 2 * MIB);
	assert_int_equal(frame_alloc(pool, FRAME_ORDER_2M, &pa), -KEEL_ENOMEM);
	assert_int_equal(frame_free(pool, pa, FRAME_ORDER_2M), 0);
	while (frame_alloc(pool, 0, &pa) == 0)
		all[n++] = pa;
	assert_int_equal(n, 1023);
	assert_int_equal(pool->free_bytes, 0);
	assert_int_equal(frame_alloc(pool, 0, &pa), -KEEL_ENOMEM);
	assert_int_equal(frame_alloc_below(pool, 0, UINT64_MAX, &pa),
			 -KEEL_ENOMEM);
	while (n)
		assert_int_equal(frame_free(pool, all[--n], 0), 0);
	assert_int_equal(pool->free_bytes, 4 * MIB - FRAME_SIZE);
	assert_int_equal(pool->free[FRAME_ORDER_2M].count, 1);
	check_lists(ram);
	free(all);
	ram_free(ram);
}

/* ---------------------------------------------------------------- soak */

#define SOAK_SIZE   (64 * MIB)
#define SOAK_FRAMES (SOAK_SIZE / FRAME_SIZE)
#define SOAK_STEPS  20000
#define SOAK_LIVE   2048

struct live_block {
	uint64_t pa;
	unsigned int order;
};

/* Every frame is in exactly one of: a hole, a free block, a live block. */
static void check_ownership(struct fake_ram *ram, const unsigned char *hole,
			    const struct live_block *live, int n_live)
{
	const struct frame_pool *pool = &ram->pool;
	unsigned char *owner = calloc(SOAK_FRAMES, 1);

	check_lists(ram);
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		for (uint64_t pa = pool->free[o].head; pa;
		     pa = *(uint64_t *)fake_phys_to_virt(ram, pa)) {
			for (uint64_t f = 0; f < (1ULL << o); f++) {
				uint64_t i = (pa - PHYS_BASE) / FRAME_SIZE + f;

				assert_int_equal(owner[i], 0);
				assert_int_equal(hole[i], 0);
				owner[i] = 1;
			}
		}
	}
	for (int b = 0; b < n_live; b++) {
		for (uint64_t f = 0; f < (1ULL << live[b].order); f++) {
			uint64_t i = (live[b].pa - PHYS_BASE) / FRAME_SIZE + f;

			assert_int_equal(owner[i], 0);
			assert_int_equal(hole[i], 0);
			owner[i] = 2;
		}
	}
	for (uint64_t i = 0; i < SOAK_FRAMES; i++)
		assert_int_equal(owner[i] == 0, hole[i] == 1);
	free(owner);
}

/*
 * A free block's links live in the block: a write to it after the free
 * must stop the pool, not send a later allocation to a frame in use.
 */
static void test_write_after_free_is_caught(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 4 * MIB);
	struct frame_pool *pool = &ram->pool;
	uint64_t a, b, c, *link;

	(void)state;
	frame_pool_add(pool, PHYS_BASE, 4 * MIB);
	assert_int_equal(frame_alloc(pool, 0, &a), 0);
	assert_int_equal(frame_alloc(pool, 0, &b), 0);
	assert_int_equal(frame_alloc(pool, 0, &c), 0);
	/* a alone goes back: its buddy b is in use, so it stays order 0 */
	assert_int_equal(frame_free(pool, a, 0), 0);
	assert_int_equal(pool->broken_pa, 0);
	/* a stale writer points its "next" at c, which is in use */
	link = fake_phys_to_virt(ram, a);
	link[0] = c;
	assert_int_equal(frame_alloc(pool, 0, &b), -KEEL_EIO);
	assert_int_equal(pool->broken_pa, a);
	/* and from then on nothing is handed out, of any order */
	assert_int_equal(frame_alloc(pool, 3, &b), -KEEL_EIO);
	assert_int_equal(frame_alloc_below(pool, 0, PHYS_BASE + 4 * MIB, &b),
			 -KEEL_EIO);
	ram_free(ram);
}

/* The same found by a free that would merge with the scribbled block. */
static void test_write_after_free_is_caught_on_merge(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, 4 * MIB);
	struct frame_pool *pool = &ram->pool;
	uint64_t a, b, *link;

	(void)state;
	frame_pool_add(pool, PHYS_BASE, 4 * MIB);
	assert_int_equal(frame_alloc(pool, 0, &a), 0);
	assert_int_equal(frame_alloc(pool, 0, &b), 0);
	assert_int_equal(a ^ b, FRAME_SIZE);	/* buddies */
	assert_int_equal(frame_free(pool, a, 0), 0);
	link = fake_phys_to_virt(ram, a);
	link[1] = 0xdead000;	/* "prev": not a free block */
	assert_int_equal(frame_free(pool, b, 0), -KEEL_EIO);
	assert_int_equal(pool->broken_pa, a);
	ram_free(ram);
}

static void test_soak(void **state)
{
	struct fake_ram *ram = ram_new(PHYS_BASE, SOAK_SIZE);
	struct frame_pool *pool = &ram->pool;
	unsigned char *hole = calloc(SOAK_FRAMES, 1);
	struct live_block *live = calloc(SOAK_LIVE, sizeof(*live));
	uint64_t seed = 0x6b65656c, initial;
	int n_live = 0;

	/* memory with holes of assorted sizes */
	for (uint64_t i = 0; i < SOAK_FRAMES; i++)
		hole[i] = 1;
	for (uint64_t pa = 0; pa < SOAK_SIZE;) {
		uint64_t len = (test_rand(&seed) % 4096 + 1) * FRAME_SIZE;
		uint64_t gap = (test_rand(&seed) % 64) * FRAME_SIZE;

		if (pa + len > SOAK_SIZE)
			len = SOAK_SIZE - pa;
		assert_int_equal(frame_pool_add(pool, PHYS_BASE + pa, len), len);
		memset(hole + pa / FRAME_SIZE, 0, len / FRAME_SIZE);
		pa += len + gap;
	}
	initial = pool->free_bytes;
	check_ownership(ram, hole, live, n_live);

	for (int step = 0; step < SOAK_STEPS; step++) {
		uint64_t r = test_rand(&seed);
		bool do_alloc = n_live == 0 ||
				(n_live < SOAK_LIVE && (r & 3) != 0 && step < SOAK_STEPS / 2) ||
				(n_live < SOAK_LIVE && (r & 3) == 0 && step >= SOAK_STEPS / 2);

		if (do_alloc) {
			/* mostly small orders, sometimes up to 4 MiB */
			unsigned int order = (unsigned int)(r >> 8) % 8;
			uint64_t pa, before = pool->free_bytes;
			int rc;

			if ((r >> 16) % 16 == 0)
				order = (unsigned int)(r >> 20) % 11;
			rc = (r >> 32) & 1 ?
			     frame_alloc(pool, order, &pa) :
			     frame_alloc_below(pool, order,
					       PHYS_BASE + SOAK_SIZE / 2, &pa);
			if (rc) {
				assert_int_equal(rc, -KEEL_ENOMEM);
				assert_int_equal(pool->free_bytes, before);
				continue;
			}
			assert_int_equal(pa % BLOCK(order), 0);
			assert_int_equal(pool->free_bytes, before - BLOCK(order));
			live[n_live++] = (struct live_block){ pa, order };
		} else {
			int i = (int)((r >> 8) % (uint64_t)n_live);

			assert_int_equal(frame_free(pool, live[i].pa,
						    live[i].order), 0);
			/* and again: a double free must be refused */
			assert_int_equal(frame_free(pool, live[i].pa,
						    live[i].order), -KEEL_EINVAL);
			live[i] = live[--n_live];
		}
		if (step % 500 == 0)
			check_ownership(ram, hole, live, n_live);
	}
	check_ownership(ram, hole, live, n_live);
	while (n_live) {
		n_live--;
		assert_int_equal(frame_free(pool, live[n_live].pa,
					    live[n_live].order), 0);
	}
	assert_int_equal(pool->free_bytes, initial);
	check_ownership(ram, hole, live, 0);
	free(live);
	free(hole);
	ram_free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_init_rounds_out),
		cmocka_unit_test(test_meta_bytes),
		cmocka_unit_test(test_add_with_holes),
		cmocka_unit_test(test_add_clips_and_ignores_duplicates),
		cmocka_unit_test(test_frame_zero_never_free),
		cmocka_unit_test(test_alloc_every_order),
		cmocka_unit_test(test_alloc_below),
		cmocka_unit_test(test_alloc_below_prefers_small_blocks),
		cmocka_unit_test(test_buddy_merge),
		cmocka_unit_test(test_free_refusals),
		cmocka_unit_test(test_is_free_spans_blocks),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_write_after_free_is_caught),
		cmocka_unit_test(test_write_after_free_is_caught_on_merge),
		cmocka_unit_test(test_soak),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
