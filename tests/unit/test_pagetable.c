// SPDX-License-Identifier: MIT
/*
 * mm/pagetable.c on the host, for each of the three entry encodings. The
 * expected hardware bits are spelled out here independently of the
 * product's format table, from the SDM and APM.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

#include <keel/abi.h>
#include <mm/pagetable.h>

#define TABLE_PHYS   0x200000000ULL	/* fake physical base of table frames */
#define TABLE_FRAMES 4096
#define K4           PT_PAGE_4K
#define M2           PT_PAGE_2M
#define G1           PT_PAGE_1G
#define ADDR_BITS    0x000ffffffffff000ULL
#define POISON       0xa5

/* x86-64 (SDM Vol. 3A table 4-19/4-20) */
#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define PWT 0x8ULL
#define PCD 0x10ULL
#define PS  0x80ULL
#define NX  (1ULL << 63)
/* EPT (SDM Vol. 3C table 29-6) */
#define ER  0x1ULL
#define EW  0x2ULL
#define EX  0x4ULL
#define EWB (6ULL << 3)

/* ------------------------------------------------------- fake frames */

struct table_mem {
	unsigned char *buf;
	bool used[TABLE_FRAMES];
	int next_free;
	long allocs, frees;
	long fail_after;	/* allocations left before failing; < 0: never */
};

static struct table_mem tm;

static void *tm_phys_to_virt(void *ctx, uint64_t pa)
{
	uint64_t i = (pa - TABLE_PHYS) / K4;

	assert_ptr_equal(ctx, &tm);
	assert_true(pa >= TABLE_PHYS && i < TABLE_FRAMES);
	assert_int_equal(pa % K4, 0);
	/* the walker must only look at tables it owns */
	assert_true(tm.used[i]);
	return tm.buf + i * K4;
}

static int tm_alloc(void *ctx, uint64_t *pa)
{
	if (tm.fail_after == 0)
		return -KEEL_ENOMEM;
	if (tm.fail_after > 0)
		tm.fail_after--;
	for (int n = 0; n < TABLE_FRAMES; n++) {
		int i = (tm.next_free + n) % TABLE_FRAMES;

		if (tm.used[i])
			continue;
		tm.used[i] = true;
		tm.next_free = i + 1;
		memset(tm.buf + (uint64_t)i * K4, 0, K4);
		tm.allocs++;
		*pa = TABLE_PHYS + (uint64_t)i * K4;
		return 0;
	}
	return -KEEL_ENOMEM;
}

static void tm_free(void *ctx, uint64_t pa)
{
	uint64_t i = (pa - TABLE_PHYS) / K4;

	assert_true(pa >= TABLE_PHYS && i < TABLE_FRAMES && pa % K4 == 0);
	assert_true(tm.used[i]);	/* no double free */
	memset(tm.buf + i * K4, POISON, K4);	/* catch use after free */
	tm.used[i] = false;
	tm.frees++;
}

static const struct pt_memory tm_ops = {
	.alloc_table = tm_alloc,
	.free_table = tm_free,
	.phys_to_virt = tm_phys_to_virt,
	.ctx = &tm,
};

static int setup(void **state)
{
	free(tm.buf);
	tm.buf = aligned_alloc(K4, (size_t)TABLE_FRAMES * K4);
	memset(tm.used, 0, sizeof(tm.used));
	tm.next_free = 0;
	tm.allocs = tm.frees = 0;
	tm.fail_after = -1;
	return tm.buf ? 0 : -1;
}

static int teardown(void **state)
{
	free(tm.buf);
	tm.buf = NULL;
	return 0;
}

static long tm_live(void)
{
	return tm.allocs - tm.frees;
}

static enum pt_kind kind_of(void **state)
{
	return (enum pt_kind)(uintptr_t)*state;
}

/* The va of the last size bytes the table can map. */
static uint64_t top_va(void **state, uint64_t size)
{
	/* PT_HOST: the top of the upper canonical half */
	return (kind_of(state) == PT_HOST ? 0 : PT_ADDR_LIMIT) - size;
}

static void unmap_everything(struct page_table *pt)
{
	if (pt->kind != PT_HOST) {
		assert_int_equal(pt_unmap(pt, 0, PT_ADDR_LIMIT), 0);
		return;
	}
	assert_int_equal(pt_unmap(pt, 0, PT_ADDR_LIMIT / 2), 0);
	assert_int_equal(pt_unmap(pt, 0 - PT_ADDR_LIMIT / 2, PT_ADDR_LIMIT / 2), 0);
}

