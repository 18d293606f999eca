// SPDX-License-Identifier: MIT
/* The Multiboot 1 header and the image kinds: see core/load/multiboot_parse.h. */
#include <core/load/linux_parse.h>
#include <core/load/multiboot_parse.h>
#include <keel/abi.h>
#include <lib/string.h>

/* Header words (spec 3.1.1): magic, flags, checksum, then flag 16's */
enum {
	MB_W_MAGIC, MB_W_FLAGS, MB_W_CHECKSUM, MB_W_HEADER_ADDR,
	MB_W_LOAD_ADDR, MB_W_LOAD_END, MB_W_BSS_END, MB_W_ENTRY,
	MB_WORDS_ADDR,
};

#define MB_WORDS_BASE 3
#define ELF_MAGIC "\x7f" "ELF"
#define ELF_CLASS_OFFSET 4
#define ELF_CLASS_64 2

static uint32_t word_at(const uint8_t *p, size_t offset)
{
	uint32_t w;

	memcpy(&w, p + offset, sizeof(w));	/* any alignment, little-endian */
	return w;
}

/* The offset of the first valid magic + checksum, or -1. */
static long find_header(const uint8_t *p, size_t size)
{
	size_t end = size < MB_SEARCH_BYTES ? size : MB_SEARCH_BYTES;

	for (size_t off = 0; off + MB_WORDS_BASE * 4 <= end; off += 4) {
		uint32_t magic = word_at(p, off);

		if (magic != MB_HEADER_MAGIC)
			continue;
		if (magic + word_at(p, off + 4) + word_at(p, off + 8) == 0)
			return (long)off;
	}
	return -1;
}

/*
 * The a.out kludge (spec 3.1.3): header_addr is where the header's own
 * bytes land, so the file is loaded from offset - (header_addr -
 * load_addr). load_end 0: to the end of the file; bss_end 0: no bss.
 */
static int parse_addresses(const uint8_t *p, size_t size, struct mb_header *h,
			   const char **why)
{
	uint32_t w[MB_WORDS_ADDR];
	uint64_t load_end, avail;
	uint32_t skip;

	if (h->offset + sizeof(w) > size) {
		*why = "the Multiboot header's address fields lie past the end of the file";
		return -KEEL_ENOEXEC;
	}
	for (unsigned int i = 0; i < MB_WORDS_ADDR; i++)
		w[i] = word_at(p, h->offset + 4 * i);
	skip = w[MB_W_HEADER_ADDR] - w[MB_W_LOAD_ADDR];
	if (w[MB_W_HEADER_ADDR] < w[MB_W_LOAD_ADDR] || skip > h->offset) {
		*why = "the Multiboot header_addr and load_addr do not match the file";
		return -KEEL_ENOEXEC;
	}
	h->file_offset = h->offset - skip;
	avail = size - h->file_offset;
	load_end = w[MB_W_LOAD_END] ? w[MB_W_LOAD_END] :
		   (uint64_t)w[MB_W_LOAD_ADDR] + avail;
	if (load_end <= w[MB_W_LOAD_ADDR] || load_end > UINT32_MAX ||
	    load_end - w[MB_W_LOAD_ADDR] > avail) {
		*why = "the Multiboot load_end_addr lies outside the file";
		return -KEEL_ENOEXEC;
	}
	h->load_addr = w[MB_W_LOAD_ADDR];
	h->load_size = (uint32_t)(load_end - w[MB_W_LOAD_ADDR]);
	h->bss_end = w[MB_W_BSS_END] ? w[MB_W_BSS_END] : (uint32_t)load_end;
	h->entry = w[MB_W_ENTRY];
	if (h->bss_end < load_end || h->entry < h->load_addr ||
	    h->entry >= h->bss_end) {
		*why = "the Multiboot bss_end_addr or entry_addr lies outside the image";
		return -KEEL_ENOEXEC;
	}
	return 0;
}

int multiboot_parse(const void *file, size_t size, struct mb_header *h,
		    const char **why)
{
	const uint8_t *p = file;
	long off = find_header(p, size);

	memset(h, 0, sizeof(*h));
	if (off < 0)
		return -KEEL_ENOENT;
	h->offset = (uint32_t)off;
	h->flags = word_at(p, h->offset + 4);
	if (h->flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_KNOWN) {
		*why = "the Multiboot header requires a feature Keel does not offer";
		return -KEEL_ENOEXEC;
	}
	h->addresses = h->flags & MB_FLAG_ADDRESSES;
	if (h->addresses)
		return parse_addresses(p, size, h, why);
	return 0;
}

enum image_kind image_kind_of(const void *file, size_t size)
{
	const uint8_t *p = file;
	struct mb_header h;
	const char *why;
	int ret = multiboot_parse(file, size, &h, &why);

	if (ret != -KEEL_ENOENT)
		return IMAGE_MULTIBOOT;	/* usable or not, it says it is one */
	if (linux_is_bzimage(file, size))
		return IMAGE_LINUX;
	if (size > ELF_CLASS_OFFSET && !memcmp(p, ELF_MAGIC, 4) &&
	    p[ELF_CLASS_OFFSET] == ELF_CLASS_64)
		return IMAGE_KEEL_ELF;
	return IMAGE_OTHER;
}

const char *image_kind_name(enum image_kind kind)
{
	switch (kind) {
	case IMAGE_KEEL_ELF:
		return "keel-elf";
	case IMAGE_MULTIBOOT:
		return "multiboot";
	case IMAGE_LINUX:
		return "linux";
	default:
		return "other";
	}
}
