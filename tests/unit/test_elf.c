// SPDX-License-Identifier: MIT
/*
 * core/load/elf.c. ELF images are built byte by byte here (gABI offsets
 * spelled out), not with <elf.h>, so that the test does not share the
 * product's idea of the layout.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <core/load/elf.h>
#include <keel/abi.h>

#define EHDR_SIZE  64
#define PHDR_SIZE  56
#define IMAGE_SIZE 0x3000
#define TEXT_VA    0xffffffff80100000ULL
#define TEXT_PA    0x100000ULL
#define TEXT_OFF   0x1000
#define TEXT_SIZE  0x100
#define DATA_OFF   0x2000
#define DATA_FILE  0x80
#define DATA_MEM   0x1000
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define PT_NULL 0
#define PT_LOAD 1
#define PT_NOTE 4

struct seg {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static unsigned char image[IMAGE_SIZE];

static void put(unsigned char *at, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		at[i] = (unsigned char)(v >> (8 * i));
}

static void put_phdr(unsigned int i, const struct seg *s)
{
	unsigned char *p = image + EHDR_SIZE + i * PHDR_SIZE;

	put(p + 0, s->type, 4);
	put(p + 4, s->flags, 4);
	put(p + 8, s->offset, 8);
	put(p + 16, s->vaddr, 8);
	put(p + 24, s->paddr, 8);
	put(p + 32, s->filesz, 8);
	put(p + 40, s->memsz, 8);
	put(p + 48, 0x1000, 8);
}

/* An x86-64 ET_EXEC header with program headers at 64, segments given. */
static void build(uint64_t entry, const struct seg *segs, unsigned int n)
{
	memset(image, 0, sizeof(image));
	memcpy(image, "\x7f" "ELF", 4);
	image[4] = 2;	/* ELFCLASS64 */
	image[5] = 1;	/* ELFDATA2LSB */
	image[6] = 1;	/* EV_CURRENT */
	put(image + 16, 2, 2);	/* ET_EXEC */
	put(image + 18, 62, 2);	/* EM_X86_64 */
	put(image + 20, 1, 4);
	put(image + 24, entry, 8);
	put(image + 32, EHDR_SIZE, 8);
	put(image + 52, EHDR_SIZE, 2);
	put(image + 54, PHDR_SIZE, 2);
	put(image + 56, n, 2);
	for (unsigned int i = 0; i < n; i++)
		put_phdr(i, &segs[i]);
	/* recognisable file bytes for the loader to copy */
	for (unsigned int i = TEXT_OFF; i < IMAGE_SIZE; i++)
		image[i] = (unsigned char)(i * 7 + 1);
}

static const struct seg text = {
	PT_LOAD, PF_R | PF_X, TEXT_OFF, TEXT_VA, TEXT_PA, TEXT_SIZE, TEXT_SIZE,
};
static const struct seg data = {
	PT_LOAD, PF_R | PF_W, DATA_OFF, TEXT_VA + 0x1000, TEXT_PA + 0x1000,
	DATA_FILE, DATA_MEM,
};

static void build_valid(void)
{
	const struct seg segs[] = { text, data };

	build(TEXT_VA + 0x10, segs, 2);
}

static struct elf_image img;

static int parse_size(size_t size, const char **why)
{
	*why = NULL;
	return elf_parse(image, size, &img, why);
}

static void expect_reject(const char *fragment)
{
	const char *why;

	assert_int_equal(parse_size(sizeof(image), &why), -KEEL_ENOEXEC);
	assert_non_null(why);
	if (!strstr(why, fragment))
		fail_msg("want '%s', got '%s'", fragment, why);
	/* why is optional */
	assert_int_equal(elf_parse(image, sizeof(image), &img, NULL),
			 -KEEL_ENOEXEC);
}

/* --------------------------------------------------------------- load */

#define LOAD_BASE TEXT_PA
#define LOAD_SIZE 0x2000

struct load_target {
	unsigned char mem[LOAD_SIZE];
	int calls;
	int fail_on;	/* return -KEEL_EIO on this call number, if > 0 */
};