static void new_pt(struct page_table *pt, void **state, bool allow_1g)
{
	assert_int_equal(pt_init(pt, kind_of(state), allow_1g, &tm_ops), 0);
	assert_int_equal(pt->table_count, 1);
	assert_int_equal(tm_live(), 1);
}

static void end_pt(struct page_table *pt)
{
	pt_destroy(pt);
	assert_int_equal(pt->table_count, 0);
	assert_int_equal(tm_live(), 0);
}

/* ------------------------------------------------- expected encodings */

static uint64_t want_table(enum pt_kind kind, uint64_t pa)
{
	switch (kind) {
	case PT_HOST:
		return pa | P | RW;
	case PT_NPT:
		return pa | P | RW | US;
	default:
		return pa | ER | EW | EX;
	}
}

/* level 0: 4K, 1: 2M, 2: 1G */
static uint64_t want_leaf(enum pt_kind kind, uint64_t pa, unsigned int perms,
			  int level)
{
	uint64_t e = pa | (level ? PS : 0);

	if (kind == PT_EPT) {
		e |= ER;
		e |= perms & PT_W ? EW : 0;
		e |= perms & PT_X ? EX : 0;
		e |= perms & PT_UC ? 0 : EWB;
		return e;
	}
	e |= P | (kind == PT_NPT ? US : 0);
	e |= perms & PT_W ? RW : 0;
	e |= perms & PT_X ? 0 : NX;
	e |= perms & PT_UC ? PCD | PWT : 0;
	return e;
}

static bool present(enum pt_kind kind, uint64_t e)
{
	return kind == PT_EPT ? (e & (ER | EW | EX)) : (e & P);
}

/* The raw entry for va at level (3 = PML4 ... 0 = PT), or 0. */
static uint64_t raw_entry(const struct page_table *pt, uint64_t va, int level)
{
	uint64_t table = pt->root;

	for (int l = 3;; l--) {
		const uint64_t *t = tm_phys_to_virt(&tm, table);
		uint64_t e = t[(va >> (12 + 9 * l)) & 511];

		if (l == level)
			return e;
		if (!present(pt->kind, e) || (e & PS))
			return 0;
		table = e & ADDR_BITS;
	}
}

/* Every non-root table holds something; returns how many tables exist. */
static long count_tables(const struct page_table *pt, uint64_t table, int level)
{
	const uint64_t *t = tm_phys_to_virt(&tm, table);
	long n = 1, entries = 0;

	for (int i = 0; i < PT_ENTRIES; i++) {
		if (!t[i])
			continue;
		assert_true(present(pt->kind, t[i]));
		entries++;
		if (level > 0 && !(t[i] & PS)) {
			assert_int_equal(t[i], want_table(pt->kind, t[i] & ADDR_BITS));
			n += count_tables(pt, t[i] & ADDR_BITS, level - 1);
		}
	}
	assert_true(entries > 0 || table == pt->root);
	return n;
}

static void check_tables(const struct page_table *pt)
{
	assert_int_equal(count_tables(pt, pt->root, 3), pt->table_count);
	assert_int_equal(pt->table_count, tm_live());
}

/* ---------------------------------------------------------- leaf lists */

struct leaf {
	uint64_t va, pa, size;
	unsigned int perms;
};

struct leaves {
	struct leaf l[2048];
	int n;
	int stop_at;	/* return 7 from this call on, if > 0 */
};

static int collect(void *arg, uint64_t va, uint64_t pa, uint64_t size,
		   unsigned int perms)
{
	struct leaves *ls = arg;

	if (ls->n < (int)TEST_ARRAY_SIZE(ls->l))
		ls->l[ls->n] = (struct leaf){ va, pa, size, perms };
	ls->n++;
	return ls->stop_at && ls->n >= ls->stop_at ? 7 : 0;
}

static struct leaves *walk_all(const struct page_table *pt)
{
	static struct leaves ls;

	memset(&ls, 0, sizeof(ls));
	assert_int_equal(pt_walk(pt, collect, &ls), 0);
	for (int i = 1; i < ls.n && i < (int)TEST_ARRAY_SIZE(ls.l); i++)
		assert_true(ls.l[i - 1].va + ls.l[i - 1].size <= ls.l[i].va);
	return &ls;
}

