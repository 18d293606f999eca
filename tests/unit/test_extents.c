// SPDX-License-Identifier: MIT
/*
 * core/extents.c: the bookkeeping behind grow, shrink, release and
 * destroy. A fake host of 2 MiB units records who owns each one, so a
 * unit freed twice, freed while still mapped, or never freed is caught.
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <core/extents.h>

#define UNIT       (2ull << 20)
#define HOST_UNITS 512
#define MAX_EXT    64

/* Who holds each host unit: the pool, or the VM at which guest address. */
struct fake_host {
	bool in_vm[HOST_UNITS];
	uint64_t gpa[HOST_UNITS];
	unsigned int frees;		/* free_fn calls */
	uint64_t freed_bytes;
	uint64_t lowest_freed_gpa;	/* to check the order: top down */
};

static struct vm_extent slots[MAX_EXT];

static struct extent_list new_list(void)
{
	memset(slots, 0, sizeof(slots));
	return (struct extent_list){ .max = MAX_EXT, .ext = slots };
}

static void host_free(void *ctx, uint64_t hpa, uint64_t bytes)
{
	struct fake_host *h = ctx;
	uint64_t lowest = UINT64_MAX;

	assert_true(bytes > 0);
	assert_int_equal(hpa % UNIT, 0);
	assert_int_equal(bytes % UNIT, 0);
	for (uint64_t u = hpa / UNIT; u < (hpa + bytes) / UNIT; u++) {
		assert_true(u < HOST_UNITS);
		assert_true(h->in_vm[u]);	/* freed exactly once */
		h->in_vm[u] = false;
		/* range by range from the top down */
		assert_true(h->gpa[u] < h->lowest_freed_gpa);
		lowest = h->gpa[u] < lowest ? h->gpa[u] : lowest;
	}
	h->lowest_freed_gpa = lowest;
	h->frees++;
	h->freed_bytes += bytes;
}

/* Maps units [first, first+n) of the host at gpa, as vm_grow would. */
static void grow(struct extent_list *l, struct fake_host *h, uint64_t gpa,
		 unsigned int first, unsigned int n)
{
	assert_true(extents_append(l, gpa, first * UNIT, n * UNIT));
	for (unsigned int i = 0; i < n; i++) {
		assert_false(h->in_vm[first + i]);
		h->in_vm[first + i] = true;
		h->gpa[first + i] = gpa + i * UNIT;
	}
}

static uint64_t cut(struct extent_list *l, struct fake_host *h, uint64_t to,
		    uint64_t budget)
{
	h->lowest_freed_gpa = UINT64_MAX;
	return extents_cut_above(l, to, budget, host_free, h);
}

/* The list maps exactly [0, top), and the host agrees unit by unit. */
static void check_consistent(const struct extent_list *l,
			     const struct fake_host *h, uint64_t top)
{
	uint64_t gpa = 0, held = 0;

	for (unsigned int i = 0; i < l->count; i++) {
		const struct vm_extent *x = &l->ext[i];

		assert_int_equal(x->gpa, gpa);
		assert_true(x->bytes > 0);
		for (uint64_t off = 0; off < x->bytes; off += UNIT) {
			uint64_t u = (x->hpa + off) / UNIT;

			assert_true(h->in_vm[u]);
			assert_int_equal(h->gpa[u], x->gpa + off);
		}
		gpa += x->bytes;
	}
	assert_int_equal(gpa, top);
	for (unsigned int u = 0; u < HOST_UNITS; u++)
		held += h->in_vm[u] ? UNIT : 0;
	assert_int_equal(held, top);
}

static void test_append_until_full(void **state)
{
	struct extent_list l = new_list();
	struct fake_host h = { 0 };

	for (unsigned int i = 0; i < MAX_EXT; i++)
		grow(&l, &h, i * UNIT, i, 1);
	assert_false(extents_append(&l, MAX_EXT * UNIT, MAX_EXT * UNIT, UNIT));
	assert_int_equal(l.count, MAX_EXT);
	check_consistent(&l, &h, MAX_EXT * UNIT);
}