static int write_mem(void *ctx, uint64_t addr, const void *bytes, uint64_t len)
{
	struct load_target *t = ctx;

	t->calls++;
	if (t->calls == t->fail_on)
		return -KEEL_EIO;
	/* every write lies inside the image's declared span */
	assert_true(addr >= img.paddr_lo && len <= img.paddr_hi - addr);
	assert_true(addr >= LOAD_BASE && addr - LOAD_BASE + len <= LOAD_SIZE);
	if (bytes)
		memcpy(t->mem + (addr - LOAD_BASE), bytes, len);
	else
		memset(t->mem + (addr - LOAD_BASE), 0, len);
	return 0;
}

static void test_valid_load(void **state)
{
	struct load_target *t = calloc(1, sizeof(*t));
	const char *why;

	build_valid();
	assert_int_equal(parse_size(sizeof(image), &why), 0);
	assert_int_equal(img.entry, TEXT_VA + 0x10);
	assert_int_equal(img.entry_paddr, TEXT_PA + 0x10);
	assert_int_equal(img.segment_count, 2);
	assert_int_equal(img.segments[0].vaddr, TEXT_VA);
	assert_int_equal(img.segments[0].paddr, TEXT_PA);
	assert_int_equal(img.segments[0].offset, TEXT_OFF);
	assert_int_equal(img.segments[0].flags, ELF_SEG_R | ELF_SEG_X);
	assert_int_equal(img.segments[1].filesz, DATA_FILE);
	assert_int_equal(img.segments[1].memsz, DATA_MEM);
	assert_int_equal(img.segments[1].flags, ELF_SEG_R | ELF_SEG_W);
	assert_int_equal(img.vaddr_lo, TEXT_VA);
	assert_int_equal(img.vaddr_hi, TEXT_VA + 0x1000 + DATA_MEM);
	assert_int_equal(img.paddr_lo, TEXT_PA);
	assert_int_equal(img.paddr_hi, TEXT_PA + 0x1000 + DATA_MEM);

	memset(t->mem, 0xee, sizeof(t->mem));
	assert_int_equal(elf_load(&img, image, write_mem, t), 0);
	assert_int_equal(t->calls, 3);	/* text, data, bss */
	assert_memory_equal(t->mem, image + TEXT_OFF, TEXT_SIZE);
	assert_int_equal(t->mem[TEXT_SIZE], 0xee);	/* gap untouched */
	assert_memory_equal(t->mem + 0x1000, image + DATA_OFF, DATA_FILE);
	for (unsigned int i = 0x1000 + DATA_FILE; i < LOAD_SIZE; i++)
		assert_int_equal(t->mem[i], 0);	/* .bss zeroed */
	free(t);
}

static void test_load_stops_at_error(void **state)
{
	struct load_target *t = calloc(1, sizeof(*t));
	const char *why;

	build_valid();
	assert_int_equal(parse_size(sizeof(image), &why), 0);
	t->fail_on = 2;
	assert_int_equal(elf_load(&img, image, write_mem, t), -KEEL_EIO);
	assert_int_equal(t->calls, 2);
	free(t);
}

static void test_ignores_other_segments(void **state)
{
	struct seg note = { PT_NOTE, PF_R, 0x10000000, 0, 0, 0x100000, 0x100000 };
	struct seg empty = { PT_LOAD, PF_R, 0, 0, 0, 0, 0 };
	const struct seg segs[] = { note, text, empty, data };
	const char *why;

	/* a PT_NOTE is not checked, an empty PT_LOAD is skipped */
	build(TEXT_VA, segs, 4);
	assert_int_equal(parse_size(sizeof(image), &why), 0);
	assert_int_equal(img.segment_count, 2);
	assert_int_equal(img.segments[1].paddr, data.paddr);
}