static void check_translate(const struct page_table *pt, uint64_t va,
			    uint64_t pa, unsigned int perms, uint64_t size)
{
	uint64_t got_pa = 0, got_size = 0;
	unsigned int got_perms = 0;

	assert_true(pt_translate(pt, va, &got_pa, &got_perms, &got_size));
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_perms, perms);
	assert_int_equal(got_size, size);
}

static void check_unmapped(const struct page_table *pt, uint64_t va)
{
	uint64_t pa, size;
	unsigned int perms;

	assert_false(pt_translate(pt, va, &pa, &perms, &size));
}

/* ---------------------------------------------------------------- tests */

static void test_map_4k_bits(void **state)
{
	static const unsigned int perm_sets[] = {
		PT_R, PT_RW, PT_RX, PT_RWX, PT_RW | PT_UC, PT_RX | PT_UC,
	};
	enum pt_kind kind = kind_of(state);
	struct page_table pt;

	new_pt(&pt, state, true);
	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(perm_sets); i++) {
		uint64_t va = 0x1000 * (i + 1), pa = 0xabcde000ULL + 0x1000 * i;

		assert_int_equal(pt_map(&pt, va, pa, K4, perm_sets[i]), 0);
		assert_int_equal(raw_entry(&pt, va, 0),
				 want_leaf(kind, pa, perm_sets[i], 0));
		check_translate(&pt, va + 0x123, pa + 0x123, perm_sets[i], K4);
	}
	/* one table per level, linked with the table encoding */
	assert_int_equal(pt.table_count, 4);
	assert_int_equal(raw_entry(&pt, 0x1000, 3) & ~ADDR_BITS,
			 want_table(kind, 0));
	assert_int_equal(raw_entry(&pt, 0x1000, 2) & ~ADDR_BITS,
			 want_table(kind, 0));
	assert_int_equal(raw_entry(&pt, 0x1000, 1) & ~ADDR_BITS,
			 want_table(kind, 0));
	/* a 4K page at the very top of the address space, pa near 2^52 */
	assert_int_equal(pt_map(&pt, top_va(state, K4), (1ULL << 52) - K4, K4,
				PT_RW), 0);
	assert_int_equal(raw_entry(&pt, top_va(state, K4), 0),
			 want_leaf(kind, (1ULL << 52) - K4, PT_RW, 0));
	check_tables(&pt);
	end_pt(&pt);
}

static void test_map_2m_bits(void **state)
{
	enum pt_kind kind = kind_of(state);
	struct page_table pt;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, M2, 0x40000000, M2, PT_RW), 0);
	assert_int_equal(pt_map(&pt, 2 * M2, 0x40200000, M2, PT_RX | PT_UC), 0);
	assert_int_equal(raw_entry(&pt, M2, 1),
			 want_leaf(kind, 0x40000000, PT_RW, 1));
	assert_int_equal(raw_entry(&pt, 2 * M2, 1),
			 want_leaf(kind, 0x40200000, PT_RX | PT_UC, 1));
	assert_int_equal(pt.table_count, 3);
	check_translate(&pt, M2 + 0x12345, 0x40012345, PT_RW, M2);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_map_1g_bits(void **state)
{
	enum pt_kind kind = kind_of(state);
	struct page_table pt;
	struct leaves *ls;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, G1, 2 * G1, G1, PT_RWX), 0);
	assert_int_equal(raw_entry(&pt, G1, 2), want_leaf(kind, 2 * G1, PT_RWX, 2));
	assert_int_equal(pt.table_count, 2);
	check_translate(&pt, G1 + 0x3456789, 2 * G1 + 0x3456789, PT_RWX, G1);
	end_pt(&pt);

	/* without allow_1g the same range takes 512 2 MiB pages */
	new_pt(&pt, state, false);
	assert_int_equal(pt_map(&pt, G1, 2 * G1, G1, PT_RWX), 0);
	assert_int_equal(pt.table_count, 3);
	ls = walk_all(&pt);
	assert_int_equal(ls->n, 512);
	assert_int_equal(ls->l[0].size, M2);
	assert_int_equal(raw_entry(&pt, G1 + 5 * M2, 1),
			 want_leaf(kind, 2 * G1 + 5 * M2, PT_RWX, 1));
	check_tables(&pt);
	end_pt(&pt);
}

