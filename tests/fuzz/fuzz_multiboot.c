// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for multiboot_parse, image_kind_of and cr_decode: no
 * input makes them read outside it, and an accepted Multiboot header's
 * load range always lies in the file with the entry inside the image.
 * The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>

#include <core/cr_decode.h>
#include <core/load/multiboot_parse.h>
#include <keel/abi.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

static void check_multiboot(const uint8_t *data, size_t size)
{
	struct mb_header h;
	const char *why = NULL;
	int ret = multiboot_parse(data, size, &h, &why);

	CHECK(ret == 0 || why || ret == -KEEL_ENOENT);
	CHECK((ret != -KEEL_ENOENT) ==
	      (image_kind_of(data, size) == IMAGE_MULTIBOOT));
	if (ret || !h.addresses)
		return;
	CHECK(h.offset + 12 <= size && h.offset < 8192);
	CHECK((uint64_t)h.file_offset + h.load_size <= size);
	CHECK(h.load_size > 0 && h.bss_end >= h.load_addr + (uint64_t)h.load_size);
	CHECK(h.entry >= h.load_addr && h.entry < h.bss_end);
}

static void check_cr_decode(const uint8_t *data, size_t size)
{
	struct cr_insn in;

	if (!cr_decode(data, size, size & 1, &in))
		return;
	if (in.mem) {	/* LMSW m16: the emulator decodes the rest */
		CHECK(in.kind == CR_INSN_LMSW && in.len == 0);
		return;
	}
	CHECK(in.len >= 2 && in.len <= size && in.len <= 15);
	CHECK(in.cr < 16 && in.gpr < 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		check_cr_decode(data + 1, size - 1);
	else
		check_multiboot(data + 1, size - 1);
	return 0;
}
