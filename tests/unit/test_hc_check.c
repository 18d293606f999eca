// SPDX-License-Identifier: MIT
/*
 * core/hc_check.c: validation of hypercall arguments (docs/hypercalls.md
 * §3, §4.6-4.8). The guest-range checks run over real stage-2 tables (NPT
 * and EPT) built by mm/pagetable.c in a fake pool of table frames.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <core/hc_check.h>
#include <core/vm_desc.h>
#include <keel/abi.h>
#include <mm/pagetable.h>

#define K4  PT_PAGE_4K
#define M1  (1ULL << 20)
#define M2  (2ULL << 20)
#define G1  (1ULL << 30)
#define U64 UINT64_MAX

/* ------------------------------------------------ fake table frames */

#define POOL_PHYS   0x700000000ULL	/* fake host-physical base of tables */
#define POOL_FRAMES 64

struct pool {
	unsigned char *buf;
	bool used[POOL_FRAMES];
};

static struct pool pool;

static void *pool_virt(void *ctx, uint64_t pa)
{
	uint64_t i = (pa - POOL_PHYS) / K4;

	assert_ptr_equal(ctx, &pool);
	assert_true(pa >= POOL_PHYS && i < POOL_FRAMES && pa % K4 == 0);
	assert_true(pool.used[i]);
	return pool.buf + i * K4;
}

static int pool_alloc(void *ctx, uint64_t *pa)
{
	assert_ptr_equal(ctx, &pool);
	for (uint64_t i = 0; i < POOL_FRAMES; i++) {
		if (pool.used[i])
			continue;
		pool.used[i] = true;
		memset(pool.buf + i * K4, 0, K4);
		*pa = POOL_PHYS + i * K4;
		return 0;
	}
	return -KEEL_ENOMEM;
}

static void pool_free(void *ctx, uint64_t pa)
{
	uint64_t i = (pa - POOL_PHYS) / K4;

	assert_ptr_equal(ctx, &pool);
	assert_true(pa >= POOL_PHYS && i < POOL_FRAMES && pool.used[i]);
	memset(pool.buf + i * K4, 0xa5, K4);
	pool.used[i] = false;
}

static const struct pt_memory pool_ops = {
	.alloc_table = pool_alloc,
	.free_table = pool_free,
	.phys_to_virt = pool_virt,
	.ctx = &pool,
};

/* ------------------------------------------------- the guest's stage 2 */

/*
 * Guest RAM is gpa [0, RAM_END), backed by host frames at RAM_HPA + gpa,
 * except:
 *  - HV_GPA: the host frames there are the hypervisor's image, which
 *    vm_create's audit never maps into a guest, so those gpas are a hole;
 *  - HOLE_GPA: a plain unmapped hole;
 *  - MMIO_GPA: one page mapped uncached (a device, not RAM).
 * [RAM_END, STALE_END) is still mapped but beyond mem_bytes, as during a
 * shrink: the size, not the tables, decides.
 */
#define RAM_HPA   0x40000000ULL
#define RAM_END   (8 * M1)
#define STALE_END (10 * M1)
#define HV_GPA    (3 * M1)
#define HV_LEN    (64 * 1024)
#define HV_HPA    (RAM_HPA + HV_GPA)
#define HOLE_GPA  (6 * M1 + 2 * K4)
#define HOLE_LEN  (2 * K4)
#define MMIO_GPA  (5 * M1)
#define MMIO_HPA  0xfee00000ULL

static struct page_table s2;

static enum pt_kind kind_of(void **state)
{
	return (enum pt_kind)(uintptr_t)*state;
}

static int pool_setup(void)
{
	free(pool.buf);
	pool.buf = aligned_alloc(K4, (size_t)POOL_FRAMES * K4);
	memset(pool.used, 0, sizeof(pool.used));
	return pool.buf ? 0 : -1;
}

static int stage2_setup(void **state)
{
	if (pool_setup())
		return -1;
	if (pt_init(&s2, kind_of(state), false, &pool_ops) ||
	    pt_map(&s2, 0, RAM_HPA, STALE_END, PT_RWX) ||
	    pt_unmap(&s2, HV_GPA, HV_LEN) ||
	    pt_unmap(&s2, HOLE_GPA, HOLE_LEN) ||
	    pt_map(&s2, MMIO_GPA, MMIO_HPA, K4, PT_RW | PT_UC))
		return -1;
	return 0;
}

static int stage2_teardown(void **state)
{
	pt_destroy(&s2);
	free(pool.buf);
	pool.buf = NULL;
	return 0;
}

static int range(uint64_t gpa, uint64_t len)
{
	return hc_check_guest_range(&s2, RAM_END, gpa, len);
}

/* ------------------------------------------------- hc_check_guest_range */

static void test_range_fixture(void **state)
{
	uint64_t pa, size;
	unsigned int perms;

	/* what the other tests rely on: RAM large pages where untouched */
	assert_true(pt_translate(&s2, 0, &pa, &perms, &size));
	assert_int_equal(pa, RAM_HPA);
	assert_int_equal(size, M2);
	assert_false(perms & PT_UC);
	assert_true(pt_translate(&s2, MMIO_GPA + 8, &pa, &perms, &size));
	assert_int_equal(pa, MMIO_HPA + 8);
	assert_true(perms & PT_UC);
	assert_false(pt_translate(&s2, HV_GPA, &pa, &perms, &size));
	assert_false(pt_translate(&s2, HOLE_GPA + HOLE_LEN - 1, &pa, &perms,
				  &size));
	assert_true(pt_translate(&s2, RAM_END, &pa, &perms, &size));
}

