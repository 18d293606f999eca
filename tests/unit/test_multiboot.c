// SPDX-License-Identifier: MIT
/*
 * core/load/multiboot_parse.c: the header is found where the spec puts
 * it and nowhere else, its checksum and required flags are enforced, the
 * a.out-kludge addresses are checked against the file, and image kinds
 * are told apart.
 */
#include <string.h>

#include "test_util.h"

#include <core/load/multiboot_parse.h>
#include <keel/abi.h>

static uint8_t file[16384];

/* A header at off; with addresses, for a file loaded at 1 MiB. */
static void put_header(size_t off, uint32_t flags, bool addresses)
{
	uint32_t w[8] = { MB_HEADER_MAGIC, flags, 0,
			  0x100000 + (uint32_t)off, 0x100000, 0x101000,
			  0x102000, 0x100000 + (uint32_t)off + 32 };

	if (addresses)
		w[1] |= MB_FLAG_ADDRESSES;
	w[2] = -(w[0] + w[1]);
	memset(file, 0, sizeof(file));
	memcpy(file + off, w, sizeof(w));
}

static void test_found_anywhere_aligned_in_8k(void **state)
{
	struct mb_header h;
	const char *why = NULL;

	put_header(0, MB_FLAG_MEMINFO, false);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why), 0);
	assert_int_equal(h.offset, 0);
	assert_false(h.addresses);
	put_header(8192 - 12, MB_FLAG_PAGE_ALIGN, false);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why), 0);
	assert_int_equal(h.offset, 8192 - 12);
	/* past 8 KiB, unaligned, or cut off by the file's end: not there */
	put_header(8192, 0, false);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why),
			 -KEEL_ENOENT);
	put_header(0, 0, false);
	memmove(file + 2, file, 12);
	memset(file, 0, 2);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why),
			 -KEEL_ENOENT);
	put_header(0, 0, false);
	assert_int_equal(multiboot_parse(file, 11, &h, &why), -KEEL_ENOENT);
}

static void test_checksum(void **state)
{
	struct mb_header h;
	const char *why = NULL;

	put_header(64, 0, false);
	file[64 + 8] ^= 1;
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why),
			 -KEEL_ENOENT);
}

static void test_unknown_required_flag(void **state)
{
	struct mb_header h;
	const char *why = NULL;

	put_header(0, 1u << 3, false);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why),
			 -KEEL_ENOEXEC);
	assert_non_null(why);
	/* optional bits (16-31) Keel does not know are fine */
	put_header(0, 1u << 20, false);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why), 0);
}

static void test_addresses(void **state)
{
	struct mb_header h;
	const char *why = NULL;

	put_header(32, 0, true);
	assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why), 0);
	assert_true(h.addresses);
	assert_int_equal(h.file_offset, 0);
	assert_int_equal(h.load_addr, 0x100000);
	assert_int_equal(h.load_size, 0x1000);
	assert_int_equal(h.bss_end, 0x102000);
	assert_int_equal(h.entry, 0x100000 + 32 + 32);
}

/* Each address word set to a bad value in turn is refused. */
static void test_bad_addresses(void **state)
{
	static const struct { unsigned int word; uint32_t value; } bad[] = {
		{ 3, 0x0ffff0 },	/* header_addr below load_addr */
		{ 4, 0x0f0000 },	/* header before the file start */
		{ 5, 0x0ff000 },	/* load_end below load_addr */
		{ 5, 0x200000 },	/* load_end past the file */
		{ 6, 0x100800 },	/* bss_end below load_end */
		{ 7, 0x300000 },	/* entry outside */
		{ 7, 0x0fffff },
	};
	struct mb_header h;
	const char *why;

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(bad); i++) {
		uint32_t w[8];

		put_header(32, 0, true);
		memcpy(w, file + 32, sizeof(w));
		w[bad[i].word] = bad[i].value;
		memcpy(file + 32, w, sizeof(w));
		why = NULL;
		assert_int_equal(multiboot_parse(file, sizeof(file), &h, &why),
				 -KEEL_ENOEXEC);
		assert_non_null(why);
	}
	/* the address fields cut off by the end of the file */
	put_header(32, 0, true);
	assert_int_equal(multiboot_parse(file, 50, &h, &why), -KEEL_ENOEXEC);
}

static void test_kinds(void **state)
{
	put_header(0, 0, false);
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_MULTIBOOT);
	memset(file, 0, sizeof(file));
	memcpy(file, "\x7f" "ELF\x02", 5);
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_KEEL_ELF);
	file[4] = 1;	/* ELF32 without a Multiboot header */
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_OTHER);
	/* an ELF32 (or ELF64) file with a header: Multiboot, flag 16 or not */
	put_header(0x1000, 2, false);
	memcpy(file, "\x7f" "ELF\x01", 5);
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_MULTIBOOT);
	file[4] = 2;
	assert_int_equal(image_kind_of(file, sizeof(file)), IMAGE_MULTIBOOT);
	assert_int_equal(image_kind_of(file, 0), IMAGE_OTHER);
	assert_string_equal(image_kind_name(IMAGE_MULTIBOOT), "multiboot");
	assert_string_equal(image_kind_name(IMAGE_KEEL_ELF), "keel-elf");
	assert_string_equal(image_kind_name(IMAGE_OTHER), "other");
}

/* Random bytes never crash it, and a result is always consistent. */
static void test_random(void **state)
{
	uint64_t seed = 12;
	struct mb_header h;
	const char *why;

	for (unsigned int i = 0; i < 2000; i++) {
		size_t size = test_rand(&seed) % 200;

		put_header(0, 0, true);
		for (size_t b = 12; b < 32; b++)
			if (test_rand(&seed) % 4 == 0)
				file[b] = (uint8_t)test_rand(&seed);
		if (multiboot_parse(file, size, &h, &why) == 0 && h.addresses) {
			assert_true(h.file_offset + (uint64_t)h.load_size <= size);
			assert_true(h.entry >= h.load_addr && h.entry < h.bss_end);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_anywhere_aligned_in_8k),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_unknown_required_flag),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