static void test_largest_page(void **state)
{
	struct page_table pt;
	struct leaves *ls;
	static const struct leaf want[] = {
		{ G1 - K4, 0x80000000 - K4, K4, PT_RW },
		{ G1, 0x80000000, G1, PT_RW },
		{ 2 * G1, 0xc0000000, M2, PT_RW },
		{ 2 * G1 + M2, 0xc0200000, K4, PT_RW },
	};

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, G1 - K4, 0x80000000 - K4,
				K4 + G1 + M2 + K4, PT_RW), 0);
	ls = walk_all(&pt);
	assert_int_equal(ls->n, TEST_ARRAY_SIZE(want));
	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(want); i++) {
		assert_int_equal(ls->l[i].va, want[i].va);
		assert_int_equal(ls->l[i].pa, want[i].pa);
		assert_int_equal(ls->l[i].size, want[i].size);
		assert_int_equal(ls->l[i].perms, want[i].perms);
	}
	check_tables(&pt);
	end_pt(&pt);

	/* va and pa aligned differently: only 4 KiB pages fit */
	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, M2, 0x300000 + K4, M2, PT_R), 0);
	ls = walk_all(&pt);
	assert_int_equal(ls->n, 512);
	assert_int_equal(ls->l[511].va, 2 * M2 - K4);
	assert_int_equal(ls->l[511].pa, 0x300000 + M2);
	end_pt(&pt);
}

static void test_split_1g_by_unmap(void **state)
{
	struct page_table pt;
	struct leaves *ls;
	uint64_t hole = G1 + M2 + 3 * K4;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, G1, 4 * G1, G1, PT_RWX), 0);
	assert_int_equal(pt_unmap(&pt, hole, K4), 0);
	check_unmapped(&pt, hole);
	check_translate(&pt, hole - K4, 4 * G1 + M2 + 2 * K4, PT_RWX, K4);
	check_translate(&pt, hole + K4, 4 * G1 + M2 + 4 * K4, PT_RWX, K4);
	check_translate(&pt, G1, 4 * G1, PT_RWX, M2);
	check_translate(&pt, 2 * G1 - 1, 5 * G1 - 1, PT_RWX, M2);
	ls = walk_all(&pt);
	assert_int_equal(ls->n, 511 + 511);
	assert_int_equal(pt.table_count, 4);
	check_tables(&pt);
	/* filling the hole back does not merge, but maps it */
	assert_int_equal(pt_map(&pt, hole, 4 * G1 + M2 + 3 * K4, K4, PT_RWX), 0);
	assert_int_equal(walk_all(&pt)->n, 512 + 511);
	/* unmapping the rest frees every table below the root */
	assert_int_equal(pt_unmap(&pt, G1, G1), 0);
	assert_int_equal(pt.table_count, 1);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_split_2m_by_remap(void **state)
{
	enum pt_kind kind = kind_of(state);
	struct page_table pt;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, 0, 0x10000000, M2, PT_RW), 0);
	assert_int_equal(pt.table_count, 3);
	assert_int_equal(pt_map(&pt, 3 * K4, 0x99000, K4, PT_RX | PT_UC), 0);
	assert_int_equal(pt.table_count, 4);
	check_translate(&pt, 3 * K4, 0x99000, PT_RX | PT_UC, K4);
	check_translate(&pt, 2 * K4, 0x10002000, PT_RW, K4);
	check_translate(&pt, 4 * K4, 0x10004000, PT_RW, K4);
	check_translate(&pt, M2 - 1, 0x10000000 + M2 - 1, PT_RW, K4);
	assert_int_equal(raw_entry(&pt, M2 - K4, 0),
			 want_leaf(kind, 0x10000000 + M2 - K4, PT_RW, 0));
	assert_int_equal(walk_all(&pt)->n, 512);
	/* mapping the whole 2 MiB again replaces the table with one leaf */
	assert_int_equal(pt_map(&pt, 0, 0x20000000, M2, PT_R), 0);
	assert_int_equal(pt.table_count, 3);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_split_1g_by_remap(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, 0, 0, G1, PT_RWX), 0);
	assert_int_equal(pt_map(&pt, 5 * M2, 0x7fe00000, M2, PT_R), 0);
	check_translate(&pt, 5 * M2 + 8, 0x7fe00008, PT_R, M2);
	check_translate(&pt, 4 * M2, 4 * M2, PT_RWX, M2);
	check_translate(&pt, 6 * M2, 6 * M2, PT_RWX, M2);
	assert_int_equal(walk_all(&pt)->n, 512);
	assert_int_equal(pt.table_count, 3);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_unmap_frees_tables(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, K4, 0x5000, K4, PT_RW), 0);
	assert_int_equal(pt.table_count, 4);
	assert_int_equal(pt_unmap(&pt, K4, K4), 0);
	assert_int_equal(pt.table_count, 1);
	assert_int_equal(raw_entry(&pt, 0, 3), 0);

	/* ranges over several PML4 entries, then one unmap over all */
	assert_int_equal(pt_map(&pt, 0x7fffffe000ULL, 0x100000, 0x4000, PT_RW), 0);
	assert_int_equal(pt_map(&pt, 3ULL << 39, 0, G1 + M2 + K4, PT_RW), 0);
	assert_int_equal(pt_map(&pt, top_va(state, M2), 0, M2, PT_RW), 0);
	check_tables(&pt);
	unmap_everything(&pt);
	assert_int_equal(pt.table_count, 1);
	assert_int_equal(walk_all(&pt)->n, 0);
	/* unmapping nothing is fine */
	assert_int_equal(pt_unmap(&pt, G1, G1), 0);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_unmap_partial_keeps_rest(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, 0, 0x40000000, 4 * M2, PT_RW), 0);
	/* straddles the edge between two 2 MiB pages */
	assert_int_equal(pt_unmap(&pt, M2 - K4, 2 * K4), 0);
	check_unmapped(&pt, M2 - K4);
	check_unmapped(&pt, M2);
	check_translate(&pt, M2 - 2 * K4, 0x40000000 + M2 - 2 * K4, PT_RW, K4);
	check_translate(&pt, M2 + K4, 0x40000000 + M2 + K4, PT_RW, K4);
	check_translate(&pt, 2 * M2, 0x40000000 + 2 * M2, PT_RW, M2);
	assert_int_equal(pt.table_count, 5);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_translate(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, true);
	check_unmapped(&pt, 0);
	assert_int_equal(pt_map(&pt, 0x123456000ULL, 0x777000, K4, PT_RW), 0);
	check_translate(&pt, 0x123456fffULL, 0x777fff, PT_RW, K4);
	check_unmapped(&pt, 0x123457000ULL);
	check_unmapped(&pt, 0x123455fffULL);
	check_unmapped(&pt, PT_ADDR_LIMIT);
	check_unmapped(&pt, UINT64_MAX);
	end_pt(&pt);
}

