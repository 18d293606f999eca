// SPDX-License-Identifier: MIT
/*
 * The hypervisor image: an ELF64 executable linked in the upper half
 * (mcmodel=kernel). Its span [vaddr_lo, vaddr_hi) is placed at one 2 MiB
 * aligned physical block so that the transitional tables, and later the
 * hypervisor's own, map it with 2 MiB pages.
 */
#include <arch/x86_defs.h>
#include <core/load/elf.h>
#include <lib/string.h>

#include "loader.h"

EFI_STATUS kernel_load(EFI_FILE_HANDLE root, const char *path,
		       struct kernel_image *kernel)
{
	struct loaded_file file;
	struct elf_image img;
	const char *why = "unknown reason";
	EFI_STATUS status;
	uint8_t *block;
	uint64_t span;
	unsigned int i;

	status = file_read(root, path, EfiBootServicesData, "hypervisor",
			   &file);
	if (EFI_ERROR(status))
		return status;

	if (elf_parse(file.data, file.size, &img, &why)) {
		file_free(&file);
		return loader_fail(EFI_LOAD_ERROR, "hypervisor %s is not a valid image: %s: rebuild it with make",
				   path, why);
	}
	if (img.vaddr_lo < X86_UPPER_HALF || img.vaddr_lo & (X86_PAGE_2M - 1)) {
		file_free(&file);
		return loader_fail(EFI_LOAD_ERROR, "hypervisor %s is linked at 0x%llx, not at a 2 MiB aligned upper-half address: rebuild it with make",
				   path, (unsigned long long)img.vaddr_lo);
	}

	span = (img.vaddr_hi - img.vaddr_lo + X86_PAGE_2M - 1) & ~(X86_PAGE_2M - 1);
	status = pages_alloc_aligned(span, X86_PAGE_2M, "the hypervisor image",
				     (void **)&block);
	if (EFI_ERROR(status)) {
		file_free(&file);
		return status;
	}

	/* The block is zeroed, which covers .bss and the gaps. */
	for (i = 0; i < img.segment_count; i++) {
		const struct elf_segment *seg = &img.segments[i];

		memcpy(block + (seg->vaddr - img.vaddr_lo),
		       (const uint8_t *)file.data + seg->offset, seg->filesz);
	}
	file_free(&file);

	kernel->entry = img.entry;
	kernel->vaddr_lo = img.vaddr_lo;
	kernel->phys = (uint64_t)(uintptr_t)block;
	kernel->size = img.vaddr_hi - img.vaddr_lo;
	loader_log("hypervisor %s: %u segments, 0x%llx-0x%llx at 0x%llx, entry 0x%llx",
		   path, img.segment_count,
		   (unsigned long long)img.vaddr_lo,
		   (unsigned long long)img.vaddr_hi,
		   (unsigned long long)kernel->phys,
		   (unsigned long long)kernel->entry);
	return EFI_SUCCESS;
}