static void test_max_segments(void **state)
{
	struct seg segs[ELF_MAX_SEGMENTS + 1];
	const char *why;

	for (unsigned int i = 0; i <= ELF_MAX_SEGMENTS; i++) {
		segs[i] = text;
		segs[i].vaddr += i * 0x1000;
		segs[i].paddr += i * 0x1000;
	}
	build(TEXT_VA, segs, ELF_MAX_SEGMENTS);
	assert_int_equal(parse_size(sizeof(image), &why), 0);
	assert_int_equal(img.segment_count, ELF_MAX_SEGMENTS);
	build(TEXT_VA, segs, ELF_MAX_SEGMENTS + 1);
	expect_reject("too many loadable segments");
}

/* ----------------------------------------------------------- rejections */

static void test_bad_ident(void **state)
{
	build_valid();
	image[1] = 'e';
	expect_reject("bad magic");
	build_valid();
	image[4] = 1;	/* ELFCLASS32 */
	expect_reject("not a 64-bit");
	build_valid();
	image[5] = 2;	/* ELFDATA2MSB */
	expect_reject("not a little-endian");
	build_valid();
	image[6] = 0;
	expect_reject("version");
	build_valid();
	put(image + 20, 2, 4);
	expect_reject("version");
}

static void test_bad_header(void **state)
{
	build_valid();
	put(image + 18, 3, 2);	/* EM_386 */
	expect_reject("not an x86-64");
	build_valid();
	put(image + 16, 3, 2);	/* ET_DYN */
	expect_reject("not an executable");
	build_valid();
	put(image + 16, 1, 2);	/* ET_REL */
	expect_reject("not an executable");
	build_valid();
	put(image + 54, PHDR_SIZE + 8, 2);
	expect_reject("program header size");
}

static void test_phdrs_out_of_bounds(void **state)
{
	build_valid();
	put(image + 32, IMAGE_SIZE - PHDR_SIZE, 8);	/* 2 phdrs from here */
	expect_reject("program headers lie outside");
	build_valid();
	put(image + 32, UINT64_MAX - 8, 8);	/* offset + size wraps */
	expect_reject("program headers lie outside");
	build_valid();
	put(image + 56, 0xffff, 2);
	expect_reject("program headers lie outside");
}

static void test_segment_file_range(void **state)
{
	struct seg s = text;
	const char *why;

	s.offset = IMAGE_SIZE - TEXT_SIZE + 1;
	build(TEXT_VA, &s, 1);
	expect_reject("segment data lies outside");
	s.offset = UINT64_MAX - 0x10;	/* offset + filesz wraps */
	build(TEXT_VA, &s, 1);
	expect_reject("segment data lies outside");
	/* exactly to the end of the file is fine */
	s.offset = IMAGE_SIZE - TEXT_SIZE;
	build(TEXT_VA, &s, 1);
	assert_int_equal(parse_size(sizeof(image), &why), 0);
}

static void test_filesz_above_memsz(void **state)
{
	struct seg s = text;

	s.memsz = s.filesz - 1;
	build(TEXT_VA, &s, 1);
	expect_reject("file size exceeds its memory size");
}

static void test_address_overflow(void **state)
{
	struct seg s = text;

	s.vaddr = UINT64_MAX - 0x7f;	/* vaddr + memsz wraps */
	build(s.vaddr, &s, 1);
	expect_reject("address range overflows");
	s = text;
	s.paddr = UINT64_MAX - 0x7f;
	build(TEXT_VA, &s, 1);
	expect_reject("address range overflows");
	s = text;
	s.vaddr = 0 - (uint64_t)TEXT_SIZE;	/* ends exactly at 2^64 */
	build(s.vaddr, &s, 1);
	expect_reject("address range overflows");
	s = text;
	s.memsz = UINT64_MAX;
	build(TEXT_VA, &s, 1);
	expect_reject("address range overflows");
}

static void test_overlap(void **state)
{
	struct seg a = text, b = data;
	struct seg segs[2];

	/* virtual overlap by one byte */
	b.vaddr = a.vaddr + a.memsz - 1;
	segs[0] = a;
	segs[1] = b;
	build(TEXT_VA, segs, 2);
	expect_reject("segments overlap");
	/* physical overlap only */
	b = data;
	b.paddr = a.paddr;
	segs[1] = b;
	build(TEXT_VA, segs, 2);
	expect_reject("segments overlap");
	/* one inside the other, listed second first */
	b = data;
	b.vaddr = a.vaddr - 0x1000;
	b.memsz = 0x3000;
	segs[0] = b;
	segs[1] = a;
	build(TEXT_VA, segs, 2);
	expect_reject("segments overlap");
}

