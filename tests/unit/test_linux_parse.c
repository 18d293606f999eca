// SPDX-License-Identifier: MIT
/*
 * core/load/linux_parse.c: the bzImage setup header (Linux
 * Documentation/x86/boot.rst) is recognised by its signatures, its
 * fields are read at their offsets with setup_sects 0 meaning 4, and a
 * kernel Keel cannot enter at its 64-bit entry, or whose header or
 * kernel lies outside the file, is refused with a reason. A header
 * shaped like Debian 12's cloud kernel's is the model.
 */
#include <string.h>

#include "test_util.h"

#include <core/load/linux_parse.h>
#include <core/load/multiboot_parse.h>
#include <keel/abi.h>

#define SETUP_SECTS 39u
#define KERNEL_OFF  ((SETUP_SECTS + 1) * 512u)
#define SYSSIZE     0x100u		/* 4 KiB of kernel */
#define FILE_SIZE   (KERNEL_OFF + SYSSIZE * 16 + 512)

static uint8_t file[FILE_SIZE];

static void put8(size_t off, uint8_t v) { file[off] = v; }
static void put16(size_t off, uint16_t v) { memcpy(file + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(file + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(file + off, &v, 8); }

/* A 2.15 header as Debian's 6.1 cloud kernel has it. */
static void make_bzimage(void)
{
	memset(file, 0, sizeof(file));
	file[0] = 'M';
	file[1] = 'Z';
	put8(LINUX_SETUP_SECTS, SETUP_SECTS);
	put32(LINUX_SYSSIZE, SYSSIZE);
	put16(LINUX_BOOT_FLAG, 0xaa55);
	put8(LINUX_JUMP, 0xeb);
	put8(LINUX_JUMP + 1, 0x6a);		/* header ends at 0x26c */
	put32(LINUX_HEADER, 0x53726448);	/* "HdrS" */
	put16(LINUX_VERSION, 0x020f);
	put8(LINUX_LOADFLAGS, LINUX_LOADED_HIGH);
	put32(LINUX_CODE32_START, 0x100000);
	put32(LINUX_INITRD_ADDR_MAX, 0x7fffffff);
	put32(LINUX_KERNEL_ALIGN, 0x200000);
	put8(LINUX_RELOCATABLE, 1);
	put16(LINUX_XLOADFLAGS, 0x7f);
	put32(LINUX_CMDLINE_SIZE, 0x7ff);
	put64(LINUX_PREF_ADDRESS, 0x1000000);
	put32(LINUX_INIT_SIZE, 0x3378000);
}

static int parse(size_t size, struct linux_header *h, const char **why)
{
	*why = NULL;
	return linux_parse(file, size, h, why);
}

static void test_fields(void **state)
{
	struct linux_header h;
	const char *why;

	make_bzimage();
	assert_true(linux_is_bzimage(file, sizeof(file)));
	assert_int_equal(parse(sizeof(file), &h, &why), 0);
	assert_int_equal(h.version, 0x020f);
	assert_int_equal(h.header_end, 0x26c);
	assert_int_equal(h.kernel_offset, KERNEL_OFF);
	assert_int_equal(h.kernel_size, SYSSIZE * 16);
	assert_int_equal(h.pref_address, 0x1000000);
	assert_int_equal(h.kernel_alignment, 0x200000);
	assert_true(h.relocatable);
	assert_int_equal(h.init_size, 0x3378000);
	assert_int_equal(h.initrd_addr_max, 0x7fffffff);
	assert_int_equal(h.cmdline_size, 0x7ff);
	assert_int_equal(h.xloadflags & LINUX_XLF_KERNEL_64, 1);
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_LINUX);
	assert_string_equal(image_kind_name(IMAGE_LINUX), "linux");
}

static void test_setup_sects_zero_means_four(void **state)
{
	struct linux_header h;
	const char *why;

	make_bzimage();
	put8(LINUX_SETUP_SECTS, 0);
	assert_int_equal(parse(sizeof(file), &h, &why), 0);
	assert_int_equal(h.kernel_offset, 5 * 512);
}

static void test_not_a_bzimage(void **state)
{
	struct linux_header h;
	const char *why;

	make_bzimage();
	put32(LINUX_HEADER, 0x53726449);
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOENT);
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_OTHER);
	make_bzimage();
	put16(LINUX_BOOT_FLAG, 0);
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOENT);
	make_bzimage();
	assert_int_equal(parse(LINUX_HEADER + 3, &h, &why), -KEEL_ENOENT);
	assert_false(linux_is_bzimage(file, 0));
}

