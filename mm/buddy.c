// SPDX-License-Identifier: MIT
/*
 * Binary buddy allocator over 4 KiB frames (include/mm/buddy.h).
 *
 * A block of order k is 2^k frames, aligned to its size in physical
 * address space. Bit i of bitmap[k] is set exactly when the order-k block
 * with index i (counted from the pool base rounded down to the block
 * size) is on free list k. Free blocks never overlap, so a frame is free
 * when the block containing it at some order is marked free; that is
 * what lets frame_free refuse double frees without reading the frames.
 */
#include <keel/abi.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/buddy.h>

#define BITS_PER_WORD 64
#define WORD_SHIFT    6

/* Highest physical address the pool accepts (x86-64 MAXPHYADDR is 52). */
#define FRAME_PHYS_LIMIT (1ULL << 52)

_Static_assert(FRAME_SIZE << FRAME_ORDER_2M == 2ULL << 20, "order 9 is 2 MiB");
_Static_assert(FRAME_SIZE << FRAME_ORDER_1G == 1ULL << 30, "order 18 is 1 GiB");
_Static_assert(FRAME_MAX_ORDER == FRAME_ORDER_1G, "largest block is 1 GiB");

/* The links of a free block, stored in its first bytes. */
struct free_link {
	uint64_t next;
	uint64_t prev;
};

static uint64_t block_size(unsigned int order)
{
	return FRAME_SIZE << order;
}

static unsigned int block_shift(unsigned int order)
{
	return FRAME_SHIFT + order;
}

/* [base, limit) rounded out to frames and clipped to physical memory. */
static void pool_span(uint64_t base, uint64_t limit, uint64_t *b, uint64_t *l)
{
	if (limit > FRAME_PHYS_LIMIT)
		limit = FRAME_PHYS_LIMIT;
	*b = ALIGN_DOWN(base, FRAME_SIZE);
	*l = ALIGN_UP(limit, FRAME_SIZE);
	if (*l < *b)
		*l = *b;
}

static uint64_t order_bits(uint64_t base, uint64_t limit, unsigned int order)
{
	unsigned int shift = block_shift(order);

	if (limit <= base)
		return 0;
	return ((limit - 1) >> shift) - (base >> shift) + 1;
}