static void test_no_load_segment(void **state)
{
	struct seg note = { PT_NOTE, PF_R, TEXT_OFF, 0, 0, 0x10, 0x10 };

	build(TEXT_VA, &note, 1);
	expect_reject("no loadable segment");
	build(TEXT_VA, NULL, 0);
	expect_reject("no loadable segment");
}

static void test_entry_outside_exec(void **state)
{
	const struct seg segs[] = { text, data };

	build(TEXT_VA + TEXT_SIZE, segs, 2);	/* one past the end */
	expect_reject("entry point");
	build(TEXT_VA + 0x1000, segs, 2);	/* inside data: not X */
	expect_reject("entry point");
	build(TEXT_VA - 1, segs, 2);
	expect_reject("entry point");
	build(0, segs, 2);
	expect_reject("entry point");
	/* last byte of text is fine */
	build(TEXT_VA + TEXT_SIZE - 1, segs, 2);
	assert_int_equal(elf_parse(image, sizeof(image), &img, NULL), 0);
}

/*
 * Every truncation of a valid image: rejected while any header or segment
 * byte is missing, accepted once the last one is there. Each length gets
 * its own exact-size heap copy, so ASan sees any read past the end.
 */
static void test_truncated(void **state)
{
	size_t needed = DATA_OFF + DATA_FILE;

	build_valid();
	for (size_t len = 0; len <= sizeof(image); len++) {
		unsigned char *copy = malloc(len ? len : 1);
		const char *why = NULL;
		int rc;

		memcpy(copy, image, len);
		rc = elf_parse(copy, len, &img, &why);
		if (len < needed) {
			assert_int_equal(rc, -KEEL_ENOEXEC);
			assert_non_null(why);
		} else {
			assert_int_equal(rc, 0);
		}
		free(copy);
	}
}

/* ---------------------------------------------------------------- ELF32 */

#define EHDR32_SIZE 52
#define PHDR32_SIZE 32
#define TEXT32_VA   0xc0100000ULL	/* a higher-half kernel's link address */

static void put_phdr32(unsigned int i, const struct seg *s)
{
	unsigned char *p = image + EHDR32_SIZE + i * PHDR32_SIZE;

	put(p + 0, s->type, 4);
	put(p + 4, s->offset, 4);
	put(p + 8, s->vaddr, 4);
	put(p + 12, s->paddr, 4);
	put(p + 16, s->filesz, 4);
	put(p + 20, s->memsz, 4);
	put(p + 24, s->flags, 4);
	put(p + 28, 0x1000, 4);
}

/* An i386 ET_EXEC header with program headers at 52, segments given. */
static void build32(uint64_t entry, const struct seg *segs, unsigned int n)
{
	memset(image, 0, sizeof(image));
	memcpy(image, "\x7f" "ELF", 4);
	image[4] = 1;	/* ELFCLASS32 */
	image[5] = 1;	/* ELFDATA2LSB */
	image[6] = 1;	/* EV_CURRENT */
	put(image + 16, 2, 2);	/* ET_EXEC */
	put(image + 18, 3, 2);	/* EM_386 */
	put(image + 20, 1, 4);
	put(image + 24, entry, 4);
	put(image + 28, EHDR32_SIZE, 4);
	put(image + 40, EHDR32_SIZE, 2);
	put(image + 42, PHDR32_SIZE, 2);
	put(image + 44, n, 2);
	for (unsigned int i = 0; i < n; i++)
		put_phdr32(i, &segs[i]);
	for (unsigned int i = TEXT_OFF; i < IMAGE_SIZE; i++)
		image[i] = (unsigned char)(i * 7 + 1);
}