static void test_walk_order_and_stop(void **state)
{
	struct page_table pt;
	struct leaves *ls;
	struct leaves stop = { .stop_at = 3 };

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, 5ULL << 39, 0x1000, K4, PT_R), 0);
	assert_int_equal(pt_map(&pt, 3 * G1, 0, G1, PT_R), 0);
	assert_int_equal(pt_map(&pt, 7 * M2, 0x2000, K4, PT_R), 0);
	assert_int_equal(pt_map(&pt, M2, 0x200000, M2, PT_R), 0);
	ls = walk_all(&pt);
	assert_int_equal(ls->n, 4);
	assert_int_equal(ls->l[0].va, M2);
	assert_int_equal(ls->l[1].va, 7 * M2);
	assert_int_equal(ls->l[2].va, 3 * G1);
	assert_int_equal(ls->l[3].va, 5ULL << 39);
	assert_int_equal(pt_walk(&pt, collect, &stop), 7);
	assert_int_equal(stop.n, 3);
	assert_int_equal(stop.l[2].va, 3 * G1);
	end_pt(&pt);
}

static void test_einval(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, 1, 0, K4, PT_R), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0x800, K4, PT_R), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0, K4 + 1, PT_R), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0, 0, PT_R), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0, K4, PT_W), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0, K4, PT_X | PT_UC), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0, K4, PT_R | 0x100), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, PT_ADDR_LIMIT, 0, K4, PT_R), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, PT_ADDR_LIMIT - K4, 0, 2 * K4, PT_R),
			 -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0xfffffffffffff000ULL, 0, 2 * K4, PT_R),
			 -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 1ULL << 52, K4, PT_R), -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, (1ULL << 52) - K4, 2 * K4, PT_R),
			 -KEEL_EINVAL);
	assert_int_equal(pt_map(&pt, 0, 0xfffffffffffff000ULL, 2 * K4, PT_R),
			 -KEEL_EINVAL);
	assert_int_equal(pt_unmap(&pt, 0, 0), -KEEL_EINVAL);
	assert_int_equal(pt_unmap(&pt, 0x10, K4), -KEEL_EINVAL);
	assert_int_equal(pt_unmap(&pt, 0, 0x10), -KEEL_EINVAL);
	assert_int_equal(pt_unmap(&pt, PT_ADDR_LIMIT - K4, 2 * K4), -KEEL_EINVAL);
	assert_int_equal(pt_unmap(&pt, K4, UINT64_MAX - 0xfff), -KEEL_EINVAL);
	assert_int_equal(pt.table_count, 1);
	assert_int_equal(walk_all(&pt)->n, 0);
	end_pt(&pt);
	assert_int_equal(pt_init(&pt, (enum pt_kind)99, true, &tm_ops),
			 -KEEL_EINVAL);
}