static void test_range_inside_ram(void **state)
{
	assert_int_equal(range(0, 1), 0);
	assert_int_equal(range(0, K4), 0);
	assert_int_equal(range(0x123, 0x456), 0);
	assert_int_equal(range(0, HV_GPA), 0);		/* up to the hole */
	assert_int_equal(range(HV_GPA + HV_LEN, MMIO_GPA - HV_GPA - HV_LEN), 0);
	assert_int_equal(range(MMIO_GPA + K4, HOLE_GPA - MMIO_GPA - K4), 0);
	assert_int_equal(range(HOLE_GPA + HOLE_LEN,
			       RAM_END - HOLE_GPA - HOLE_LEN), 0);
	assert_int_equal(range(RAM_END - K4, K4), 0);
	assert_int_equal(range(RAM_END - 1, 1), 0);
	assert_int_equal(range(7 * M1, KEEL_CONSOLE_WRITE_MAX), 0);
	/* a smaller VM over the same tables */
	assert_int_equal(hc_check_guest_range(&s2, M2, 0, M2), 0);
	assert_int_equal(hc_check_guest_range(&s2, M2, M2 - 1, 1), 0);
}

static void test_range_page_crossing(void **state)
{
	/* unaligned ranges over 4K, 2M and split-page boundaries */
	assert_int_equal(range(K4 - 1, 2), 0);
	assert_int_equal(range(K4 - 8, K4 + 16), 0);
	assert_int_equal(range(M2 - 8, 16), 0);
	assert_int_equal(range(M2 - 1, M1 + 1), 0);	/* up to HV_GPA */
	assert_int_equal(range(HV_GPA - 3 * K4 + 5, 3 * K4 - 5), 0);
	assert_int_equal(range(HV_GPA + HV_LEN, 3 * K4 + 7), 0);
	/* the last byte decides: one byte into a bad page fails */
	assert_int_equal(range(HV_GPA - 3 * K4 + 5, 3 * K4 - 4), -KEEL_EFAULT);
	assert_int_equal(range(HOLE_GPA - 1, 1), 0);
	assert_int_equal(range(HOLE_GPA - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(HOLE_GPA + HOLE_LEN - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(HOLE_GPA + HOLE_LEN, 1), 0);
	/* and the first byte too */
	assert_int_equal(range(MMIO_GPA + K4 - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(MMIO_GPA + K4, 2), 0);
}

static void test_range_hole(void **state)
{
	assert_int_equal(range(HOLE_GPA, 1), -KEEL_EFAULT);
	assert_int_equal(range(HOLE_GPA + K4 + 100, 10), -KEEL_EFAULT);
	assert_int_equal(range(HOLE_GPA - K4, HOLE_LEN + 2 * K4), -KEEL_EFAULT);
	/* from good RAM across the hole into good RAM */
	assert_int_equal(range(6 * M1, M1), -KEEL_EFAULT);
	assert_int_equal(range(0, RAM_END), -KEEL_EFAULT);
}

static void test_range_mmio(void **state)
{
	assert_int_equal(range(MMIO_GPA, 1), -KEEL_EFAULT);
	assert_int_equal(range(MMIO_GPA + K4 - 1, 1), -KEEL_EFAULT);
	assert_int_equal(range(MMIO_GPA - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(MMIO_GPA - K4, K4), 0);
	assert_int_equal(range(MMIO_GPA - K4, K4 + 1), -KEEL_EFAULT);
	assert_int_equal(range(4 * M1, 2 * M1), -KEEL_EFAULT);
}

static void test_range_beyond_mem(void **state)
{
	/* mapped in stage 2 but beyond mem_bytes */
	assert_int_equal(range(RAM_END, 1), -KEEL_EFAULT);
	assert_int_equal(range(RAM_END - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(RAM_END - K4, K4 + 1), -KEEL_EFAULT);
	assert_int_equal(range(STALE_END - K4, K4), -KEEL_EFAULT);
	assert_int_equal(hc_check_guest_range(&s2, M2, M2 - 1, 2), -KEEL_EFAULT);
	assert_int_equal(hc_check_guest_range(&s2, M2, 0, M2 + 1), -KEEL_EFAULT);
	assert_int_equal(hc_check_guest_range(&s2, 0, 0, 1), -KEEL_EFAULT);
	/* unmapped and far away */
	assert_int_equal(range(STALE_END, 1), -KEEL_EFAULT);
	assert_int_equal(range(G1, K4), -KEEL_EFAULT);
	assert_int_equal(range(PT_ADDR_LIMIT - 1, 1), -KEEL_EFAULT);
	assert_int_equal(range(PT_ADDR_LIMIT, K4), -KEEL_EFAULT);
	assert_int_equal(range(U64 - 10, 5), -KEEL_EFAULT);
	assert_int_equal(range(U64, 0), 0);
	/* ends at the very top of the address space without wrapping */
	assert_int_equal(range(0, U64), -KEEL_EFAULT);
	assert_int_equal(range(1, U64 - 1), -KEEL_EFAULT);
	assert_int_equal(range(U64 - K4, K4), -KEEL_EFAULT);
}

static void test_range_wrap(void **state)
{
	assert_int_equal(range(U64, 1), -KEEL_EINVAL);
	assert_int_equal(range(1, U64), -KEEL_EINVAL);
	assert_int_equal(range(U64, U64), -KEEL_EINVAL);
	assert_int_equal(range(K4, U64 - K4 + 1), -KEEL_EINVAL);	/* = 2^64 */
	assert_int_equal(range(1ULL << 63, 1ULL << 63), -KEEL_EINVAL);
	/* a wrapping range that starts in good RAM */
	assert_int_equal(range(0x1000, U64 - 0x800), -KEEL_EINVAL);
	assert_int_equal(range(RAM_END - 1, U64), -KEEL_EINVAL);
}

static void test_range_zero_len(void **state)
{
	/* nothing to copy, nothing to refuse (§4.2: len 0 returns 0) */
	assert_int_equal(range(0, 0), 0);
	assert_int_equal(range(HV_GPA, 0), 0);
	assert_int_equal(range(MMIO_GPA, 0), 0);
	assert_int_equal(range(HOLE_GPA, 0), 0);
	assert_int_equal(range(RAM_END, 0), 0);
	assert_int_equal(range(1ULL << 60, 0), 0);
}

static int leaf_hits_hv(void *arg, uint64_t va, uint64_t pa, uint64_t size,
			unsigned int perms)
{
	(void)arg;
	(void)va;
	(void)perms;
	return pa < HV_HPA + HV_LEN && pa + size > HV_HPA;
}

static void test_range_hypervisor_frames(void **state)
{
	uint64_t pa, size;
	unsigned int perms;

	/* no leaf of the VM's tables reaches the hypervisor's frames ... */
	assert_int_equal(pt_walk(&s2, leaf_hits_hv, NULL), 0);
	for (uint64_t gpa = 0; gpa < STALE_END; gpa += K4) {
		if (pt_translate(&s2, gpa, &pa, &perms, &size))
			assert_false(pa >= HV_HPA && pa < HV_HPA + HV_LEN);
	}
	/* ... so every guest range over the gpas that would map them fails */
	for (uint64_t off = 0; off < HV_LEN; off += K4) {
		assert_int_equal(range(HV_GPA + off, 1), -KEEL_EFAULT);
		assert_int_equal(range(HV_GPA + off + K4 - 1, 1), -KEEL_EFAULT);
	}
	assert_int_equal(range(HV_GPA - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(HV_GPA + HV_LEN - 1, 2), -KEEL_EFAULT);
	assert_int_equal(range(HV_GPA - M1, M1 + HV_LEN + M1), -KEEL_EFAULT);
	assert_int_equal(range(HV_GPA - 1, 1), 0);
	assert_int_equal(range(HV_GPA + HV_LEN, 1), 0);
}

/* Gigabyte leaves: a range crossing a 1 GiB page boundary. */
static void test_range_1g_pages(void **state)
{
	struct page_table big;
	uint64_t pa, size;
	unsigned int perms;

	assert_int_equal(pt_init(&big, kind_of(state), true, &pool_ops), 0);
	assert_int_equal(pt_map(&big, 0, 4 * G1, 2 * G1, PT_RWX), 0);
	assert_true(pt_translate(&big, G1, &pa, &perms, &size));
	assert_int_equal(size, G1);
	assert_int_equal(hc_check_guest_range(&big, 2 * G1, G1 - 8, 16), 0);
	assert_int_equal(hc_check_guest_range(&big, 2 * G1, G1 - M2, 2 * M2), 0);
	assert_int_equal(hc_check_guest_range(&big, 2 * G1, 2 * G1 - K4, K4), 0);
	assert_int_equal(hc_check_guest_range(&big, 2 * G1, 2 * G1 - 1, 2),
			 -KEEL_EFAULT);
	assert_int_equal(hc_check_guest_range(&big, G1, G1 - 1, 2),
			 -KEEL_EFAULT);
	pt_destroy(&big);
}

/* ------------------------------------------- buffers and struct lengths */

static void test_buffer(void **state)
{
	assert_int_equal(hc_check_buffer(0, 0), 0);
	assert_int_equal(hc_check_buffer(0x1000, 4096), 0);
	assert_int_equal(hc_check_buffer(U64, 0), 0);
	assert_int_equal(hc_check_buffer(0, U64), 0);
	assert_int_equal(hc_check_buffer(1ULL << 63, (1ULL << 63) - 1), 0);
	assert_int_equal(hc_check_buffer(U64, 1), -KEEL_EINVAL);
	assert_int_equal(hc_check_buffer(1, U64), -KEEL_EINVAL);
	assert_int_equal(hc_check_buffer(1ULL << 63, 1ULL << 63), -KEEL_EINVAL);
	assert_int_equal(hc_check_buffer(U64 - 15, 17), -KEEL_EINVAL);
	assert_int_equal(hc_check_buffer(U64, U64), -KEEL_EINVAL);
}

static void test_struct_len(void **state)
{
	static const uint64_t sizes[] = {
		sizeof(struct keel_vm_config), sizeof(struct keel_vm_info),
		sizeof(struct keel_vcpu_stats), sizeof(struct keel_host_info),
		sizeof(struct keel_module_info),
	};

	/* 1.5: keel_vm_config grew by initrd[32]; 1.4 and 1.3 sizes are refused */
	assert_int_equal(sizeof(struct keel_vm_config), 416);
	assert_int_equal(hc_check_struct_len(384, sizeof(struct keel_vm_config)),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_struct_len(256, sizeof(struct keel_vm_config)),
			 -KEEL_EINVAL);

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(sizes); i++) {
		uint64_t s = sizes[i];

		assert_int_equal(hc_check_struct_len(s, s), 0);
		assert_int_equal(hc_check_struct_len(s - 1, s), -KEEL_EINVAL);
		assert_int_equal(hc_check_struct_len(s + 1, s), -KEEL_EINVAL);
		assert_int_equal(hc_check_struct_len(0, s), -KEEL_EINVAL);
		/* no truncation to 32 bits */
		assert_int_equal(hc_check_struct_len(s + (1ULL << 32), s),
				 -KEEL_EINVAL);
		assert_int_equal(hc_check_struct_len(U64, s), -KEEL_EINVAL);
	}
}

/* --------------------------------------------------- hc_check_vm_config */

#define ONLINE 0x0fULL	/* CPUs 0-3 in root mode */

static struct keel_vm_config elf_config(void)
{
	struct keel_vm_config c;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "guest");
	strcpy(c.image, "hello");
	c.mem_bytes = 64 * M1;
	c.vcpus = 1;
	c.prio = 8;
	c.slice_ms = 10;
	c.entry = KEEL_ENTRY_ELF;
	strcpy(c.args, "console=ttyS0 quiet");
	return c;
}

static struct keel_vm_config raw_config(void)
{
	struct keel_vm_config c = elf_config();

	memset(c.image, 0, sizeof(c.image));
	c.entry = KEEL_ENTRY_RAW;
	c.entry_rip = 0x100000;
	return c;
}

/*
 * hc_check_vm_config turns the configuration into a struct vm_desc and
 * checks it with vm_desc_check (tests/unit/test_vm_desc.c has its
 * boundaries); these are VM_CREATE's rules as the ABI states them.
 */
static uint64_t got_mem_max, got_cpus;

static void config_ok(const struct keel_vm_config *c, uint64_t online)
{
	struct vm_desc d;
	char why[VM_DESC_WHY_LEN] = "unset";
	int rc;

	got_mem_max = got_cpus = 0x5a5a5a5a;
	rc = hc_check_vm_config(c, online, &d, why, sizeof(why));
	if (rc)
		fail_msg("refused (%d): %s", rc, why[0] ? why : "(no reason)");
	assert_string_equal(why, "");
	got_mem_max = vm_desc_mem_max(&d);
	got_cpus = vm_desc_cpus(&d, online);
	/* the description is the configuration as it was given */
	assert_memory_equal(d.name, c->name, sizeof(d.name));
	assert_memory_equal(d.args, c->args, sizeof(d.args));
	assert_int_equal(d.mem, c->mem_bytes);
	assert_int_equal(d.cpu, VM_DESC_CPU_ANY);
	assert_int_equal(d.role, VM_ROLE_GUEST);
}

/* Refused with -EINVAL and a reason. */
static void config_bad(const struct keel_vm_config *c, uint64_t online)
{
	struct vm_desc d;
	char why[VM_DESC_WHY_LEN] = "";

	assert_int_equal(hc_check_vm_config(c, online, &d, why, sizeof(why)),
			 -KEEL_EINVAL);
	assert_true(why[0] != '\0');
}

static void test_config_accepts(void **state)
{
	struct keel_vm_config c = elf_config();

	config_ok(&c, ONLINE);
	assert_int_equal(got_mem_max, c.mem_bytes);	/* 0: same as mem */
	assert_int_equal(got_cpus, ONLINE);		/* 0: every CPU */
	c = raw_config();
	config_ok(&c, ONLINE);
	assert_int_equal(got_mem_max, c.mem_bytes);
}

static void test_config_reserved(void **state)
{
	struct keel_vm_config c = elf_config();

	c.flags = 2;
	config_bad(&c, ONLINE);
	c.flags = 1ULL << 63;
	config_bad(&c, ONLINE);
	/* 1.5: bit 0 is on_reboot=restart, for an image; not a raw VM's */
	c.flags = KEEL_VM_CFG_RESTART;
	config_ok(&c, ONLINE);
	c = raw_config();
	c.flags = KEEL_VM_CFG_RESTART;
	config_bad(&c, ONLINE);
	c = elf_config();
	c = elf_config();
	c.reserved = 1;
	config_bad(&c, ONLINE);
	c.reserved = 1ULL << 63;
	config_bad(&c, ONLINE);
}

static void test_config_name(void **state)
{
	struct keel_vm_config c = elf_config();

	memset(c.name, 0, sizeof(c.name));
	config_bad(&c, ONLINE);
	memset(c.name, 'n', sizeof(c.name));		/* 32: no NUL */
	config_bad(&c, ONLINE);
	c.name[31] = 0;					/* 31 */
	config_ok(&c, ONLINE);
	strcpy(c.name, "bad name");
	config_bad(&c, ONLINE);
	strcpy(c.name, "a/b");
	config_bad(&c, ONLINE);
	strcpy(c.name, "caf\xc3\xa9");
	config_bad(&c, ONLINE);
	strcpy(c.name, "x\n");
	config_bad(&c, ONLINE);
	memset(c.name, '#', sizeof(c.name));		/* garbage after the NUL */
	strcpy(c.name, "A-z_0.9");
	config_ok(&c, ONLINE);
}

static void test_config_entry_kinds(void **state)
{
	struct keel_vm_config c = elf_config();

	c.entry = 2;
	config_bad(&c, ONLINE);
	c.entry = 0xffffffff;
	config_bad(&c, ONLINE);
	/* ELF: a valid image name, no entry_rip */
	c = elf_config();
	memset(c.image, 0, sizeof(c.image));
	config_bad(&c, ONLINE);
	strcpy(c.image, "no such/path");
	config_bad(&c, ONLINE);
	memset(c.image, 'i', sizeof(c.image));
	config_bad(&c, ONLINE);
	c.image[31] = 0;
	config_ok(&c, ONLINE);
	c = elf_config();
	c.entry_rip = 0x100000;
	config_bad(&c, ONLINE);
	c.entry_rip = 1ULL << 63;
	config_bad(&c, ONLINE);
	/* raw: entry_rip and no image */
	c = raw_config();
	c.entry_rip = 0;
	config_bad(&c, ONLINE);
	c = raw_config();
	strcpy(c.image, "hello");
	config_bad(&c, ONLINE);
	c.image[0] = 0;			/* only the first byte says "none" */
	config_ok(&c, ONLINE);
}

static void test_config_mem(void **state)
{
	static const uint64_t bad[] = {
		0, 1, K4, M1, M2 - 1, M2 + K4, 3 * M1, 64 * M1 + 1,
		KEEL_MEM_MAX + M2, KEEL_MEM_MAX + K4, KEEL_MEM_MAX * 2,
		1ULL << 63, U64 & ~(M2 - 1), U64,
	};
	static const uint64_t good[] = { M2, 4 * M1, 1024 * M1, KEEL_MEM_MAX };
	struct keel_vm_config c = elf_config();

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(bad); i++) {
		c.mem_bytes = bad[i];
		config_bad(&c, ONLINE);
	}
	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(good); i++) {
		c.mem_bytes = good[i];
		config_ok(&c, ONLINE);
		assert_int_equal(got_mem_max, good[i]);
	}
}

static void test_config_mem_max(void **state)
{
	struct keel_vm_config c = elf_config();

	c.mem_max = 0;
	config_ok(&c, ONLINE);
	assert_int_equal(got_mem_max, 64 * M1);
	c.mem_max = 64 * M1;
	config_ok(&c, ONLINE);
	assert_int_equal(got_mem_max, 64 * M1);
	c.mem_max = 64 * M1 + M2;
	config_ok(&c, ONLINE);
	assert_int_equal(got_mem_max, 64 * M1 + M2);
	c.mem_max = KEEL_MEM_MAX;
	config_ok(&c, ONLINE);
	assert_int_equal(got_mem_max, KEEL_MEM_MAX);
	c.mem_max = 64 * M1 - M2;			/* below mem */
	config_bad(&c, ONLINE);
	c.mem_max = M2;
	config_bad(&c, ONLINE);
	c.mem_max = 128 * M1 + K4;			/* misaligned */
	config_bad(&c, ONLINE);
	c.mem_max = KEEL_MEM_MAX + M2;			/* above 64 GiB */
	config_bad(&c, ONLINE);
	c.mem_max = U64;
	config_bad(&c, ONLINE);
	c.mem_bytes = M2;				/* the widest span */
	c.mem_max = KEEL_MEM_MAX;
	config_ok(&c, ONLINE);
}

static void test_config_vcpus(void **state)
{
	struct keel_vm_config c = elf_config();

	for (uint32_t n = 1; n <= KEEL_MAX_VCPUS; n++) {
		c.vcpus = n;
		config_ok(&c, ONLINE);
	}
	c.vcpus = 0;
	config_bad(&c, ONLINE);
	c.vcpus = KEEL_MAX_VCPUS + 1;
	config_bad(&c, ONLINE);
	c.vcpus = 0xffffffff;
	config_bad(&c, ONLINE);
}

static void test_config_prio_slice(void **state)
{
	struct keel_vm_config c = elf_config();

	c.prio = 0;
	config_ok(&c, ONLINE);
	c.prio = 31;
	config_ok(&c, ONLINE);
	c.prio = 32;
	config_bad(&c, ONLINE);
	c.prio = KEEL_KEEP;		/* only VM_SET_SCHED knows "keep" */
	config_bad(&c, ONLINE);
	c = elf_config();
	c.slice_ms = 1;
	config_ok(&c, ONLINE);
	c.slice_ms = 100;
	config_ok(&c, ONLINE);
	c.slice_ms = 0;
	config_bad(&c, ONLINE);
	c.slice_ms = 101;
	config_bad(&c, ONLINE);
	c.slice_ms = KEEL_KEEP;
	config_bad(&c, ONLINE);
}

static void test_config_cpus(void **state)
{
	struct keel_vm_config c = elf_config();

	c.cpus = 0;
	config_ok(&c, ONLINE);
	assert_int_equal(got_cpus, ONLINE);
	config_ok(&c, 0x5);
	assert_int_equal(got_cpus, 0x5);
	c.cpus = 0x2;
	config_ok(&c, ONLINE);
	assert_int_equal(got_cpus, 0x2);
	c.cpus = ONLINE;
	config_ok(&c, ONLINE);
	assert_int_equal(got_cpus, ONLINE);
	c.cpus = 0x10;			/* CPU 4 is not in root mode */
	config_bad(&c, ONLINE);
	c.cpus = 0x11;			/* partly outside */
	config_bad(&c, ONLINE);
	c.cpus = 0x2;
	config_bad(&c, 0x5);		/* a hole in the online mask */
	c.cpus = ONLINE | 1ULL << 63;
	config_bad(&c, ONLINE);
	c.cpus = U64;
	config_bad(&c, ONLINE);
	c.cpus = U64;
	config_ok(&c, U64);		/* 64 CPUs */
	assert_int_equal(got_cpus, U64);
}

static void test_config_args(void **state)
{
	static const char bad[] = "\t\n\r\x1b\x01\x1f\x7f\x80\xc3\xff";
	struct keel_vm_config c = elf_config();

	memset(c.args, 0, sizeof(c.args));
	config_ok(&c, ONLINE);
	for (int ch = 0x20; ch <= 0x7e; ch++) {	/* every printable byte */
		c.args[0] = (char)ch;
		config_ok(&c, ONLINE);
	}
	memset(c.args, '~', sizeof(c.args));
	c.args[127] = 0;				/* 127 characters */
	config_ok(&c, ONLINE);
	c.args[127] = '~';				/* no NUL */
	config_bad(&c, ONLINE);
	for (const char *b = bad; *b; b++) {
		memset(c.args, 0, sizeof(c.args));
		strcpy(c.args, "a=1 ");
		c.args[4] = *b;
		config_bad(&c, ONLINE);
		memset(c.args, 'a', sizeof(c.args) - 1);
		c.args[127] = 0;
		c.args[126] = *b;		/* the last character */
		config_bad(&c, ONLINE);
		c.args[0] = *b;			/* the first */
		c.args[126] = 'a';
		config_bad(&c, ONLINE);
	}
	/* what follows the NUL is not looked at */
	memset(c.args, 0x01, sizeof(c.args));
	strcpy(c.args, "ok");
	config_ok(&c, ONLINE);
}

/* A Multiboot kernel's configuration: two modules and a command line. */
static struct keel_vm_config mb_config(void)
{
	struct keel_vm_config c = elf_config();

	strcpy(c.image, "mb_modes");
	strcpy(c.modules[0], "mbmod");
	strcpy(c.modules[1], "initrd.img");
	strcpy(c.args, "mb_modes test=1");
	return c;
}

static void test_config_modules(void **state)
{
	struct keel_vm_config c = mb_config();
	char why[VM_DESC_WHY_LEN];
	struct vm_desc d;

	assert_int_equal(hc_check_vm_config(&c, ONLINE, &d, why, sizeof(why)), 0);
	assert_int_equal(d.module_count, 2);
	assert_string_equal(d.modules[0], "mbmod");
	assert_string_equal(d.modules[1], "initrd.img");
	assert_string_equal(d.modules[2], "");
	assert_string_equal(d.args, "mb_modes test=1");
	/* all four */
	strcpy(c.modules[2], "m2");
	strcpy(c.modules[3], "m3");
	assert_int_equal(hc_check_vm_config(&c, ONLINE, &d, why, sizeof(why)), 0);
	assert_int_equal(d.module_count, 4);
	assert_string_equal(d.modules[3], "m3");
	/* none: a Keel ELF configuration as before 1.4 */
	c = elf_config();
	assert_int_equal(hc_check_vm_config(&c, ONLINE, &d, why, sizeof(why)), 0);
	assert_int_equal(d.module_count, 0);
}

/* 1.5: a Linux kernel's initrd, a name followed only by zeros. */
static void test_config_initrd(void **state)
{
	struct keel_vm_config c = elf_config();
	char why[VM_DESC_WHY_LEN];
	struct vm_desc d;

	strcpy(c.image, "vmlinuz");
	strcpy(c.initrd, "initrd.img");
	assert_int_equal(hc_check_vm_config(&c, ONLINE, &d, why, sizeof(why)), 0);
	assert_string_equal(d.initrd, "initrd.img");
	c.initrd[sizeof(c.initrd) - 1] = 'z';
	config_bad(&c, ONLINE);
	memset(c.initrd, 0, sizeof(c.initrd));
	strcpy(c.initrd, "a b");
	config_bad(&c, ONLINE);
	memset(c.initrd, 'a', sizeof(c.initrd));
	config_bad(&c, ONLINE);
	/* an initrd for a raw VM */
	c = raw_config();
	strcpy(c.initrd, "initrd.img");
	config_bad(&c, ONLINE);
}

static void test_config_module_gap(void **state)
{
	struct keel_vm_config c = mb_config();

	/* an entry after an empty one */
	memset(c.modules[1], 0, sizeof(c.modules[1]));
	strcpy(c.modules[2], "late");
	config_bad(&c, ONLINE);
	c = mb_config();
	memset(c.modules[0], 0, sizeof(c.modules[0]));
	config_bad(&c, ONLINE);
	c = mb_config();
	strcpy(c.modules[3], "last");
	config_bad(&c, ONLINE);
	/* an empty-looking entry with bytes after its NUL is no gap filler */
	c = mb_config();
	c.modules[2][5] = 'x';
	config_bad(&c, ONLINE);
}

static void test_config_module_names(void **state)
{
	static const char *const bad[] = {
		"has space", "slash/x", "semi;", "quote\"", "tab\tx", "\x7f",
	};
	struct keel_vm_config c = mb_config();

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(bad); i++) {
		c = mb_config();
		strcpy(c.modules[1], bad[i]);
		config_bad(&c, ONLINE);
	}
	/* not NUL-terminated: 32 name characters */
	c = mb_config();
	memset(c.modules[0], 'a', sizeof(c.modules[0]));
	config_bad(&c, ONLINE);
	/* 31 characters are fine */
	c = mb_config();
	memset(c.modules[0], 'a', sizeof(c.modules[0]) - 1);
	config_ok(&c, ONLINE);
	/* bytes after the NUL must be zero, unlike args */
	c = mb_config();
	c.modules[0][sizeof(c.modules[0]) - 1] = 'z';
	config_bad(&c, ONLINE);
	/* modules for a raw VM */
	c = raw_config();
	strcpy(c.modules[0], "mbmod");
	config_bad(&c, ONLINE);
}

static void test_config_why_on_every_refusal(void **state)
{
	/* every field broken at once, then each alone */
	struct keel_vm_config all;

	memset(&all, 0xff, sizeof(all));
	config_bad(&all, ONLINE);
	memset(&all, 0, sizeof(all));
	config_bad(&all, ONLINE);
	for (unsigned int off = 0; off < sizeof(all); off++) {
		struct keel_vm_config c = elf_config();
		char why[VM_DESC_WHY_LEN] = "";
		struct vm_desc d;
		int rc;

		((unsigned char *)&c)[off] ^= 0x80;
		rc = hc_check_vm_config(&c, ONLINE, &d, why, sizeof(why));
		if (rc) {
			assert_int_equal(rc, -KEEL_EINVAL);
			assert_true(why[0] != '\0');
		}
	}
}

/* -------------------------------------------------- hc_check_mem_target */

static void test_mem_target(void **state)
{
	uint64_t max = 256 * M1;

	assert_int_equal(hc_check_mem_target(64 * M1, max, 0), 0);
	assert_int_equal(hc_check_mem_target(64 * M1, max, KEEL_MEM_FORCE), 0);
	assert_int_equal(hc_check_mem_target(max, max, 0), 0);
	assert_int_equal(hc_check_mem_target(M2, max, 0), 0);
	assert_int_equal(hc_check_mem_target(KEEL_MEM_MAX, KEEL_MEM_MAX, 0), 0);
	/* unknown flag bits */
	assert_int_equal(hc_check_mem_target(64 * M1, max, 2), -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(64 * M1, max, 3), -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(64 * M1, max, 1ULL << 63),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(64 * M1, max, U64), -KEEL_EINVAL);
	/* misaligned */
	assert_int_equal(hc_check_mem_target(64 * M1 + K4, max, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(3 * M1, max, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(64 * M1 - 1, max, 0), -KEEL_EINVAL);
	/* above the VM's maximum, above 64 GiB */
	assert_int_equal(hc_check_mem_target(max + M2, max, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(KEEL_MEM_MAX + M2, U64, 0),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(U64 & ~(M2 - 1), U64, 0),
			 -KEEL_EINVAL);
	/* below 2 MiB */
	assert_int_equal(hc_check_mem_target(0, max, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(0, max, KEEL_MEM_FORCE),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_mem_target(M1, max, 0), -KEEL_EINVAL);
}

/* ----------------------------------------------------- hc_check_release */

static void test_release(void **state)
{
	uint64_t actual = 64 * M1, target = 32 * M1;

	assert_int_equal(hc_check_release(48 * M1, 16 * M1, actual, target), 0);
	assert_int_equal(hc_check_release(62 * M1, M2, actual, target), 0);
	assert_int_equal(hc_check_release(32 * M1, 32 * M1, actual, target), 0);
	assert_int_equal(hc_check_release(M2, 62 * M1, actual, 0), 0);
	assert_int_equal(hc_check_release(M2, 62 * M1, actual, M2), 0);
	/* misaligned gpa or len */
	assert_int_equal(hc_check_release(48 * M1 + K4, 16 * M1 - K4, actual,
					  target), -KEEL_EINVAL);
	assert_int_equal(hc_check_release(48 * M1, 16 * M1 - K4, actual,
					  target), -KEEL_EINVAL);
	assert_int_equal(hc_check_release(48 * M1 + 1, 16 * M1 - 1, actual,
					  target), -KEEL_EINVAL);
	/* empty */
	assert_int_equal(hc_check_release(actual, 0, actual, target),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_release(48 * M1, 0, actual, target),
			 -KEEL_EINVAL);
	/* wraps, even where the wrapped end would equal actual */
	assert_int_equal(hc_check_release(1ULL << 63, 1ULL << 63, 0, 0),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_release(U64 & ~(M2 - 1), actual + M2, actual,
					  target), -KEEL_EINVAL);
	assert_int_equal(hc_check_release(48 * M1, U64 & ~(M2 - 1), actual,
					  target), -KEEL_EINVAL);
	/* not ending at actual */
	assert_int_equal(hc_check_release(48 * M1, 8 * M1, actual, target),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_release(48 * M1, 32 * M1, actual, target),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_release(actual, M2, actual, target),
			 -KEEL_EINVAL);
	/* reaching below target */
	assert_int_equal(hc_check_release(30 * M1, 34 * M1, actual, target),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_release(62 * M1, M2, actual, actual),
			 -KEEL_EINVAL);
	/* below 2 MiB: a VM keeps at least that */
	assert_int_equal(hc_check_release(0, actual, actual, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_release(0, M2, M2, 0), -KEEL_EINVAL);
}

/* -------------------------------------------------- hc_check_vcpu_entry */

static void test_vcpu_entry(void **state)
{
	uint64_t mem = 64 * M1, st = 16 * 1024;

	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1, st, mem), 0);
	assert_int_equal(hc_check_vcpu_entry(1, 0, 4096, mem), 0);
	assert_int_equal(hc_check_vcpu_entry(mem - 1, 0, 4096, mem), 0);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0, 4096 + 16, mem), 0);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0, mem / 8, mem), 0);
	/* the area of 8 stacks ends exactly at the top */
	assert_int_equal(hc_check_vcpu_entry(0x100000, mem - 8 * st, st, mem), 0);
	/* rip */
	assert_int_equal(hc_check_vcpu_entry(0, 32 * M1, st, mem), -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(mem, 32 * M1, st, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(U64, 32 * M1, st, mem),
			 -KEEL_EINVAL);
	/* stack size */
	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1, 0, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1, 4095, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1, 4096 - 16, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1, 4096 + 8, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1, st + 1, mem),
			 -KEEL_EINVAL);
	/* the stacks of 8 vCPUs must fit, not just one */
	assert_int_equal(hc_check_vcpu_entry(0x100000, mem - 8 * st + 16, st,
					     mem), -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, mem - st, st, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, mem, st, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0, mem / 8 + 16, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0, mem, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0, 2 * mem, mem),
			 -KEEL_EINVAL);
	/* the stacks' base keeps every RSP 16-byte aligned */
	assert_int_equal(hc_check_vcpu_entry(0x100000, 32 * M1 + 8, st, mem),
			 -KEEL_EINVAL);
	/* the area wraps */
	assert_int_equal(hc_check_vcpu_entry(0x100000, U64 - 15, st, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0 - 8 * st, st, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 0 - 4 * st, st, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_vcpu_entry(0x100000, 1ULL << 63,
					     1ULL << 60, KEEL_MEM_MAX),
			 -KEEL_EINVAL);
}

