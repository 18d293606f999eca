// SPDX-License-Identifier: MIT
/*
 * Memory: page allocation while boot services run, the UEFI memory map,
 * and ExitBootServices (UEFI 2.10, 7.2 Memory Allocation Services and
 * 7.4 EFI_BOOT_SERVICES.ExitBootServices()).
 *
 * Everything handed to the hypervisor is EfiLoaderData, so it shows up as
 * BOOT_MEM_HYPERVISOR in boot_info.mem; scratch memory is
 * EfiBootServicesData and becomes usable RAM.
 */
#include <lib/string.h>

#include "loader.h"
#include "mem_ranges.h"

int loader_boot_services_exiting;

#define PAGES(bytes) (((bytes) + X86_PAGE_4K - 1) / X86_PAGE_4K)
#define FOUR_GIB (4ULL << 30)

static EFI_STATUS no_memory(EFI_STATUS status, const char *what,
			    uint64_t bytes)
{
	return loader_fail(status, "not enough memory for %s (%llu KiB): give the machine more RAM",
			   what, (unsigned long long)(bytes >> 10));
}

EFI_STATUS pages_alloc(uint64_t bytes, EFI_MEMORY_TYPE type, const char *what,
		       void **out)
{
	EFI_PHYSICAL_ADDRESS addr = 0;
	EFI_STATUS status;

	status = loader_bs->AllocatePages(AllocateAnyPages, type,
					  PAGES(bytes), &addr);
	if (EFI_ERROR(status))
		return no_memory(status, what, bytes);
	memset((void *)(uintptr_t)addr, 0, PAGES(bytes) * X86_PAGE_4K);
	*out = (void *)(uintptr_t)addr;
	return EFI_SUCCESS;
}

/*
 * UEFI has no aligned allocation: take align bytes more, keep the aligned
 * part, and give the slack back (EDK2 frees sub-ranges; if a firmware
 * refuses, the slack just stays hypervisor memory).
 */
EFI_STATUS pages_alloc_aligned(uint64_t bytes, uint64_t align,
			       const char *what, void **out)
{
	uint64_t pages = PAGES(bytes), extra = PAGES(align);
	EFI_PHYSICAL_ADDRESS addr = 0, aligned;
	EFI_STATUS status;

	status = loader_bs->AllocatePages(AllocateAnyPages, EfiLoaderData,
					  pages + extra, &addr);
	if (EFI_ERROR(status))
		return no_memory(status, what, bytes + align);
	aligned = (addr + align - 1) & ~(align - 1);
	if (aligned > addr)
		loader_bs->FreePages(addr, PAGES(aligned - addr));
	/* [addr, addr + align) holds the head and tail slack. */
	loader_bs->FreePages(aligned + pages * X86_PAGE_4K,
			     PAGES(addr + align - aligned));
	memset((void *)(uintptr_t)aligned, 0, pages * X86_PAGE_4K);
	*out = (void *)(uintptr_t)aligned;
	return EFI_SUCCESS;
}

/* One page below limit, never page 0. */
EFI_STATUS pages_alloc_below(uint64_t limit, const char *what, void **out)
{
	EFI_PHYSICAL_ADDRESS addr = limit - 1;
	EFI_STATUS status;

	status = loader_bs->AllocatePages(AllocateMaxAddress, EfiLoaderData,
					  1, &addr);
	if (!EFI_ERROR(status) && addr == 0) {
		/* Page 0 is a null pointer to the hypervisor: take another. */
		EFI_PHYSICAL_ADDRESS zero = addr;

		addr = limit - 1;
		status = loader_bs->AllocatePages(AllocateMaxAddress,
						  EfiLoaderData, 1, &addr);
		loader_bs->FreePages(zero, 1);
	}
	if (EFI_ERROR(status))
		return loader_fail(status, "no free page below 0x%llx for %s",
				   (unsigned long long)limit, what);
	memset((void *)(uintptr_t)addr, 0, X86_PAGE_4K);
	*out = (void *)(uintptr_t)addr;
	return EFI_SUCCESS;
}

struct efi_map {
	uint8_t *buf;
	UINTN capacity;		/* bytes allocated */
	UINTN size;		/* bytes filled */
	UINTN key;
	UINTN desc_size;
	UINT32 desc_version;
};

#define MAP_SLACK_DESCRIPTORS 16

static EFI_MEMORY_DESCRIPTOR *map_desc(const struct efi_map *m, UINTN i)
{
	return (EFI_MEMORY_DESCRIPTOR *)(m->buf + i * m->desc_size);
}

