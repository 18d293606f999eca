/* SPDX-License-Identifier: MIT */
/*
 * One 4-level page-table walker for the hypervisor's own tables (x86-64
 * long-mode format), Intel EPT and AMD NPT. Only the entry encoding
 * differs between formats (struct pt_format in mm/pagetable.c); mapping,
 * splitting, unmapping, translation and walking are shared.
 *
 * Mappings use the largest page that alignment and size allow (1 GiB when
 * the table allows it, then 2 MiB, then 4 KiB). Changing part of a large
 * page splits it on demand into the next smaller size, preserving the
 * rest of its mapping.
 *
 * Memory is passed in: table frames come from alloc_table and are reached
 * through phys_to_virt, so the walker runs unchanged under host tests.
 * The walker does not flush TLBs; its callers do (after pt_unmap, and
 * after pt_map that replaced a mapping). free_table is called inside
 * pt_map and pt_unmap, before that flush: for tables a CPU may be using,
 * the callback must not reuse a frame until the flush is done.
 */
#ifndef KEEL_MM_PAGETABLE_H
#define KEEL_MM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PT_LEVELS       4
#define PT_ENTRIES      512
#define PT_PAGE_4K      (1ULL << 12)
#define PT_PAGE_2M      (1ULL << 21)
#define PT_PAGE_1G      (1ULL << 30)
#define PT_ADDR_LIMIT   (1ULL << 48)	/* 4-level tables cover 256 TiB */

/* Permission and attribute bits of a mapping (not the hardware encoding). */
#define PT_R   (1u << 0)	/* readable (every present mapping is) */
#define PT_W   (1u << 1)	/* writable */
#define PT_X   (1u << 2)	/* executable */
#define PT_UC  (1u << 3)	/* uncached, for MMIO */
#define PT_RW  (PT_R | PT_W)
#define PT_RX  (PT_R | PT_X)
#define PT_RWX (PT_R | PT_W | PT_X)

enum pt_kind {
	PT_HOST,	/* the hypervisor's own tables: supervisor, NX when !X */
	PT_EPT,		/* Intel EPT: R/W/X bits, memory type WB or UC */
	PT_NPT,		/* AMD NPT: x86-64 format, user bit set at every level */
};

struct pt_memory {
	/* Returns 0 and a zeroed 4 KiB frame in *pa, or a negative error. */
	int (*alloc_table)(void *ctx, uint64_t *pa);
	void (*free_table)(void *ctx, uint64_t pa);
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct page_table {
	enum pt_kind kind;
	bool allow_1g;		/* may leaves at level 3 (1 GiB) be made? */
	uint64_t root;		/* physical address of the PML4 */
	const struct pt_memory *mem;
	uint64_t table_count;	/* table frames in use, the root included */
};

/* Allocates an empty root. Returns 0 or -KEEL_ENOMEM. */
int pt_init(struct page_table *pt, enum pt_kind kind, bool allow_1g,
	    const struct pt_memory *mem);

/*
 * Maps [va, va+size) to [pa, pa+size) with perms (PT_R required).
 * va, pa and size must be 4 KiB aligned, pa + size at most 2^52. The va
 * range must lie below PT_ADDR_LIMIT; for PT_HOST it must instead lie in
 * one canonical half, [0, 2^47) or [0xffff800000000000, 2^64), and
 * pt_walk reports it the same way. Any mapping already in the range is
 * replaced. Returns 0, -KEEL_EINVAL or -KEEL_ENOMEM; on -KEEL_ENOMEM a
 * prefix of the range may be mapped (the caller unmaps it).
 */
int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int perms);

/*
 * Removes every mapping in [va, va+size), splitting large pages that
 * straddle the edges, and frees tables that became empty. Unmapped holes
 * are fine. Returns 0, -KEEL_EINVAL or -KEEL_ENOMEM (a split needed a table).
 */
int pt_unmap(struct page_table *pt, uint64_t va, uint64_t size);

/*
 * Looks up va. On success returns true and fills the physical address of
 * va itself, the perms and the size of the page that maps it.
 */
bool pt_translate(const struct page_table *pt, uint64_t va, uint64_t *pa,
		  unsigned int *perms, uint64_t *page_size);

/*
 * Calls fn for each leaf in ascending va order (one call per page).
 * Stops early and returns fn's value when fn returns non-zero.
 */
typedef int (*pt_leaf_fn)(void *arg, uint64_t va, uint64_t pa,
			  uint64_t page_size, unsigned int perms);
int pt_walk(const struct page_table *pt, pt_leaf_fn fn, void *arg);

/* Frees every table, the root included. The mapped frames are not touched. */
void pt_destroy(struct page_table *pt);

/* The hardware value of an entry of this kind's root (EPTP/nCR3/CR3 bits). */
uint64_t pt_root_pointer(const struct page_table *pt);

#endif