/* ------------------------------------------------------- hc_check_sched */

static void test_sched(void **state)
{
	assert_int_equal(hc_check_sched(KEEL_KEEP, KEEL_KEEP), 0);
	assert_int_equal(hc_check_sched(KEEL_KEEP, 10), 0);
	assert_int_equal(hc_check_sched(5, KEEL_KEEP), 0);
	assert_int_equal(hc_check_sched(0, 1), 0);
	assert_int_equal(hc_check_sched(31, 100), 0);
	assert_int_equal(hc_check_sched(32, 10), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(32, KEEL_KEEP), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(0, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(0, 101), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(KEEL_KEEP, 0), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(KEEL_KEEP, 101), -KEEL_EINVAL);
	/*
	 * The values reach vm_set_sched as uint32_t: nothing above 32 bits
	 * may pass as a small value or as KEEL_KEEP.
	 */
	assert_int_equal(hc_check_sched(1ULL << 32 | 5, 10), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(5, 1ULL << 32 | 10), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(1ULL << 32 | KEEL_KEEP, 10),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(5, U64), -KEEL_EINVAL);
	assert_int_equal(hc_check_sched(U64, 10), -KEEL_EINVAL);
}

/* -------------------------------------------------------- hc_check_load */

static void test_load(void **state)
{
	uint64_t mem = 64 * M1;

	assert_int_equal(hc_check_load(0, KEEL_LOAD_MAX, mem), 0);
	assert_int_equal(hc_check_load(0x100000, 1, mem), 0);
	assert_int_equal(hc_check_load(mem - KEEL_LOAD_MAX, KEEL_LOAD_MAX, mem),
			 0);
	assert_int_equal(hc_check_load(mem - 1, 1, mem), 0);
	assert_int_equal(hc_check_load(mem, 0, mem), 0);
	/* too long: E2BIG, whatever the destination */
	assert_int_equal(hc_check_load(0, KEEL_LOAD_MAX + 1, mem), -KEEL_E2BIG);
	assert_int_equal(hc_check_load(U64, KEEL_LOAD_MAX + 1, mem),
			 -KEEL_E2BIG);
	assert_int_equal(hc_check_load(0, U64, mem), -KEEL_E2BIG);
	/* outside the VM's memory */
	assert_int_equal(hc_check_load(mem - KEEL_LOAD_MAX + 1, KEEL_LOAD_MAX,
				       mem), -KEEL_EINVAL);
	assert_int_equal(hc_check_load(mem, 1, mem), -KEEL_EINVAL);
	assert_int_equal(hc_check_load(mem + 1, 0, mem), -KEEL_EINVAL);
	assert_int_equal(hc_check_load(1ULL << 40, 16, mem), -KEEL_EINVAL);
	/* wraps */
	assert_int_equal(hc_check_load(U64, 1, mem), -KEEL_EINVAL);
	assert_int_equal(hc_check_load(U64 - 100, KEEL_LOAD_MAX, mem),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_load(U64 - 100, KEEL_LOAD_MAX, U64),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_load(U64 - 100, 100, U64), 0);
}

/* ------------------------------------------------------- hc_check_chunk */

static void test_chunk(void **state)
{
	uint64_t hdr = sizeof(struct keel_chunk);
	static const uint64_t maxes[] = { KEEL_CONSOLE_RING, KEEL_LOG_RING };

	assert_int_equal(hdr, 16);
	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(maxes); i++) {
		uint64_t max = maxes[i];

		assert_int_equal(hc_check_chunk(0x1000, hdr, max), 0);
		assert_int_equal(hc_check_chunk(0x1000, hdr + 1, max), 0);
		assert_int_equal(hc_check_chunk(0x1000, hdr + max, max), 0);
		assert_int_equal(hc_check_chunk(0x1000, 0, max), -KEEL_EINVAL);
		assert_int_equal(hc_check_chunk(0x1000, 1, max), -KEEL_EINVAL);
		assert_int_equal(hc_check_chunk(0x1000, hdr - 1, max),
				 -KEEL_EINVAL);
		assert_int_equal(hc_check_chunk(0x1000, hdr + max + 1, max),
				 -KEEL_EINVAL);
		assert_int_equal(hc_check_chunk(0x1000, U64, max), -KEEL_EINVAL);
		/* wraps */
		assert_int_equal(hc_check_chunk(U64 - hdr + 1, hdr, max),
				 -KEEL_EINVAL);
		assert_int_equal(hc_check_chunk(U64 - 10, hdr + 100, max),
				 -KEEL_EINVAL);
		assert_int_equal(hc_check_chunk(U64 - hdr, hdr, max), 0);
	}
	/* the documented extremes: 16400 and 65552 bytes */
	assert_int_equal(hc_check_chunk(0, 16400, KEEL_CONSOLE_RING), 0);
	assert_int_equal(hc_check_chunk(0, 16401, KEEL_CONSOLE_RING),
			 -KEEL_EINVAL);
	assert_int_equal(hc_check_chunk(0, 65552, KEEL_LOG_RING), 0);
	assert_int_equal(hc_check_chunk(0, 65553, KEEL_LOG_RING), -KEEL_EINVAL);
	assert_int_equal(hc_check_chunk(0, hdr, 0), 0);
	assert_int_equal(hc_check_chunk(0, hdr + 1, 0), -KEEL_EINVAL);
}

