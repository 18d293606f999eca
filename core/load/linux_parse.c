// SPDX-License-Identifier: MIT
/* The bzImage setup header: see core/load/linux_parse.h. */
#include <core/load/linux_parse.h>
#include <keel/abi.h>
#include <lib/string.h>

#define LINUX_JUMP_OFFSET (LINUX_JUMP + 1)	/* the jump's displacement */
/* init_size (2.10) is the last field the loader reads */
#define LINUX_HEADER_NEEDED (LINUX_INIT_SIZE + 4)
#define LINUX_PARAGRAPH 16u			/* syssize's unit */

static uint32_t u32_at(const uint8_t *p, size_t offset)
{
	uint32_t v;

	memcpy(&v, p + offset, sizeof(v));	/* any alignment, little-endian */
	return v;
}

static uint16_t u16_at(const uint8_t *p, size_t offset)
{
	uint16_t v;

	memcpy(&v, p + offset, sizeof(v));
	return v;
}

static uint64_t u64_at(const uint8_t *p, size_t offset)
{
	uint64_t v;

	memcpy(&v, p + offset, sizeof(v));
	return v;
}

bool linux_is_bzimage(const void *file, size_t size)
{
	const uint8_t *p = file;

	return size >= LINUX_HEADER + 4 &&
	       u16_at(p, LINUX_BOOT_FLAG) == LINUX_BOOT_FLAG_MAGIC &&
	       u32_at(p, LINUX_HEADER) == LINUX_MAGIC;
}

/* The version, flags and where the header and the kernel lie. */
static int parse_layout(const uint8_t *p, size_t size, struct linux_header *h,
			const char **why)
{
	uint32_t sects = p[LINUX_SETUP_SECTS];
	uint64_t kernel;

	if (size < LINUX_VERSION + 2) {
		*why = "the Linux setup header does not fit its setup sectors or the file";
		return -KEEL_ENOEXEC;
	}
	h->version = u16_at(p, LINUX_VERSION);
	if (h->version < LINUX_VERSION_MIN) {
		*why = "the Linux kernel's boot protocol is older than 2.12 (no 64-bit entry)";
		return -KEEL_ENOEXEC;
	}
	if (!sects)
		sects = LINUX_SETUP_SECTS_DEFAULT;
	h->kernel_offset = (sects + 1) * LINUX_SECTOR;
	h->header_end = LINUX_HEADER + p[LINUX_JUMP_OFFSET];
	if (h->header_end < LINUX_HEADER_NEEDED ||
	    h->header_end > LINUX_HEADER_LIMIT ||
	    h->header_end > h->kernel_offset || h->kernel_offset > size) {
		*why = "the Linux setup header does not fit its setup sectors or the file";
		return -KEEL_ENOEXEC;
	}
	kernel = (uint64_t)u32_at(p, LINUX_SYSSIZE) * LINUX_PARAGRAPH;
	if (!kernel || kernel > size - h->kernel_offset) {
		*why = "the Linux syssize puts the kernel past the end of the file";
		return -KEEL_ENOEXEC;
	}
	h->kernel_size = (uint32_t)kernel;
	h->loadflags = p[LINUX_LOADFLAGS];
	h->xloadflags = u16_at(p, LINUX_XLOADFLAGS);
	if (!(h->loadflags & LINUX_LOADED_HIGH) ||
	    !(h->xloadflags & LINUX_XLF_KERNEL_64)) {
		*why = "the Linux kernel has no 64-bit entry (xloadflags XLF_KERNEL_64)";
		return -KEEL_ENOEXEC;
	}
	return 0;
}

int linux_parse(const void *file, size_t size, struct linux_header *h,
		const char **why)
{
	const uint8_t *p = file;
	uint32_t align;
	int ret;

	memset(h, 0, sizeof(*h));
	if (!linux_is_bzimage(file, size))
		return -KEEL_ENOENT;
	ret = parse_layout(p, size, h, why);
	if (ret)
		return ret;
	h->relocatable = p[LINUX_RELOCATABLE] != 0;
	align = u32_at(p, LINUX_KERNEL_ALIGN);
	if (h->relocatable && (!align || (align & (align - 1)))) {
		*why = "the Linux kernel_alignment is not a power of two";
		return -KEEL_ENOEXEC;
	}
	h->kernel_alignment = h->relocatable ? align : 1;
	h->pref_address = u64_at(p, LINUX_PREF_ADDRESS);
	h->init_size = u32_at(p, LINUX_INIT_SIZE);
	if (h->init_size < h->kernel_size)
		h->init_size = h->kernel_size;
	h->initrd_addr_max = u32_at(p, LINUX_INITRD_ADDR_MAX);
	h->cmdline_size = u32_at(p, LINUX_CMDLINE_SIZE);
	return 0;
}
