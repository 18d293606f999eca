// SPDX-License-Identifier: MIT
/*
 * core/guest_mem.c on the host: a VM's memory grows in 2 MiB extents that
 * are zeroed before they are mapped, copies in and out go through the
 * stage-2 tables across extents and are refused whole when any byte is
 * outside, shrinking unmaps, shoots down, scrubs and frees, budgets bound
 * both, and the audit finds a leaf that maps a foreign frame or the
 * hypervisor.
 *
 * Host "physical" addresses are heap addresses: the hypervisor's memory
 * outside its image is identity mapped, so phys_to_virt is the identity
 * here too. The frame pool and the stage-2 shootdown are stubs that count.
 */
#include "test_util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <arch/vendor.h>
#include <core/stage2_tlb.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <mm/buddy.h>
#include <mm/frame_pool.h>
#include <mm/pagetable.h>

#define MIB (1024ull * 1024)
#define K4  4096ull

/* ------------------------------------------------------------ stubs */

static bool no_1g(void)
{
	return false;
}

static const struct vendor_ops test_vendor = { .stage2_1g = no_1g };
const struct vendor_ops *vendor = &test_vendor;

static struct {
	unsigned int live;		/* frames_alloc'd, not yet freed */
	unsigned int fail_after;	/* allocations left before -ENOMEM */
	unsigned int freed_dirty;	/* frees of blocks not scrubbed */
	unsigned int shootdowns;
} pool;

int frames_alloc(unsigned int order, uint64_t *pa)
{
	uint64_t size = FRAME_SIZE << order;
	void *p;

	if (!pool.fail_after)
		return -KEEL_ENOMEM;
	pool.fail_after--;
	p = aligned_alloc(size, size);
	assert_non_null(p);
	memset(p, 0xaa, size);	/* what a previous owner left */
	pool.live++;
	*pa = (uint64_t)p;
	return 0;
}

void frames_free(uint64_t pa, unsigned int order)
{
	const uint8_t *p = (const uint8_t *)pa;
	uint64_t size = FRAME_SIZE << order;

	for (uint64_t i = 0; i < size; i += 512)
		if (p[i]) {
			pool.freed_dirty++;
			break;
		}
	free((void *)pa);
	pool.live--;
}

void stage2_shootdown(struct vm *vm)
{
	pool.shootdowns++;
}

static int table_alloc(void *ctx, uint64_t *pa)
{
	void *p = aligned_alloc(K4, K4);

	assert_non_null(p);
	memset(p, 0, K4);
	*pa = (uint64_t)p;
	return 0;
}

static void table_free(void *ctx, uint64_t pa)
{
	free((void *)pa);
}

static void *table_virt(void *ctx, uint64_t pa)
{
	return (void *)pa;
}

static const struct pt_memory tables = {
	.alloc_table = table_alloc,
	.free_table = table_free,
	.phys_to_virt = table_virt,
};

/* ---------------------------------------------------------- fixture */

static int vm_setup(void **state)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	struct vm_extent *slots = calloc(VM_MAX_EXTENTS, sizeof(*slots));

	assert_non_null(vm);
	assert_non_null(slots);
	memset(&pool, 0, sizeof(pool));
	pool.fail_after = UINT32_MAX;
	/* a big VM's extent slots, as vm_table.c gives them */
	vm->extents = (struct extent_list){ .max = VM_MAX_EXTENTS,
					    .ext = slots };
	assert_int_equal(pt_init(&vm->stage2, PT_EPT, false, &tables), 0);
	vm_set_hypervisor_range(0, 0);
	*state = vm;
	return 0;
}

static int vm_teardown(void **state)
{
	struct vm *vm = *state;

	vm_free_memory(vm);
	assert_int_equal(pool.live, 0);
	assert_int_equal(pool.freed_dirty, 0);
	free(vm->extents.ext);
	free(vm);
	return 0;
}

static bool all_bytes(struct vm *vm, uint64_t gpa, size_t len, uint8_t b)
{
	uint8_t buf[4096];

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (guest_mem_read(vm, gpa, buf, n))
			return false;
		for (size_t i = 0; i < n; i++)
			if (buf[i] != b)
				return false;
		gpa += n;
		len -= n;
	}
	return true;
}

/* ------------------------------------------------------------ tests */

static void test_grow_maps_zeroed_extents(void **state)
{
	struct vm *vm = *state;

	assert_int_equal(vm_grow(vm, 6 * MIB, UINT64_MAX), 0);
	assert_int_equal(vm->mem_bytes, 6 * MIB);
	assert_int_equal(vm->extents.count, 3);
	assert_int_equal(pool.live, 3);
	for (unsigned int i = 0; i < vm->extents.count; i++) {
		assert_int_equal(vm->extents.ext[i].gpa, i * 2 * MIB);
		assert_int_equal(vm->extents.ext[i].bytes, 2 * MIB);
	}
	/* the 0xaa a previous owner left is gone */
	assert_true(all_bytes(vm, 0, 6 * MIB, 0));
	assert_int_equal(guest_mem_audit(vm), 0);
}

