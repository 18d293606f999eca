/* SPDX-License-Identifier: MIT */
/*
 * ELF64 and ELF32 executable parsing and loading, shared by the UEFI
 * loader (the hypervisor image) and the hypervisor (guest images; ELF32
 * for Multiboot kernels). Nothing here
 * trusts the file: every offset and size is checked against the buffer
 * and for overflow before it is used.
 */
#ifndef KEEL_CORE_ELF_H
#define KEEL_CORE_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8

#define ELF_SEG_X 1u	/* PF_X */
#define ELF_SEG_W 2u	/* PF_W */
#define ELF_SEG_R 4u	/* PF_R */

struct elf_segment {
	uint64_t vaddr;		/* p_vaddr */
	uint64_t paddr;		/* p_paddr */
	uint64_t offset;	/* p_offset, file bytes start here */
	uint64_t filesz;	/* bytes copied from the file */
	uint64_t memsz;		/* bytes in memory, >= filesz, rest zeroed */
	uint32_t flags;		/* ELF_SEG_* */
};

struct elf_image {
	uint64_t entry;			/* e_entry, a virtual address */
	uint64_t entry_paddr;		/* the same byte by the segment's paddr */
	unsigned int segment_count;	/* PT_LOAD segments, in file order */
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	uint64_t vaddr_lo, vaddr_hi;	/* span of all segments [lo, hi) */
	uint64_t paddr_lo, paddr_hi;
};

/*
 * Parses and validates an ELF64 little-endian x86-64 ET_EXEC image:
 * program headers and segment file ranges inside the buffer, memsz >=
 * filesz, no address overflow, segments not overlapping, at most
 * ELF_MAX_SEGMENTS PT_LOAD segments and at least one, and the entry point
 * inside an executable segment. Returns 0 or -KEEL_ENOEXEC, and a
 * human-readable reason in *why (a static string) when why is not NULL.
 */
int elf_parse(const void *file, size_t size, struct elf_image *img,
	      const char **why);

/*
 * The same for an ELF32 little-endian i386 (EM_386) ET_EXEC image, its
 * fields widened into *img, with the same checks; no segment may reach
 * past 4 GiB - 1 (a range ending exactly at 2^32 is refused, as one
 * ending at 2^64 is for ELF64).
 */
int elf32_parse(const void *file, size_t size, struct elf_image *img,
		const char **why);

/* elf32_parse for an ELFCLASS32 file, else elf_parse. */
int elf_parse_any(const void *file, size_t size, struct elf_image *img,
		  const char **why);

/*
 * Writes each segment through write(ctx, address, bytes, len) where
 * address is the segment's paddr plus the offset inside the segment; a
 * call with bytes == NULL asks for len zero bytes (the .bss part).
 * Stops at and returns the first non-zero value write returns.
 */
typedef int (*elf_write_fn)(void *ctx, uint64_t addr, const void *bytes,
			    uint64_t len);
int elf_load(const struct elf_image *img, const void *file,
	     elf_write_fn write, void *ctx);

#endif