/* ---------------------------------------------------- hc_check_cpu_mask */

static void test_cpu_mask(void **state)
{
	assert_int_equal(hc_check_cpu_mask(0x1, ONLINE), 0);
	assert_int_equal(hc_check_cpu_mask(0x8, ONLINE), 0);
	assert_int_equal(hc_check_cpu_mask(ONLINE, ONLINE), 0);
	assert_int_equal(hc_check_cpu_mask(U64, U64), 0);
	assert_int_equal(hc_check_cpu_mask(0, ONLINE), -KEEL_EINVAL);
	assert_int_equal(hc_check_cpu_mask(0, U64), -KEEL_EINVAL);
	assert_int_equal(hc_check_cpu_mask(0x10, ONLINE), -KEEL_EINVAL);
	assert_int_equal(hc_check_cpu_mask(0x11, ONLINE), -KEEL_EINVAL);
	assert_int_equal(hc_check_cpu_mask(1ULL << 63, ONLINE), -KEEL_EINVAL);
	assert_int_equal(hc_check_cpu_mask(0x2, 0x5), -KEEL_EINVAL);
	assert_int_equal(hc_check_cpu_mask(0x1, 0), -KEEL_EINVAL);
}

/* ------------------------------------------------------------------ main */

#define RANGE_TEST(test, kind) \
	cmocka_unit_test_prestate_setup_teardown(test, stage2_setup, \
						 stage2_teardown, (void *)(kind))