static void map_release(struct efi_map *m)
{
	if (m->buf)
		loader_bs->FreePool(m->buf);
	m->buf = 0;
	m->capacity = 0;
}

/*
 * Fills m with the current map, growing the buffer as needed. Allocating
 * the buffer may add descriptors, hence the slack.
 */
static EFI_STATUS map_get(struct efi_map *m)
{
	EFI_STATUS status;

	for (;;) {
		m->size = m->capacity;
		status = loader_bs->GetMemoryMap(&m->size,
				(EFI_MEMORY_DESCRIPTOR *)m->buf, &m->key,
				&m->desc_size, &m->desc_version);
		if (status != EFI_BUFFER_TOO_SMALL)
			break;
		map_release(m);
		m->capacity = m->size + MAP_SLACK_DESCRIPTORS * m->desc_size;
		status = loader_bs->AllocatePool(EfiBootServicesData,
						 m->capacity, (void **)&m->buf);
		if (EFI_ERROR(status)) {
			m->buf = 0;
			m->capacity = 0;
			return status;
		}
	}
	return status;
}

static int map_is_mmio(UINT32 type)
{
	return type == EfiMemoryMappedIO || type == EfiMemoryMappedIOPortSpace;
}

/* End of the highest non-MMIO range, at least 4 GiB, 2 MiB aligned. */
EFI_STATUS memmap_top(uint64_t *top)
{
	struct efi_map m = { 0 };
	EFI_STATUS status = map_get(&m);
	uint64_t end = FOUR_GIB;
	UINTN i;

	if (EFI_ERROR(status)) {
		map_release(&m);
		return loader_fail(status, "cannot read the memory map (%s)",
				   efi_status_text(status));
	}
	for (i = 0; i < m.size / m.desc_size; i++) {
		EFI_MEMORY_DESCRIPTOR *d = map_desc(&m, i);
		uint64_t e = d->PhysicalStart + d->NumberOfPages * X86_PAGE_4K;

		if (!map_is_mmio(d->Type) && e > end)
			end = e;
	}
	map_release(&m);
	*top = (end + X86_PAGE_2M - 1) & ~(X86_PAGE_2M - 1);
	return EFI_SUCCESS;
}

/* UEFI memory types to boot_info's (see include/keel/boot_info.h). */
static uint32_t boot_mem_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiLoaderCode:
		return BOOT_MEM_USABLE;
	case EfiLoaderData:
		return BOOT_MEM_HYPERVISOR;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return BOOT_MEM_MMIO;
	case EfiUnusableMemory:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

/* No firmware calls here: it also runs after ExitBootServices. */
static int map_convert(const struct efi_map *m, struct boot_info *bi)
{
	UINTN i;

	bi->mem_count = 0;
	for (i = 0; i < m->size / m->desc_size; i++) {
		EFI_MEMORY_DESCRIPTOR *d = map_desc(m, i);

		if (mem_ranges_add(bi, d->PhysicalStart,
				   d->NumberOfPages * X86_PAGE_4K,
				   boot_mem_type(d->Type)))
			return -1;
	}
	return 0;
}

/*
 * Leaves boot services and fills bi->mem from the final map. A stale map
 * key (the map changed since it was read) makes ExitBootServices fail
 * with EFI_INVALID_PARAMETER; then the map is read again and the exit
 * retried. Between the first attempt and success only GetMemoryMap and
 * memory allocation are allowed, and nothing may be printed.
 */
EFI_STATUS memmap_exit_boot_services(EFI_HANDLE image, struct boot_info *bi)
{
	struct efi_map m = { 0 };
	EFI_STATUS status;
	unsigned int attempt;

	status = map_get(&m);
	if (EFI_ERROR(status))
		return loader_fail(status, "cannot read the memory map (%s)",
				   efi_status_text(status));
	/* A dry run while errors can still be printed. */
	if (map_convert(&m, bi))
		return loader_fail(EFI_BUFFER_TOO_SMALL, "the memory map has more than %d ranges",
				   BOOT_MAX_MEM_RANGES);
	loader_log("memory map: %u ranges; exiting boot services",
		   bi->mem_count);

	loader_boot_services_exiting = 1;
	for (attempt = 0; attempt < 8; attempt++) {
		if (attempt) {
			status = map_get(&m);
			if (EFI_ERROR(status))
				return status;
		}
		status = loader_bs->ExitBootServices(image, m.key);
		if (status != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(status))
		return status;

	/*
	 * Cannot fail: the dry run fitted and the exit only frees ranges.
	 * Should it ever overflow, the hypervisor still gets the lower part.
	 */
	map_convert(&m, bi);
	return EFI_SUCCESS;
}