static uint64_t order_words(uint64_t base, uint64_t limit, unsigned int order)
{
	return (order_bits(base, limit, order) + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

size_t frame_pool_meta_bytes(uint64_t base, uint64_t limit)
{
	uint64_t b, l, words = 0;

	pool_span(base, limit, &b, &l);
	for (unsigned int order = 0; order <= FRAME_MAX_ORDER; order++)
		words += order_words(b, l, order);
	return (size_t)(words * sizeof(uint64_t));
}

void frame_pool_init(struct frame_pool *pool, uint64_t base, uint64_t limit,
		     void *meta, void *(*phys_to_virt)(void *ctx, uint64_t pa),
		     void *ctx)
{
	uint64_t *words = meta;

	memset(pool, 0, sizeof(*pool));
	pool_span(base, limit, &pool->base, &pool->limit);
	pool->phys_to_virt = phys_to_virt;
	pool->ctx = ctx;
	memset(meta, 0, frame_pool_meta_bytes(base, limit));
	for (unsigned int order = 0; order <= FRAME_MAX_ORDER; order++) {
		pool->bitmap[order] = words;
		words += order_words(pool->base, pool->limit, order);
	}
}

/* ------------------------------------------------------------- bitmaps */

static uint64_t block_index(const struct frame_pool *pool, uint64_t pa,
			    unsigned int order)
{
	unsigned int shift = block_shift(order);

	return (pa >> shift) - (pool->base >> shift);
}

static bool bit_test(const struct frame_pool *pool, unsigned int order,
		     uint64_t pa)
{
	uint64_t i = block_index(pool, pa, order);

	return pool->bitmap[order][i >> WORD_SHIFT] >> (i % BITS_PER_WORD) & 1;
}

static void bit_flip(struct frame_pool *pool, unsigned int order, uint64_t pa)
{
	uint64_t i = block_index(pool, pa, order);

	pool->bitmap[order][i >> WORD_SHIFT] ^= 1ULL << (i % BITS_PER_WORD);
}

/* True when any of count bits from index first is set. */
static bool bits_any(const uint64_t *map, uint64_t first, uint64_t count)
{
	uint64_t i = first, end = first + count;

	while (i < end) {
		uint64_t word = map[i >> WORD_SHIFT] >> (i % BITS_PER_WORD);
		uint64_t n = MIN(BITS_PER_WORD - i % BITS_PER_WORD, end - i);
		uint64_t mask = n == BITS_PER_WORD ? ~0ULL : (1ULL << n) - 1;

		if (word & mask)
			return true;
		i += n;
	}
	return false;
}

/* The first set bit at index >= first and < end, or end. */
static uint64_t bits_find(const uint64_t *map, uint64_t first, uint64_t end)
{
	uint64_t i = first;

	while (i < end) {
		uint64_t word = map[i >> WORD_SHIFT] >> (i % BITS_PER_WORD);

		if (word)
			return MIN(i + (uint64_t)__builtin_ctzll(word), end);
		i = ALIGN_DOWN(i, BITS_PER_WORD) + BITS_PER_WORD;
	}
	return end;
}

static bool block_in_pool(const struct frame_pool *pool, uint64_t pa,
			  unsigned int order)
{
	uint64_t end;

	if (order > FRAME_MAX_ORDER || !IS_ALIGNED(pa, block_size(order)))
		return false;
	if (__builtin_add_overflow(pa, block_size(order), &end))
		return false;
	return pa >= pool->base && end <= pool->limit;
}

/* A free block's neighbour link: none, or another free block of order. */
static bool link_ok(const struct frame_pool *pool, unsigned int order,
		    uint64_t to)
{
	return !to || (block_in_pool(pool, to, order) && bit_test(pool, order, to));
}

/* ---------------------------------------------------------- free lists */

static struct free_link *link_of(const struct frame_pool *pool, uint64_t pa)
{
	return pool->phys_to_virt(pool->ctx, pa);
}

static void list_push(struct frame_pool *pool, unsigned int order, uint64_t pa)
{
	struct frame_list *list = &pool->free[order];
	struct free_link *link = link_of(pool, pa);

	link->next = list->head;
	link->prev = 0;
	if (list->head)
		link_of(pool, list->head)->prev = pa;
	list->head = pa;
	list->count++;
	bit_flip(pool, order, pa);
}

/*
 * False, with the pool marked broken and nothing changed, when the
 * block's links are not those of a free block on this list: the links
 * live in the free block itself, so a write after free shows here, and
 * following them would hand out frames in use.
 */
static bool list_remove(struct frame_pool *pool, unsigned int order,
			uint64_t pa)
{
	struct frame_list *list = &pool->free[order];
	struct free_link *link = link_of(pool, pa);

	if (!link_ok(pool, order, link->next) ||
	    !link_ok(pool, order, link->prev) ||
	    (link->prev ? link_of(pool, link->prev)->next != pa :
			  list->head != pa)) {
		if (!pool->broken_pa)
			pool->broken_pa = pa;
		return false;
	}
	if (link->prev)
		link_of(pool, link->prev)->next = link->next;
	else
		list->head = link->next;
	if (link->next)
		link_of(pool, link->next)->prev = link->prev;
	list->count--;
	bit_flip(pool, order, pa);
	return true;
}

/* ------------------------------------------------------------- queries */

/*
 * The order (at least from) of the free block that contains pa, or -1
 * when no free block of such an order does.
 */
static int free_order_from(const struct frame_pool *pool, uint64_t pa,
			   unsigned int from)
{
	for (unsigned int order = from; order <= FRAME_MAX_ORDER; order++) {
		uint64_t block = ALIGN_DOWN(pa, block_size(order));

		if (block_in_pool(pool, block, order) &&
		    bit_test(pool, order, block))
			return (int)order;
	}
	return -1;
}

/* True when any frame of the (in-pool, aligned) block is free. */
static bool block_any_free(const struct frame_pool *pool, uint64_t pa,
			   unsigned int order)
{
	/* smaller free blocks inside this one ... */
	for (unsigned int k = 0; k < order; k++) {
		if (bits_any(pool->bitmap[k], block_index(pool, pa, k),
			     1ULL << (order - k)))
			return true;
	}
	/* ... or this one, or a larger one containing it */
	return free_order_from(pool, pa, order) >= 0;
}

bool frame_is_free(const struct frame_pool *pool, uint64_t pa,
		   unsigned int order)
{
	uint64_t end;
	int k;

	if (!block_in_pool(pool, pa, order))
		return false;
	end = pa + block_size(order);
	/* hop from free block to free block; a gap means a used frame */
	while (pa < end) {
		k = free_order_from(pool, pa, 0);
		if (k < 0)
			return false;
		pa = ALIGN_DOWN(pa, block_size((unsigned int)k)) +
		     block_size((unsigned int)k);
	}
	return true;
}

/* -------------------------------------------------------- alloc / free */

/* Puts a block on the free lists, merging it with free buddies. */
static void release_block(struct frame_pool *pool, uint64_t pa,
			  unsigned int order)
{
	pool->free_bytes += block_size(order);
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = pa ^ block_size(order);

		if (!block_in_pool(pool, buddy, order) ||
		    !bit_test(pool, order, buddy) ||
		    !list_remove(pool, order, buddy))
			break;
		pa = MIN(pa, buddy);
		order++;
	}
	list_push(pool, order, pa);
}

/* Takes the free block pa of order have, keeping only its first 2^want frames. */
static bool take_block(struct frame_pool *pool, uint64_t pa, unsigned int have,
		       unsigned int want)
{
	if (!list_remove(pool, have, pa))
		return false;
	/* return the upper halves, largest first */
	while (have > want) {
		have--;
		list_push(pool, have, pa + block_size(have));
	}
	pool->free_bytes -= block_size(want);
	return true;
}

uint64_t frame_pool_add(struct frame_pool *pool, uint64_t base, uint64_t len)
{
	uint64_t end, added = 0;
	unsigned int order;

	/* the pool ends below 2^52, so clipping there loses nothing */
	if (__builtin_add_overflow(base, len, &end))
		end = UINT64_MAX;
	if (base >= pool->limit)
		return 0;
	base = MAX(ALIGN_UP(base, FRAME_SIZE), pool->base);
	end = MIN(ALIGN_DOWN(end, FRAME_SIZE), pool->limit);
	/* 0 means "none" in the lists, so frame 0 is never free */
	if (base == 0)
		base = FRAME_SIZE;
	while (base < end) {
		order = 0;
		while (order < FRAME_MAX_ORDER &&
		       IS_ALIGNED(base, block_size(order + 1)) &&
		       block_size(order + 1) <= end - base)
			order++;
		while (order > 0 && block_any_free(pool, base, order))
			order--;
		if (!block_any_free(pool, base, order)) {
			release_block(pool, base, order);
			added += block_size(order);
		}
		base += block_size(order);
	}
	return added;
}

int frame_alloc(struct frame_pool *pool, unsigned int order, uint64_t *pa)
{
	if (order > FRAME_MAX_ORDER)
		return -KEEL_EINVAL;
	if (pool->broken_pa)
		return -KEEL_EIO;
	for (unsigned int k = order; k <= FRAME_MAX_ORDER; k++) {
		uint64_t block = pool->free[k].head;

		if (!block)
			continue;
		if (!take_block(pool, block, k, order))
			return -KEEL_EIO;
		*pa = block;
		return 0;
	}
	return -KEEL_ENOMEM;
}

/*
 * The lowest free block of each order is found in its bitmap; an
 * allocation from a block returns its first 2^order frames. Trying the
 * smallest order first splits no large block that is not needed.
 */
int frame_alloc_below(struct frame_pool *pool, unsigned int order,
		      uint64_t limit, uint64_t *pa)
{
	if (order > FRAME_MAX_ORDER)
		return -KEEL_EINVAL;
	if (pool->broken_pa)
		return -KEEL_EIO;
	for (unsigned int k = order; k <= FRAME_MAX_ORDER; k++) {
		uint64_t end = order_bits(pool->base, pool->limit, k);
		uint64_t i = bits_find(pool->bitmap[k], 0, end);
		uint64_t block = ALIGN_DOWN(pool->base, block_size(k)) +
				 (i << block_shift(k));

		if (i == end || block + block_size(order) > limit)
			continue;
		if (!take_block(pool, block, k, order))
			return -KEEL_EIO;
		*pa = block;
		return 0;
	}
	return -KEEL_ENOMEM;
}

int frame_free(struct frame_pool *pool, uint64_t pa, unsigned int order)
{
	if (!pa || !block_in_pool(pool, pa, order))
		return -KEEL_EINVAL;
	if (block_any_free(pool, pa, order))
		return -KEEL_EINVAL;
	release_block(pool, pa, order);
	return pool->broken_pa ? -KEEL_EIO : 0;
}