#define RANGE_TESTS(kind)                              \
	RANGE_TEST(test_range_fixture, kind),          \
	RANGE_TEST(test_range_inside_ram, kind),       \
	RANGE_TEST(test_range_page_crossing, kind),    \
	RANGE_TEST(test_range_hole, kind),             \
	RANGE_TEST(test_range_mmio, kind),             \
	RANGE_TEST(test_range_beyond_mem, kind),       \
	RANGE_TEST(test_range_wrap, kind),             \
	RANGE_TEST(test_range_zero_len, kind),         \
	RANGE_TEST(test_range_hypervisor_frames, kind), \
	RANGE_TEST(test_range_1g_pages, kind)

int main(void)
{
	const struct CMUnitTest npt[] = { RANGE_TESTS(PT_NPT) };
	const struct CMUnitTest ept[] = { RANGE_TESTS(PT_EPT) };
	const struct CMUnitTest args[] = {
		cmocka_unit_test(test_buffer),
		cmocka_unit_test(test_struct_len),
		cmocka_unit_test(test_config_accepts),
		cmocka_unit_test(test_config_reserved),
		cmocka_unit_test(test_config_name),
		cmocka_unit_test(test_config_entry_kinds),
		cmocka_unit_test(test_config_mem),
		cmocka_unit_test(test_config_mem_max),
		cmocka_unit_test(test_config_vcpus),
		cmocka_unit_test(test_config_prio_slice),
		cmocka_unit_test(test_config_cpus),
		cmocka_unit_test(test_config_args),
		cmocka_unit_test(test_config_modules),
		cmocka_unit_test(test_config_module_gap),
		cmocka_unit_test(test_config_initrd),
		cmocka_unit_test(test_config_module_names),
		cmocka_unit_test(test_config_why_on_every_refusal),
		cmocka_unit_test(test_mem_target),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_vcpu_entry),
		cmocka_unit_test(test_sched),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_chunk),
		cmocka_unit_test(test_cpu_mask),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("hc_check_range_npt", npt, NULL,
					      NULL);
	failed += cmocka_run_group_tests_name("hc_check_range_ept", ept, NULL,
					      NULL);
	failed += cmocka_run_group_tests_name("hc_check_args", args, NULL, NULL);
	return failed;
}