static void test_cut_splits_an_extent(void **state)
{
	struct extent_list l = new_list();
	struct fake_host h = { 0 };

	grow(&l, &h, 0, 100, 4);		/* [0, 8M) at unit 100 */
	grow(&l, &h, 4 * UNIT, 10, 8);	/* [8M, 24M) at unit 10 */
	assert_int_equal(cut(&l, &h, 6 * UNIT, UINT64_MAX), 6 * UNIT);
	assert_int_equal(h.frees, 1);	/* the top of the second only */
	assert_int_equal(l.count, 2);
	assert_int_equal(l.ext[1].bytes, 2 * UNIT);
	check_consistent(&l, &h, 6 * UNIT);
	/* down into the first: the second goes, the first is cut */
	assert_int_equal(cut(&l, &h, 2 * UNIT, UINT64_MAX), 4 * UNIT);
	assert_int_equal(l.count, 1);
	check_consistent(&l, &h, 2 * UNIT);
}

static void test_cut_respects_budget(void **state)
{
	struct extent_list l = new_list();
	struct fake_host h = { 0 };

	grow(&l, &h, 0, 0, 3);
	grow(&l, &h, 3 * UNIT, 50, 3);
	grow(&l, &h, 6 * UNIT, 20, 3);
	/* destroy's way: to 0, a budget per call, until nothing is left */
	assert_int_equal(cut(&l, &h, 0, 4 * UNIT), 4 * UNIT);
	check_consistent(&l, &h, 5 * UNIT);
	assert_int_equal(cut(&l, &h, 0, 4 * UNIT), 4 * UNIT);
	check_consistent(&l, &h, UNIT);
	assert_int_equal(cut(&l, &h, 0, 4 * UNIT), UNIT);
	check_consistent(&l, &h, 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(h.freed_bytes, 9 * UNIT);
}

/*
 * Two releases of the same top, one after the other (what the memory
 * claim makes of two racing ones): the second finds nothing to free.
 */
static void test_second_cut_frees_nothing(void **state)
{
	struct extent_list l = new_list();
	struct fake_host h = { 0 };

	grow(&l, &h, 0, 7, 5);
	assert_int_equal(cut(&l, &h, 3 * UNIT, UINT64_MAX), 2 * UNIT);
	assert_int_equal(cut(&l, &h, 3 * UNIT, UINT64_MAX), 0);
	assert_int_equal(h.frees, 1);
	check_consistent(&l, &h, 3 * UNIT);
	/* a cut at or above the top frees nothing either */
	assert_int_equal(cut(&l, &h, 9 * UNIT, UINT64_MAX), 0);
	assert_int_equal(cut(&l, &h, 0, 0), 0);
	check_consistent(&l, &h, 3 * UNIT);
}

/* Random grows from scattered host units and cuts: every unit freed once. */
static void test_soak(void **state)
{
	uint64_t seed = 0x5eed1234abcdull;

	for (int round = 0; round < 200; round++) {
		struct extent_list l = new_list();
		struct fake_host h = { 0 };
		uint64_t top = 0, bytes_in = 0;

		for (int step = 0; step < 300; step++) {
			uint64_t r = test_rand(&seed);

			if (r % 3 && l.count < MAX_EXT) {
				unsigned int n = 1 + (r >> 8) % 6;
				unsigned int first = (r >> 16) % (HOST_UNITS - n);
				bool taken = false;

				for (unsigned int i = 0; i < n; i++)
					taken |= h.in_vm[first + i];
				if (taken)
					continue;
				grow(&l, &h, top, first, n);
				top += n * UNIT;
				bytes_in += n * UNIT;
			} else {
				uint64_t to = top ? ((r >> 8) % (top / UNIT + 1)) * UNIT : 0;
				uint64_t budget = (r >> 24) & 1 ? UINT64_MAX :
						  (1 + (r >> 32) % 5) * UNIT;
				uint64_t want = to < top ? top - to : 0;
				uint64_t got = cut(&l, &h, to, budget);

				assert_int_equal(got, want < budget ? want : budget);
				top -= got;
			}
			check_consistent(&l, &h, top);
		}
		cut(&l, &h, 0, UINT64_MAX);
		check_consistent(&l, &h, 0);
		assert_int_equal(h.freed_bytes, bytes_in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_until_full),
		cmocka_unit_test(test_cut_splits_an_extent),
		cmocka_unit_test(test_cut_respects_budget),
		cmocka_unit_test(test_second_cut_frees_nothing),
		cmocka_unit_test(test_soak),
	};

	return cmocka_run_group_tests_name("extents", tests, NULL, NULL);
}