static const struct seg text32 = {
	PT_LOAD, PF_R | PF_X, TEXT_OFF, TEXT32_VA, TEXT_PA, TEXT_SIZE, TEXT_SIZE,
};
static const struct seg data32 = {
	PT_LOAD, PF_R | PF_W, DATA_OFF, TEXT32_VA + 0x1000, TEXT_PA + 0x1000,
	DATA_FILE, DATA_MEM,
};

static void build32_valid(void)
{
	const struct seg segs[] = { text32, data32 };

	build32(TEXT32_VA + 0x10, segs, 2);
}

static void expect_reject32(const char *fragment)
{
	const char *why = NULL;

	assert_int_equal(elf32_parse(image, sizeof(image), &img, &why),
			 -KEEL_ENOEXEC);
	assert_non_null(why);
	if (!strstr(why, fragment))
		fail_msg("want '%s', got '%s'", fragment, why);
	assert_int_equal(elf_parse_any(image, sizeof(image), &img, NULL),
			 -KEEL_ENOEXEC);
}

static void test_elf32_valid_load(void **state)
{
	struct load_target *t = calloc(1, sizeof(*t));
	const char *why = NULL;

	build32_valid();
	assert_int_equal(elf32_parse(image, sizeof(image), &img, &why), 0);
	assert_int_equal(img.entry, TEXT32_VA + 0x10);
	/* the entry by its segment's physical address, as GRUB takes it */
	assert_int_equal(img.entry_paddr, TEXT_PA + 0x10);
	assert_int_equal(img.segment_count, 2);
	assert_int_equal(img.segments[0].vaddr, TEXT32_VA);
	assert_int_equal(img.segments[0].paddr, TEXT_PA);
	assert_int_equal(img.segments[0].offset, TEXT_OFF);
	assert_int_equal(img.segments[0].flags, ELF_SEG_R | ELF_SEG_X);
	assert_int_equal(img.segments[1].filesz, DATA_FILE);
	assert_int_equal(img.segments[1].memsz, DATA_MEM);
	assert_int_equal(img.segments[1].flags, ELF_SEG_R | ELF_SEG_W);
	assert_int_equal(img.paddr_lo, TEXT_PA);
	assert_int_equal(img.paddr_hi, TEXT_PA + 0x1000 + DATA_MEM);
	assert_int_equal(img.vaddr_hi, TEXT32_VA + 0x1000 + DATA_MEM);

	memset(t->mem, 0xee, sizeof(t->mem));
	assert_int_equal(elf_load(&img, image, write_mem, t), 0);
	assert_int_equal(t->calls, 3);
	assert_memory_equal(t->mem, image + TEXT_OFF, TEXT_SIZE);
	assert_int_equal(t->mem[TEXT_SIZE], 0xee);
	assert_memory_equal(t->mem + 0x1000, image + DATA_OFF, DATA_FILE);
	for (unsigned int i = 0x1000 + DATA_FILE; i < LOAD_SIZE; i++)
		assert_int_equal(t->mem[i], 0);
	/* elf_parse_any picks the class */
	memset(&img, 0, sizeof(img));
	assert_int_equal(elf_parse_any(image, sizeof(image), &img, NULL), 0);
	assert_int_equal(img.entry_paddr, TEXT_PA + 0x10);
	build_valid();
	assert_int_equal(elf_parse_any(image, sizeof(image), &img, NULL), 0);
	assert_int_equal(img.entry, TEXT_VA + 0x10);
	free(t);
}

static void test_elf32_class_and_machine(void **state)
{
	const char *why = NULL;

	/* each parser takes its own class only */
	build32_valid();
	expect_reject("not a 64-bit");
	build_valid();
	assert_int_equal(elf32_parse(image, sizeof(image), &img, &why),
			 -KEEL_ENOEXEC);
	assert_non_null(strstr(why, "not a 32-bit"));
	build32_valid();
	put(image + 18, 62, 2);	/* EM_X86_64 in a 32-bit file */
	expect_reject32("not an i386");
	build32_valid();
	put(image + 16, 3, 2);	/* ET_DYN */
	expect_reject32("not an executable");
	build32_valid();
	image[5] = 2;
	expect_reject32("not a little-endian");
	build32_valid();
	put(image + 42, 56, 2);	/* an Elf64_Phdr size */
	expect_reject32("program header size");
	build32_valid();
	put(image + 28, IMAGE_SIZE - PHDR32_SIZE, 4);
	expect_reject32("program headers lie outside");
	build32_valid();
	put(image + 44, 0xffff, 2);
	expect_reject32("program headers lie outside");
	/* too short for either header */
	assert_int_equal(elf_parse_any(image, 4, &img, &why), -KEEL_ENOEXEC);
	assert_int_equal(elf32_parse(image, EHDR32_SIZE - 1, &img, &why),
			 -KEEL_ENOEXEC);
	assert_non_null(strstr(why, "shorter than an ELF header"));
}

