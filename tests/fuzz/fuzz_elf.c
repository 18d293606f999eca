// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for elf_parse, elf32_parse (both through elf_parse_any,
 * which picks one by the class byte) and elf_load. A parsed image is loaded
 * into a buffer the size of its declared physical span (when that is
 * small enough to allocate), and every write must stay inside the span;
 * the sanitizers catch any read outside the input. An ELF32 image stays
 * below 4 GiB, and the entry's physical address is inside a segment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/load/elf.h>
#include <keel/abi.h>

#define LOAD_BUFFER_MAX (1u << 20)	/* larger spans are checked, not copied */

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

struct target {
	const struct elf_image *img;
	unsigned char *mem;	/* paddr_lo .. paddr_hi, or NULL */
	uint64_t written;
};

static int write_span(void *ctx, uint64_t addr, const void *bytes,
		      uint64_t len)
{
	struct target *t = ctx;
	const struct elf_image *img = t->img;
	volatile unsigned char sink;

	CHECK(len > 0);
	CHECK(addr >= img->paddr_lo && addr < img->paddr_hi);
	CHECK(len <= img->paddr_hi - addr);
	t->written += len;
	if (t->mem) {
		if (bytes)
			memcpy(t->mem + (addr - img->paddr_lo), bytes, len);
		else
			memset(t->mem + (addr - img->paddr_lo), 0, len);
	} else if (bytes) {
		/* let ASan check both ends of the source range */
		sink = ((const unsigned char *)bytes)[0];
		sink = ((const unsigned char *)bytes)[len - 1];
		(void)sink;
	}
	return 0;
}

static void check_image(const struct elf_image *img, int elf32)
{
	uint64_t total = 0;
	int entry_ok = 0, entry_paddr_ok = 0;

	CHECK(img->segment_count >= 1 && img->segment_count <= ELF_MAX_SEGMENTS);
	CHECK(img->vaddr_lo < img->vaddr_hi && img->paddr_lo < img->paddr_hi);
	for (unsigned int i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		CHECK(s->filesz <= s->memsz && s->memsz > 0);
		CHECK(s->vaddr >= img->vaddr_lo && s->paddr >= img->paddr_lo);
		CHECK(s->vaddr + s->memsz <= img->vaddr_hi);
		CHECK(s->paddr + s->memsz <= img->paddr_hi);
		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = 1;
		if ((s->flags & ELF_SEG_X) && img->entry_paddr >= s->paddr &&
		    img->entry_paddr - s->paddr < s->memsz)
			entry_paddr_ok = 1;
		total += s->memsz;
	}
	CHECK(entry_ok && entry_paddr_ok);
	if (elf32)
		CHECK(img->vaddr_hi <= UINT32_MAX && img->paddr_hi <= UINT32_MAX);
	/* segments do not overlap, so they fit in their span */
	CHECK(total <= img->paddr_hi - img->paddr_lo);
}

/* libFuzzer calls it; it declares no prototype of its own. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	struct target t = { .img = &img };
	const char *why = NULL;
	uint64_t total = 0;
	int rc;

	rc = elf_parse_any(data, size, &img, &why);
	if (rc) {
		CHECK(rc == -KEEL_ENOEXEC && why != NULL);
		return 0;
	}
	check_image(&img, data[4] == 1);	/* parsed, so size > 4 */
	if (img.paddr_hi - img.paddr_lo <= LOAD_BUFFER_MAX) {
		t.mem = malloc(img.paddr_hi - img.paddr_lo);
		CHECK(t.mem != NULL);
	}
	CHECK(elf_load(&img, data, write_span, &t) == 0);
	for (unsigned int i = 0; i < img.segment_count; i++)
		total += img.segments[i].memsz;
	CHECK(t.written == total);
	free(t.mem);
	return 0;
}
