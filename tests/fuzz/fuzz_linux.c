// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for linux_parse and image_kind_of on bzImages: no
 * input makes them read outside it, and an accepted header's kernel lies
 * in the file after a header that fits its setup sectors, with init_size
 * covering it and a power-of-two alignment.
 */
#include <stdint.h>
#include <stdlib.h>

#include <core/load/linux_parse.h>
#include <core/load/multiboot_parse.h>
#include <keel/abi.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_header h;
	const char *why = NULL;
	int ret = linux_parse(data, size, &h, &why);
	enum image_kind kind = image_kind_of(data, size);

	CHECK(ret == 0 || ret == -KEEL_ENOENT || (ret == -KEEL_ENOEXEC && why));
	CHECK((ret == -KEEL_ENOENT) == !linux_is_bzimage(data, size));
	CHECK(ret == -KEEL_ENOENT ? kind != IMAGE_LINUX :
	      (kind == IMAGE_LINUX || kind == IMAGE_MULTIBOOT));
	if (ret)
		return 0;
	CHECK(h.version >= LINUX_VERSION_MIN);
	CHECK(h.header_end <= LINUX_HEADER_LIMIT &&
	      h.header_end <= h.kernel_offset);
	CHECK(h.kernel_size && (uint64_t)h.kernel_offset + h.kernel_size <= size);
	CHECK(h.init_size >= h.kernel_size);
	CHECK(h.kernel_alignment &&
	      !(h.kernel_alignment & (h.kernel_alignment - 1)));
	return 0;
}
