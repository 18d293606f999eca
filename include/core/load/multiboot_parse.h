/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot (version 1) header of a kernel image (Multiboot
 * Specification 0.6.96, 3.1): found in the first 8 KiB, 4-byte aligned,
 * magic 0x1BADB002, and magic + flags + checksum == 0 (mod 2^32). Pure C
 * without hypervisor state (tests/unit/test_multiboot.c, the fuzzer
 * tests/fuzz/fuzz_multiboot.c). Nothing here trusts the file.
 *
 * Also what kind of image a boot module is, for the loader's choice and
 * for listings: a Multiboot kernel, a Linux bzImage, a Keel ELF64 image,
 * or other.
 */
#ifndef KEEL_CORE_LOAD_MULTIBOOT_PARSE_H
#define KEEL_CORE_LOAD_MULTIBOOT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB_HEADER_MAGIC     0x1badb002u
#define MB_BOOT_MAGIC       0x2badb002u	/* in EAX at entry */
#define MB_SEARCH_BYTES     8192u
#define MB_FLAG_PAGE_ALIGN  (1u << 0)	/* modules 4 KiB aligned */
#define MB_FLAG_MEMINFO     (1u << 1)	/* mem_* and mmap wanted */
#define MB_FLAG_VIDEO       (1u << 2)	/* a video mode wanted */
#define MB_FLAG_ADDRESSES   (1u << 16)	/* the address fields are valid */
/* bits 0-15 a loader must understand or refuse the image (spec 3.1.2) */
#define MB_FLAGS_REQUIRED   0xffffu
#define MB_FLAGS_KNOWN      (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_VIDEO)

/* A parsed header; load_* describe the a.out-kludge load (flag 16). */
struct mb_header {
	uint32_t offset;		/* of the header in the file */
	uint32_t flags;
	bool addresses;			/* MB_FLAG_ADDRESSES: the fields below */
	uint32_t file_offset;		/* file bytes loaded from here */
	uint32_t load_addr;		/* ... to this guest-physical address */
	uint32_t load_size;		/* bytes copied from the file */
	uint32_t bss_end;		/* zeroed up to here; >= load end */
	uint32_t entry;
};

/*
 * Looks for a Multiboot header in the first 8 KiB of file. 0 with *h
 * filled; -KEEL_ENOENT when there is none (not a Multiboot image);
 * -KEEL_ENOEXEC with *why set (a static string) when there is one but it
 * is unusable: a required flag Keel does not know, or address fields
 * that do not fit the file or each other.
 */
int multiboot_parse(const void *file, size_t size, struct mb_header *h,
		    const char **why);

enum image_kind {
	IMAGE_OTHER,
	IMAGE_KEEL_ELF,
	IMAGE_MULTIBOOT,
	IMAGE_LINUX,		/* a bzImage (core/load/linux_parse.h) */
};

/*
 * What the image is: a Multiboot header wins (such a kernel may also be
 * an ELF file), then the bzImage signatures, then an ELF64 header. Only the first bytes are looked
 * at; loading validates the rest.
 */
enum image_kind image_kind_of(const void *file, size_t size);

/* "multiboot", "linux", "keel-elf" or "other" */
const char *image_kind_name(enum image_kind kind);

#endif