static void test_enomem(void **state)
{
	struct page_table pt;

	tm.fail_after = 0;
	assert_int_equal(pt_init(&pt, kind_of(state), true, &tm_ops),
			 -KEEL_ENOMEM);
	assert_int_equal(tm_live(), 0);
	tm.fail_after = -1;

	new_pt(&pt, state, true);
	/* fail at each depth: no empty table may stay behind */
	for (long ok = 0; ok < 3; ok++) {
		tm.fail_after = ok;
		assert_int_equal(pt_map(&pt, G1 + K4, 0, K4, PT_R), -KEEL_ENOMEM);
		assert_int_equal(pt.table_count, 1);
		check_tables(&pt);
	}
	tm.fail_after = -1;

	/* a split that cannot get its table changes nothing */
	assert_int_equal(pt_map(&pt, 0, 0x40000000, M2, PT_RW), 0);
	tm.fail_after = 0;
	assert_int_equal(pt_unmap(&pt, K4, K4), -KEEL_ENOMEM);
	assert_int_equal(pt_map(&pt, K4, 0, K4, PT_R), -KEEL_ENOMEM);
	tm.fail_after = -1;
	check_translate(&pt, K4, 0x40000000 + K4, PT_RW, M2);
	assert_int_equal(pt.table_count, 3);

	/* a prefix may be mapped when memory runs out midway */
	tm.fail_after = 1;
	assert_int_equal(pt_map(&pt, 4 * M2 - K4, 0, 2 * K4, PT_R), -KEEL_ENOMEM);
	tm.fail_after = -1;
	check_translate(&pt, 4 * M2 - K4, 0, PT_R, K4);
	check_unmapped(&pt, 4 * M2);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_destroy_frees_all(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, false);
	for (uint64_t i = 0; i < 64; i++)
		assert_int_equal(pt_map(&pt, i * (G1 + 3 * K4), i * M2, M2 + K4,
					PT_RW), 0);
	assert_true(pt.table_count > 64);
	check_tables(&pt);
	end_pt(&pt);
	assert_int_equal(tm.allocs, tm.frees);
}

#define HIGH_HALF   0xffff800000000000ULL
#define KERNEL_BASE 0xffffffff80000000ULL

/*
 * PT_HOST maps both canonical halves and reports them as such; stage-2
 * tables know no halves. Non-canonical ranges are refused.
 */