static void test_elf32_segments(void **state)
{
	struct seg s = text32;
	struct seg segs[2];

	/* file range, sizes */
	s.offset = IMAGE_SIZE - TEXT_SIZE + 1;
	build32(TEXT32_VA, &s, 1);
	expect_reject32("segment data lies outside");
	s = text32;
	s.offset = 0xffffff80;	/* offset + filesz past 4 GiB and the file */
	build32(TEXT32_VA, &s, 1);
	expect_reject32("segment data lies outside");
	s = text32;
	s.memsz = s.filesz - 1;
	build32(TEXT32_VA, &s, 1);
	expect_reject32("file size exceeds");
	/* no segment reaches 2^32: widened sums must not slip past */
	s = text32;
	s.vaddr = 0x100000000ULL - TEXT_SIZE;
	build32(s.vaddr, &s, 1);
	expect_reject32("address range overflows");
	s = text32;
	s.paddr = 0xffffff80;
	build32(TEXT32_VA, &s, 1);
	expect_reject32("address range overflows");
	s = text32;
	s.memsz = 0xffffffff;
	build32(TEXT32_VA, &s, 1);
	expect_reject32("address range overflows");
	/* ending one byte short of 4 GiB is fine */
	s = text32;
	s.vaddr = s.paddr = 0xffffffffULL - TEXT_SIZE;
	build32(s.vaddr, &s, 1);
	assert_int_equal(elf32_parse(image, sizeof(image), &img, NULL), 0);
	assert_int_equal(img.paddr_hi, 0xffffffffULL);
	/* overlap, entry outside an executable segment, none to load */
	segs[0] = text32;
	segs[1] = data32;
	segs[1].paddr = text32.paddr;
	build32(TEXT32_VA, segs, 2);
	expect_reject32("segments overlap");
	segs[1] = data32;
	build32(TEXT32_VA + 0x1000, segs, 2);
	expect_reject32("entry point");
	build32(TEXT_PA, segs, 2);	/* the physical address is not e_entry */
	expect_reject32("entry point");
	build32(TEXT32_VA, NULL, 0);
	expect_reject32("no loadable segment");
}

static void test_elf32_truncated(void **state)
{
	size_t needed = DATA_OFF + DATA_FILE;

	build32_valid();
	for (size_t len = 0; len <= sizeof(image); len++) {
		unsigned char *copy = malloc(len ? len : 1);
		const char *why = NULL;
		int rc;

		memcpy(copy, image, len);
		rc = elf_parse_any(copy, len, &img, &why);
		if (len < needed) {
			assert_int_equal(rc, -KEEL_ENOEXEC);
			assert_non_null(why);
		} else {
			assert_int_equal(rc, 0);
		}
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_load),
		cmocka_unit_test(test_load_stops_at_error),
		cmocka_unit_test(test_ignores_other_segments),
		cmocka_unit_test(test_max_segments),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_phdrs_out_of_bounds),
		cmocka_unit_test(test_segment_file_range),
		cmocka_unit_test(test_filesz_above_memsz),
		cmocka_unit_test(test_address_overflow),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_no_load_segment),
		cmocka_unit_test(test_entry_outside_exec),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_elf32_valid_load),
		cmocka_unit_test(test_elf32_class_and_machine),
		cmocka_unit_test(test_elf32_segments),
		cmocka_unit_test(test_elf32_truncated),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
