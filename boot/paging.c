// SPDX-License-Identifier: MIT
/*
 * Transitional page tables for the hand-off (Intel SDM Vol. 3A, 4.5
 * "4-Level Paging"): an identity map of [0, identity_top) and the
 * hypervisor span at its link address, all with 2 MiB pages, present,
 * writable and executable. The hypervisor replaces them with its own
 * (W^X) tables at once; until then it runs on these.
 */
#include <arch/x86.h>	/* read_cr4, and arch/x86_defs.h */
#include <lib/string.h>

#include "loader.h"

/* The entry bits and geometry are the architecture's: arch/x86_defs.h. */
#define PDPT_SPAN	(1ULL << X86_PML4_SHIFT)	/* one PDPT maps 512 GiB */
#define PD_SPAN		(1ULL << X86_PDPT_SHIFT)	/* one PD maps 1 GiB */

_Static_assert(X86_PT_ENTRIES * 8 == X86_PAGE_4K, "a table fills one page");

/* Tables come from one zeroed block; UEFI memory is identity mapped. */
struct table_pool {
	uint64_t *next;
	uint64_t *end;
};

static uint64_t *table_take(struct table_pool *pool)
{
	uint64_t *t = pool->next;

	if (t == pool->end)
		return 0;
	pool->next += X86_PT_ENTRIES;
	return t;
}

/* The table an entry points to, created on first use. */
static uint64_t *table_next(uint64_t *entry, struct table_pool *pool)
{
	uint64_t *t;

	if (*entry & X86_PTE_P)
		return (uint64_t *)(uintptr_t)(*entry & X86_PTE_ADDR_MASK);
	t = table_take(pool);
	if (t)
		*entry = (uint64_t)(uintptr_t)t | X86_PTE_P | X86_PTE_RW;
	return t;
}

static int map_2m(uint64_t *pml4, struct table_pool *pool, uint64_t va,
		  uint64_t pa)
{
	uint64_t *pdpt, *pd;

	pdpt = table_next(&pml4[(va >> X86_PML4_SHIFT) % X86_PT_ENTRIES], pool);
	if (!pdpt)
		return -1;
	pd = table_next(&pdpt[(va >> X86_PDPT_SHIFT) % X86_PT_ENTRIES], pool);
	if (!pd)
		return -1;
	pd[(va >> X86_PD_SHIFT) % X86_PT_ENTRIES] = pa | X86_PTE_P | X86_PTE_RW |
						X86_PTE_PS;
	return 0;
}

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

EFI_STATUS paging_build(uint64_t identity_top,
			const struct kernel_image *kernel, uint64_t *cr3)
{
	uint64_t span = (kernel->size + X86_PAGE_2M - 1) & ~(X86_PAGE_2M - 1);
	uint64_t tables, off, pa;
	struct table_pool pool;
	uint64_t *pml4;
	EFI_STATUS status;

	if (read_cr4() & CR4_LA57)
		return loader_fail(EFI_UNSUPPORTED, "the firmware runs with 5-level paging, which Keel does not support yet");

	/* PML4, identity PDPTs and PDs, then the image's (it may straddle). */
	tables = 1 + div_round_up(identity_top, PDPT_SPAN) +
		 div_round_up(identity_top, PD_SPAN) +
		 2 + div_round_up(span, PD_SPAN) + 1;
	status = pages_alloc(tables * X86_PAGE_4K, EfiLoaderData,
			     "the transitional page tables",
			     (void **)&pool.next);
	if (EFI_ERROR(status))
		return status;
	pool.end = pool.next + tables * X86_PT_ENTRIES;
	pml4 = table_take(&pool);

	for (pa = 0; pa < identity_top; pa += X86_PAGE_2M)
		if (map_2m(pml4, &pool, pa, pa))
			goto exhausted;
	for (off = 0; off < span; off += X86_PAGE_2M)
		if (map_2m(pml4, &pool, kernel->vaddr_lo + off,
			   kernel->phys + off))
			goto exhausted;

	*cr3 = (uint64_t)(uintptr_t)pml4;
	loader_log("page tables: identity 0-0x%llx, image 0x%llx -> 0x%llx, %llu tables",
		   (unsigned long long)identity_top,
		   (unsigned long long)kernel->vaddr_lo,
		   (unsigned long long)kernel->phys,
		   (unsigned long long)(pool.next - pml4) / X86_PT_ENTRIES);
	return EFI_SUCCESS;

exhausted:	/* a miscount above, not a property of the machine */
	return loader_fail(EFI_OUT_OF_RESOURCES, "page table pool exhausted");
}