static void test_grow_rounds_up_to_2m_and_keeps_budget(void **state)
{
	struct vm *vm = *state;

	/* 3 MiB asks for two extents; a 2 MiB budget allows one */
	assert_int_equal(vm_grow(vm, 3 * MIB, 2 * MIB), 0);
	assert_int_equal(vm->mem_bytes, 2 * MIB);
	assert_int_equal(vm_grow(vm, 3 * MIB, UINT64_MAX), 0);
	assert_int_equal(vm->mem_bytes, 4 * MIB);
	/* growing to less is nothing */
	assert_int_equal(vm_grow(vm, 1 * MIB, UINT64_MAX), 0);
	assert_int_equal(vm->mem_bytes, 4 * MIB);
}

static void test_grow_out_of_frames(void **state)
{
	struct vm *vm = *state;

	pool.fail_after = 2;
	assert_int_equal(vm_grow(vm, 8 * MIB, UINT64_MAX), -KEEL_ENOMEM);
	/* what was mapped stays mapped and counted */
	assert_int_equal(vm->mem_bytes, 4 * MIB);
	assert_int_equal(vm->extents.count, 2);
	assert_int_equal(guest_mem_audit(vm), 0);
}

static void test_copies_cross_extents(void **state)
{
	struct vm *vm = *state;
	uint8_t in[8192], out[8192];

	assert_int_equal(vm_grow(vm, 4 * MIB, UINT64_MAX), 0);
	/* the two extents are separate heap blocks: the copy must walk */
	assert_true(vm->extents.ext[1].hpa != vm->extents.ext[0].hpa + 2 * MIB);
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(guest_mem_write(vm, 2 * MIB - 4096, in, sizeof(in)), 0);
	assert_int_equal(guest_mem_read(vm, 2 * MIB - 4096, out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(((uint8_t *)vm->extents.ext[1].hpa)[0], in[4096]);
	assert_int_equal(guest_mem_check(vm, 0, 4 * MIB), 0);
}

static void test_copy_outside_is_refused_whole(void **state)
{
	struct vm *vm = *state;
	uint8_t in[64];

	assert_int_equal(vm_grow(vm, 2 * MIB, UINT64_MAX), 0);
	memset(in, 0x5a, sizeof(in));
	/* straddles the end: nothing is written, not even the inside part */
	assert_true(guest_mem_write(vm, 2 * MIB - 32, in, sizeof(in)) < 0);
	assert_true(all_bytes(vm, 2 * MIB - 32, 32, 0));
	assert_true(guest_mem_read(vm, 2 * MIB, in, 1) < 0);
	assert_true(guest_mem_check(vm, UINT64_MAX - 8, 16) < 0);
}

static void test_shrink_unmaps_scrubs_and_frees(void **state)
{
	struct vm *vm = *state;
	uint8_t b = 0x77;

	assert_int_equal(vm_grow(vm, 6 * MIB, UINT64_MAX), 0);
	/* data in the part that goes: scrubbed before it is freed */
	assert_int_equal(guest_mem_write(vm, 5 * MIB, &b, 1), 0);
	assert_int_equal(vm_shrink(vm, 2 * MIB, UINT64_MAX), 0);
	assert_int_equal(vm->mem_bytes, 2 * MIB);
	assert_int_equal(vm->extents.count, 1);
	assert_int_equal(pool.live, 1);
	assert_int_equal(pool.freed_dirty, 0);
	assert_int_equal(pool.shootdowns, 1);
	assert_true(guest_mem_read(vm, 2 * MIB, &b, 1) < 0);
	assert_int_equal(guest_mem_audit(vm), 0);
	/* shrinking to more than there is changes nothing */
	assert_int_equal(vm_shrink(vm, 4 * MIB, UINT64_MAX), 0);
	assert_int_equal(vm->mem_bytes, 2 * MIB);
	assert_int_equal(pool.shootdowns, 1);
}

static void test_shrink_keeps_budget(void **state)
{
	struct vm *vm = *state;

	assert_int_equal(vm_grow(vm, 8 * MIB, UINT64_MAX), 0);
	assert_int_equal(vm_shrink(vm, 0, 2 * MIB), 0);
	assert_int_equal(vm->mem_bytes, 6 * MIB);
	assert_int_equal(vm_shrink(vm, 0, 4 * MIB), 0);
	assert_int_equal(vm->mem_bytes, 2 * MIB);
	assert_int_equal(pool.live, 1);
	assert_int_equal(vm_shrink(vm, 0, UINT64_MAX), 0);
	assert_int_equal(vm->mem_bytes, 0);
	assert_int_equal(vm->extents.count, 0);
	assert_int_equal(pool.live, 0);
}

static void test_audit_finds_foreign_frames(void **state)
{
	struct vm *vm = *state;
	uint64_t hpa;

	assert_int_equal(vm_grow(vm, 4 * MIB, UINT64_MAX), 0);
	assert_int_equal(guest_mem_audit(vm), 0);
	/* the tables map a frame the extents do not record */
	hpa = vm->extents.ext[1].hpa;
	vm->extents.ext[1].hpa += 2 * MIB;
	assert_int_equal(guest_mem_audit(vm), -KEEL_EFAULT);
	vm->extents.ext[1].hpa = hpa;
	/* a mapping beyond the last extent */
	vm->extents.count--;
	assert_int_equal(guest_mem_audit(vm), -KEEL_EFAULT);
	vm->extents.count++;
	/* a frame inside the hypervisor's range */
	vm_set_hypervisor_range(hpa + 4096, hpa + 8192);
	assert_int_equal(guest_mem_audit(vm), -KEEL_EFAULT);
	vm_set_hypervisor_range(0, 0);
	assert_int_equal(guest_mem_audit(vm), 0);
}

static void test_hypervisor_range_reported(void **state)
{
	uint64_t start, end;

	vm_set_hypervisor_range(0x100000, 0x300000);
	vm_hypervisor_range(&start, &end);
	assert_int_equal(start, 0x100000);
	assert_int_equal(end, 0x300000);
	vm_set_hypervisor_range(0, 0);
}

static void test_cmpxchg(void **state)
{
	struct vm *vm = *state;
	uint64_t q = 0x1122334455667788ull, got;
	uint32_t d;

	assert_int_equal(vm_grow(vm, 4 * MIB, UINT64_MAX), 0);
	assert_int_equal(guest_mem_write(vm, 2 * MIB + 0x100, &q, 8), 0);
	/* the whole word: done when old matches, else 1 and unchanged */
	assert_int_equal(guest_mem_cmpxchg(vm, 2 * MIB + 0x100, q, 7, 8), 0);
	assert_int_equal(guest_mem_read(vm, 2 * MIB + 0x100, &got, 8), 0);
	assert_int_equal(got, 7);
	assert_int_equal(guest_mem_cmpxchg(vm, 2 * MIB + 0x100, q, 9, 8), 1);
	assert_int_equal(guest_mem_read(vm, 2 * MIB + 0x100, &got, 8), 0);
	assert_int_equal(got, 7);
	/* a part of a word (a 32-bit page-table entry): the rest is kept */
	assert_int_equal(guest_mem_write(vm, 0x1000, &q, 8), 0);
	assert_int_equal(guest_mem_cmpxchg(vm, 0x1004, 0x11223344, 0x11223364,
					   4), 0);
	assert_int_equal(guest_mem_read(vm, 0x1000, &got, 8), 0);
	assert_int_equal(got, 0x1122336455667788ull);
	assert_int_equal(guest_mem_cmpxchg(vm, 0x1003, 0x55, 0xaa, 1), 0);
	assert_int_equal(guest_mem_cmpxchg(vm, 0x1001, 0x6677, 0, 2), 0);
	assert_int_equal(guest_mem_read(vm, 0x1000, &got, 8), 0);
	assert_int_equal(got, 0x11223364aa000088ull);
	assert_int_equal(guest_mem_cmpxchg(vm, 0x1000, 0x87, 0, 1), 1);
	/* across an 8-byte boundary, other sizes, outside RAM: refused */
	assert_int_equal(guest_mem_cmpxchg(vm, 0x1006, 0, 0, 4), -KEEL_EINVAL);
	assert_int_equal(guest_mem_cmpxchg(vm, 0x1000, 0, 0, 3), -KEEL_EINVAL);
	assert_true(guest_mem_cmpxchg(vm, 4 * MIB, 0, 0, 4) < 0);
	assert_int_equal(guest_mem_read(vm, 0x1000, &d, 4), 0);
	assert_int_equal(d, 0xaa000088);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, vm_setup, vm_teardown)
	const struct CMUnitTest tests[] = {
		T(test_grow_maps_zeroed_extents),
		T(test_grow_rounds_up_to_2m_and_keeps_budget),
		T(test_grow_out_of_frames),
		T(test_copies_cross_extents),
		T(test_copy_outside_is_refused_whole),
		T(test_cmpxchg),
		T(test_shrink_unmaps_scrubs_and_frees),
		T(test_shrink_keeps_budget),
		T(test_audit_finds_foreign_frames),
		T(test_hypervisor_range_reported),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