/* Each change of the model that Keel must refuse, with a reason. */
static void test_refusals(void **state)
{
	struct linux_header h;
	const char *why;

	make_bzimage();
	put16(LINUX_VERSION, 0x020b);	/* 2.11: no xloadflags */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
	assert_non_null(strstr(why, "2.12"));

	make_bzimage();
	put16(LINUX_XLOADFLAGS, 0x7e);	/* no XLF_KERNEL_64 */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
	assert_non_null(strstr(why, "64-bit entry"));

	make_bzimage();
	put8(LINUX_LOADFLAGS, 0);	/* a zImage, loaded low */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);

	make_bzimage();
	put32(LINUX_SYSSIZE, SYSSIZE + 64);	/* past the end of the file */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
	assert_non_null(strstr(why, "syssize"));

	make_bzimage();
	put32(LINUX_SYSSIZE, 0);
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);

	make_bzimage();
	put32(LINUX_SYSSIZE, 0xffffffff);	/* * 16 overflows 32 bits */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);

	make_bzimage();		/* the setup sectors past the end */
	assert_int_equal(parse(KERNEL_OFF - 1, &h, &why), -KEEL_ENOEXEC);

	make_bzimage();
	put8(LINUX_JUMP + 1, 0x20);	/* header ends before init_size */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
	make_bzimage();
	put8(LINUX_JUMP + 1, 0xff);	/* past the zero page's header area */
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
	make_bzimage();
	put8(LINUX_SETUP_SECTS, 0);	/* 4 sectors ... */
	put8(LINUX_JUMP + 1, 0x80);	/* ... the header fits, 0x282 */
	assert_int_equal(parse(sizeof(file), &h, &why), 0);

	make_bzimage();
	put32(LINUX_KERNEL_ALIGN, 0x300000);
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
	assert_non_null(strstr(why, "power of two"));
	put32(LINUX_KERNEL_ALIGN, 0);
	assert_int_equal(parse(sizeof(file), &h, &why), -KEEL_ENOEXEC);
}

static void test_not_relocatable(void **state)
{
	struct linux_header h;
	const char *why;

	make_bzimage();
	put8(LINUX_RELOCATABLE, 0);
	put32(LINUX_KERNEL_ALIGN, 0x300000);	/* then not looked at */
	assert_int_equal(parse(sizeof(file), &h, &why), 0);
	assert_false(h.relocatable);
	assert_int_equal(h.kernel_alignment, 1);
}

static void test_init_size_covers_kernel(void **state)
{
	struct linux_header h;
	const char *why;

	make_bzimage();
	put32(LINUX_INIT_SIZE, 16);
	assert_int_equal(parse(sizeof(file), &h, &why), 0);
	assert_int_equal(h.init_size, SYSSIZE * 16);
}

static void test_random(void **state)
{
	uint64_t seed = 13;
	struct linux_header h;
	const char *why;

	for (unsigned int i = 0; i < 5000; i++) {
		size_t size = test_rand(&seed) % sizeof(file);

		make_bzimage();
		for (size_t b = LINUX_SETUP_SECTS; b < 0x270; b++)
			if (test_rand(&seed) % 16 == 0)
				file[b] = (uint8_t)test_rand(&seed);
		if (parse(size, &h, &why))
			continue;
		assert_true((uint64_t)h.kernel_offset + h.kernel_size <= size);
		assert_true(h.header_end <= h.kernel_offset);
		assert_true(h.init_size >= h.kernel_size);
		assert_true(h.kernel_alignment &&
			    !(h.kernel_alignment & (h.kernel_alignment - 1)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_setup_sects_zero_means_four),
		cmocka_unit_test(test_not_a_bzimage),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_not_relocatable),
		cmocka_unit_test(test_init_size_covers_kernel),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
