// SPDX-License-Identifier: MIT
/* The first 4 GiB identity-mapped for a 64-bit entry: see core/load/identity_map.h. */
#include <arch/layout.h>
#include <core/load/identity_map.h>
#include <core/vm.h>
#include <keel/abi.h>

#define PTE_PRESENT 0x1ull
#define PTE_WRITE   0x2ull
#define PTE_LARGE   0x80ull

static int write_u64(struct vm *vm, uint64_t gpa, uint64_t v)
{
	return guest_mem_write(vm, gpa, &v, sizeof(v));
}

int identity_map_write(struct vm *vm, uint64_t pml4, uint64_t pdpt,
		       uint64_t pd)
{
	int ret = write_u64(vm, pml4, pdpt | PTE_PRESENT | PTE_WRITE);

	for (unsigned int d = 0; d < IDENTITY_MAP_PDS; d++) {
		uint64_t table = pd + d * PT_PAGE_4K;

		ret |= write_u64(vm, pdpt + d * 8,
				 table | PTE_PRESENT | PTE_WRITE);
		for (unsigned int e = 0; e < PT_ENTRIES; e++) {
			uint64_t gpa = ((uint64_t)d * PT_ENTRIES + e) * PT_PAGE_2M;

			ret |= write_u64(vm, table + e * 8, gpa | PTE_PRESENT |
					 PTE_WRITE | PTE_LARGE);
		}
	}
	return ret ? -KEEL_EFAULT : 0;
}