static void test_canonical_halves(void **state)
{
	bool host = kind_of(state) == PT_HOST;
	int want = host ? 0 : -KEEL_EINVAL;
	struct page_table pt;
	struct leaves *ls;

	new_pt(&pt, state, true);
	assert_int_equal(pt_map(&pt, KERNEL_BASE, 0x200000, M2 + K4, PT_RX), want);
	assert_int_equal(pt_map(&pt, HIGH_HALF, 0x1000, K4, PT_R), want);
	if (host) {
		check_translate(&pt, KERNEL_BASE + 0x1234, 0x201234, PT_RX, M2);
		check_translate(&pt, KERNEL_BASE + M2, 0x400000, PT_RX, K4);
		check_unmapped(&pt, KERNEL_BASE & (PT_ADDR_LIMIT - 1));
		/* the kernel lives in the last PML4 and PDPT entries */
		assert_int_equal(raw_entry(&pt, KERNEL_BASE, 1),
				 want_leaf(PT_HOST, 0x200000, PT_RX, 1));
		ls = walk_all(&pt);
		assert_int_equal(ls->n, 3);
		assert_int_equal(ls->l[0].va, HIGH_HALF);
		assert_int_equal(ls->l[1].va, KERNEL_BASE);
		assert_int_equal(ls->l[2].va, KERNEL_BASE + M2);
		/* the very top page */
		assert_int_equal(pt_map(&pt, 0 - K4, 0x5000, K4, PT_RW), 0);
		check_translate(&pt, 0 - 1, 0x5fff, PT_RW, K4);
		assert_int_equal(pt_unmap(&pt, KERNEL_BASE, 0 - KERNEL_BASE), 0);
		assert_int_equal(walk_all(&pt)->n, 1);
	} else {
		check_unmapped(&pt, KERNEL_BASE);
	}
	assert_int_equal(pt_unmap(&pt, KERNEL_BASE, K4), want);
	/* non-canonical: the hole between the halves, or crossing into it */
	if (host) {
		assert_int_equal(pt_map(&pt, PT_ADDR_LIMIT / 2, 0, K4, PT_R),
				 -KEEL_EINVAL);
		assert_int_equal(pt_map(&pt, HIGH_HALF - K4, 0, K4, PT_R),
				 -KEEL_EINVAL);
		assert_int_equal(pt_map(&pt, PT_ADDR_LIMIT / 2 - K4, 0, 2 * K4,
					PT_R), -KEEL_EINVAL);
		assert_int_equal(pt_unmap(&pt, PT_ADDR_LIMIT / 2 - K4, 2 * K4),
				 -KEEL_EINVAL);
		check_unmapped(&pt, PT_ADDR_LIMIT / 2);
	} else {
		assert_int_equal(pt_map(&pt, PT_ADDR_LIMIT / 2, 0, K4, PT_R), 0);
	}
	assert_int_equal(pt_map(&pt, 0 - K4, 0, 2 * K4, PT_R), -KEEL_EINVAL);
	pt_unmap(&pt, HIGH_HALF, K4);
	check_tables(&pt);
	end_pt(&pt);
}

static void test_root_pointer(void **state)
{
	struct page_table pt;

	new_pt(&pt, state, true);
	if (kind_of(state) == PT_EPT)
		/* 4-level walk (3 << 3), write-back (6) */
		assert_int_equal(pt_root_pointer(&pt), pt.root | 0x1e);
	else
		assert_int_equal(pt_root_pointer(&pt), pt.root);
	assert_int_equal(pt.root % K4, 0);
	end_pt(&pt);
}

/* --------------------------------------------------------- model soak */

#define MODEL_SPAN  (4 * G1)
#define MODEL_PAGES (MODEL_SPAN / K4)
#define MODEL_OPS   400
#define MODEL_NONE  0		/* perms 0: not mapped */
#define MODEL_ODD   (16 * M2)	/* longest map with va and pa out of step */

struct model_page {
	uint64_t pa;
	unsigned int perms;
};

struct model {
	struct model_page *page;
	uint64_t mapped;	/* pages the model has mapped */
	uint64_t walked;	/* pages pt_walk reported */
	uint64_t next_va;	/* pt_walk must ascend */
};

static uint64_t pick_aligned(uint64_t *seed, uint64_t span)
{
	static const uint64_t grains[] = { K4, M2, G1 };
	uint64_t grain = grains[test_rand(seed) % 3];

	return (test_rand(seed) % (span / grain)) * grain;
}

/* Each leaf agrees with the model at its first, middle and last page. */
static int model_check_leaf(void *arg, uint64_t va, uint64_t pa,
			    uint64_t size, unsigned int perms)
{
	struct model *m = arg;
	uint64_t probe[] = { va, va + (size / 2 & ~(K4 - 1)), va + size - K4 };

	assert_true(va >= m->next_va);
	assert_true(va + size <= MODEL_SPAN);
	assert_int_equal(va % size, 0);
	assert_int_equal(pa % size, 0);
	for (unsigned int j = 0; j < TEST_ARRAY_SIZE(probe); j++) {
		const struct model_page *p = &m->page[probe[j] / K4];

		assert_int_equal(p->perms, perms);
		assert_int_equal(p->pa, pa + probe[j] - va);
	}
	m->walked += size / K4;
	m->next_va = va + size;
	return 0;
}

static void model_apply(struct model *m, uint64_t va, uint64_t end,
			uint64_t pa, unsigned int perms)
{
	for (uint64_t p = va / K4; p < end / K4; p++) {
		m->mapped -= m->page[p].perms != MODEL_NONE;
		m->mapped += perms != MODEL_NONE;
		m->page[p].perms = perms;
		m->page[p].pa = pa + p * K4 - va;
	}
}

static void model_check(struct model *m, const struct page_table *pt,
			uint64_t *seed)
{
	m->walked = 0;
	m->next_va = 0;
	assert_int_equal(pt_walk(pt, model_check_leaf, m), 0);
	assert_int_equal(m->walked, m->mapped);
	for (int i = 0; i < 64; i++) {
		uint64_t v = test_rand(seed) % MODEL_SPAN;
		const struct model_page *p = &m->page[v / K4];
		uint64_t got_pa, size;
		unsigned int got;

		assert_int_equal(pt_translate(pt, v, &got_pa, &got, &size),
				 p->perms != MODEL_NONE);
		if (p->perms == MODEL_NONE)
			continue;
		assert_int_equal(got_pa, p->pa + v % K4);
		assert_int_equal(got, p->perms);
	}
	check_tables(pt);
}

/*
 * Random maps and unmaps with 4K, 2M and 1G edges against a page-by-page
 * model: every leaf, the mapped total, random translations and the table
 * tree (no empty table, count right) must agree after every step.
 */
static void test_model_soak(void **state)
{
	struct model m = { .page = calloc(MODEL_PAGES, sizeof(*m.page)) };
	struct page_table pt;
	uint64_t seed = 0x1234567 + (uint64_t)kind_of(state);

	assert_non_null(m.page);
	new_pt(&pt, state, true);
	for (int op = 0; op < MODEL_OPS; op++) {
		uint64_t va = pick_aligned(&seed, MODEL_SPAN);
		uint64_t end = va + K4 + pick_aligned(&seed, MODEL_SPAN / 2);
		/* mostly in step with va, so that large pages fit */
		uint64_t pa = (test_rand(&seed) % 1024) * G1 + va % G1;
		unsigned int perms = PT_R | (unsigned int)(test_rand(&seed) % 16);
		bool map = test_rand(&seed) % 3;

		if (test_rand(&seed) % 4 == 0) {
			pa += K4 * (1 + test_rand(&seed) % 511);
			end = MIN(end, va + MODEL_ODD);
		}
		end = MIN(end, MODEL_SPAN);
		if (map) {
			assert_int_equal(pt_map(&pt, va, pa, end - va, perms), 0);
			model_apply(&m, va, end, pa, perms);
		} else {
			assert_int_equal(pt_unmap(&pt, va, end - va), 0);
			model_apply(&m, va, end, 0, MODEL_NONE);
		}
		model_check(&m, &pt, &seed);
	}
	end_pt(&pt);
	free(m.page);
}

/* Each test gets fresh table memory, so one failure does not cascade. */
#define KIND_TEST(test, kind) \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, \
						 (void *)(kind))

#define KIND_TESTS(kind)                               \
	KIND_TEST(test_map_4k_bits, kind),             \
	KIND_TEST(test_map_2m_bits, kind),             \
	KIND_TEST(test_map_1g_bits, kind),             \
	KIND_TEST(test_largest_page, kind),            \
	KIND_TEST(test_split_1g_by_unmap, kind),       \
	KIND_TEST(test_split_2m_by_remap, kind),       \
	KIND_TEST(test_split_1g_by_remap, kind),       \
	KIND_TEST(test_unmap_frees_tables, kind),      \
	KIND_TEST(test_unmap_partial_keeps_rest, kind), \
	KIND_TEST(test_translate, kind),               \
	KIND_TEST(test_walk_order_and_stop, kind),     \
	KIND_TEST(test_einval, kind),                  \
	KIND_TEST(test_enomem, kind),                  \
	KIND_TEST(test_destroy_frees_all, kind),       \
	KIND_TEST(test_root_pointer, kind),            \
	KIND_TEST(test_canonical_halves, kind),        \
	KIND_TEST(test_model_soak, kind)

int main(void)
{
	const struct CMUnitTest host[] = { KIND_TESTS(PT_HOST) };
	const struct CMUnitTest ept[] = { KIND_TESTS(PT_EPT) };
	const struct CMUnitTest npt[] = { KIND_TESTS(PT_NPT) };
	int failed = 0;

	failed += cmocka_run_group_tests_name("pagetable_host", host, NULL, NULL);
	failed += cmocka_run_group_tests_name("pagetable_ept", ept, NULL, NULL);
	failed += cmocka_run_group_tests_name("pagetable_npt", npt, NULL, NULL);
	return failed;
}
