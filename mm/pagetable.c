// SPDX-License-Identifier: MIT
/*
 * One 4-level page-table walker for three entry encodings
 * (include/mm/pagetable.h). After Jailhouse's struct paging, a format
 * description per kind says which bits mean what; the walker itself
 * never asks which kind it is building.
 *
 * Levels are numbered from the leaves: level 0 holds 4 KiB pages (PT),
 * level 1 2 MiB pages (PD), level 2 1 GiB pages (PDPT), level 3 is the
 * PML4, which has no leaves.
 */
#include <arch/x86_defs.h>
#include <keel/abi.h>
#include <lib/util.h>
#include <mm/pagetable.h>

#define PT_INDEX_BITS  9
#define PT_PAGE_SHIFT  12
#define PT_TOP_LEVEL   (PT_LEVELS - 1)
#define PT_LEVEL_1G    2
#define PT_PHYS_LIMIT  (1ULL << 52)		/* x86-64 MAXPHYADDR */
#define PT_ADDR_MASK   0x000ffffffffff000ULL	/* bits 51:12 */
#define PT_PERM_MASK   (PT_R | PT_W | PT_X | PT_UC)

_Static_assert(PT_ENTRIES == 1 << PT_INDEX_BITS, "512 entries per table");
_Static_assert(PT_ENTRIES * sizeof(uint64_t) == PT_PAGE_4K,
	       "a table fills one 4 KiB frame");
_Static_assert(PT_PAGE_4K == 1ULL << PT_PAGE_SHIFT, "4 KiB base pages");
_Static_assert(PT_PAGE_4K << PT_INDEX_BITS == PT_PAGE_2M, "level 1 is 2 MiB");
_Static_assert(PT_PAGE_2M << PT_INDEX_BITS == PT_PAGE_1G, "level 2 is 1 GiB");
_Static_assert(PT_PAGE_4K << (PT_INDEX_BITS * PT_LEVELS) == PT_ADDR_LIMIT,
	       "four levels cover 48 bits");

/* x86-64 long-mode entries: arch/x86_defs.h (X86_PTE_*) */
_Static_assert(PT_ENTRIES == X86_PT_ENTRIES && PT_PAGE_4K == X86_PAGE_4K &&
	       PT_PAGE_2M == X86_PAGE_2M && PT_PAGE_1G == X86_PAGE_1G,
	       "the walker's geometry is the architecture's");

/* EPT entries and EPTP, SDM Vol. 3C 29.3.2 and 25.6.11 */
#define EPT_R            (1ULL << 0)
#define EPT_W            (1ULL << 1)
#define EPT_X            (1ULL << 2)
#define EPT_MT_SHIFT     3
#define EPT_MT_MASK      (7ULL << EPT_MT_SHIFT)
#define EPT_MT_UC        0ULL
#define EPT_MT_WB        6ULL
#define EPT_LARGE        (1ULL << 7)
#define EPTP_MT_WB       EPT_MT_WB
#define EPTP_WALK_SHIFT  3
#define EPTP_WALK_4      ((uint64_t)(PT_LEVELS - 1) << EPTP_WALK_SHIFT)

/*
 * What the bits of one entry encoding mean. Bit 0 is P in the x86-64
 * format and R in EPT; either way a present leaf is readable, so it is
 * the read bit. Exactly one of exec_bit and nx_bit is non-zero.
 */
struct pt_format {
	uint64_t table_bits;	/* a non-leaf entry, besides the address */
	uint64_t leaf_bits;	/* every leaf */
	uint64_t present_mask;	/* any of these set: the entry is present */
	uint64_t write_bit;
	uint64_t exec_bit;	/* set when executable */
	uint64_t nx_bit;	/* set when not executable */
	uint64_t large_bit;	/* a leaf above level 0 */
	uint64_t cache_mask;
	uint64_t cache_wb;
	uint64_t cache_uc;
	uint64_t root_bits;	/* or'ed into the root pointer */
};

static const struct pt_format pt_formats[] = {
	[PT_HOST] = {
		.table_bits = X86_PTE_P | X86_PTE_RW,
		.leaf_bits = X86_PTE_P,
		.present_mask = X86_PTE_P,
		.write_bit = X86_PTE_RW,
		.nx_bit = X86_PTE_NX,
		.large_bit = X86_PTE_PS,
		.cache_mask = X86_PTE_PCD | X86_PTE_PWT,
		.cache_uc = X86_PTE_PCD | X86_PTE_PWT,
	},
	/* APM Vol. 2 15.25.5: nested walks are user accesses, so U=1 everywhere */
	[PT_NPT] = {
		.table_bits = X86_PTE_P | X86_PTE_RW | X86_PTE_US,
		.leaf_bits = X86_PTE_P | X86_PTE_US,
		.present_mask = X86_PTE_P,
		.write_bit = X86_PTE_RW,
		.nx_bit = X86_PTE_NX,
		.large_bit = X86_PTE_PS,
		.cache_mask = X86_PTE_PCD | X86_PTE_PWT,
		.cache_uc = X86_PTE_PCD | X86_PTE_PWT,
	},
	/* non-leaf EPT entries grant everything; leaves restrict */
	[PT_EPT] = {
		.table_bits = EPT_R | EPT_W | EPT_X,
		.leaf_bits = EPT_R,
		.present_mask = EPT_R | EPT_W | EPT_X,
		.write_bit = EPT_W,
		.exec_bit = EPT_X,
		.large_bit = EPT_LARGE,
		.cache_mask = EPT_MT_MASK,
		.cache_wb = EPT_MT_WB << EPT_MT_SHIFT,
		.cache_uc = EPT_MT_UC << EPT_MT_SHIFT,
		.root_bits = EPTP_WALK_4 | EPTP_MT_WB,
	},
};

/* ------------------------------------------------------------ geometry */

static uint64_t level_size(unsigned int level)
{
	return PT_PAGE_4K << (PT_INDEX_BITS * level);
}

static unsigned int level_index(uint64_t va, unsigned int level)
{
	return (unsigned int)(va >> (PT_PAGE_SHIFT + PT_INDEX_BITS * level)) &
	       (PT_ENTRIES - 1);
}

static bool level_has_leaves(const struct page_table *pt, unsigned int level)
{
	return level < PT_LEVEL_1G || (level == PT_LEVEL_1G && pt->allow_1g);
}

/* ------------------------------------------------------------- entries */

static const struct pt_format *format_of(const struct page_table *pt)
{
	return &pt_formats[pt->kind];
}

static bool entry_present(const struct pt_format *fmt, uint64_t e)
{
	return e & fmt->present_mask;
}

static bool entry_is_leaf(const struct pt_format *fmt, uint64_t e,
			  unsigned int level)
{
	return level == 0 || (e & fmt->large_bit);
}

/* The address bits of a leaf of this level (a large page's low bits are flags). */
static uint64_t entry_addr(uint64_t e, unsigned int level)
{
	return e & PT_ADDR_MASK & ~(level_size(level) - 1);
}

static uint64_t make_leaf(const struct pt_format *fmt, uint64_t pa,
			  unsigned int perms, unsigned int level)
{
	uint64_t e = fmt->leaf_bits | pa;

	if (perms & PT_W)
		e |= fmt->write_bit;
	e |= perms & PT_X ? fmt->exec_bit : fmt->nx_bit;
	e |= perms & PT_UC ? fmt->cache_uc : fmt->cache_wb;
	if (level > 0)
		e |= fmt->large_bit;
	return e;
}

static unsigned int leaf_perms(const struct pt_format *fmt, uint64_t e)
{
	unsigned int perms = PT_R;
	bool exec = fmt->exec_bit ? e & fmt->exec_bit : !(e & fmt->nx_bit);

	if (e & fmt->write_bit)
		perms |= PT_W;
	if (exec)
		perms |= PT_X;
	if (fmt->cache_uc != fmt->cache_wb &&
	    (e & fmt->cache_mask) == fmt->cache_uc)
		perms |= PT_UC;
	return perms;
}

/*
 * Another CPU may walk a live table at any moment: a new entry is stored
 * in one piece, after everything it points to is complete.
 */
static void entry_set(uint64_t *e, uint64_t value)
{
	__atomic_store_n(e, value, __ATOMIC_RELEASE);
}

/* -------------------------------------------------------------- tables */

static uint64_t *table_virt(const struct page_table *pt, uint64_t pa)
{
	return pt->mem->phys_to_virt(pt->mem->ctx, pa);
}

static int table_alloc(struct page_table *pt, uint64_t *pa)
{
	int rc = pt->mem->alloc_table(pt->mem->ctx, pa);

	if (rc)
		return rc < 0 ? rc : -KEEL_ENOMEM;
	pt->table_count++;
	return 0;
}

static void table_free(struct page_table *pt, uint64_t pa)
{
	pt->mem->free_table(pt->mem->ctx, pa);
	pt->table_count--;
}

static bool table_empty(const struct page_table *pt, uint64_t pa)
{
	const uint64_t *t = table_virt(pt, pa);

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		if (t[i])
			return false;
	}
	return true;
}

/* Frees a table whose entries are at level, and every table below it. */
static void free_subtree(struct page_table *pt, uint64_t table,
			 unsigned int level)
{
	const struct pt_format *fmt = format_of(pt);
	const uint64_t *t = table_virt(pt, table);

	for (unsigned int i = 0; level > 0 && i < PT_ENTRIES; i++) {
		if (entry_present(fmt, t[i]) && !entry_is_leaf(fmt, t[i], level))
			free_subtree(pt, t[i] & PT_ADDR_MASK, level - 1);
	}
	table_free(pt, table);
}

/* Clears and frees a child table that holds nothing any more. */
static void prune_child(struct page_table *pt, uint64_t *e, uint64_t child)
{
	if (!table_empty(pt, child))
		return;
	entry_set(e, 0);
	table_free(pt, child);
}

/*
 * The table below entry *e at level (> 0): the existing one, a new empty
 * one, or a new one that maps the same as the large leaf it replaces.
 */
static int child_table(struct page_table *pt, uint64_t *e, unsigned int level,
		       uint64_t *child)
{
	const struct pt_format *fmt = format_of(pt);
	uint64_t *t;
	int rc;

	if (entry_present(fmt, *e) && !entry_is_leaf(fmt, *e, level)) {
		*child = *e & PT_ADDR_MASK;
		return 0;
	}
	rc = table_alloc(pt, child);
	if (rc)
		return rc;
	if (entry_present(fmt, *e)) {
		uint64_t pa = entry_addr(*e, level);
		unsigned int perms = leaf_perms(fmt, *e);

		t = table_virt(pt, *child);
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			t[i] = make_leaf(fmt, pa + i * level_size(level - 1),
					 perms, level - 1);
	}
	entry_set(e, *child | fmt->table_bits);
	return 0;
}

/* ----------------------------------------------------------------- map */

static bool leaf_fits(const struct page_table *pt, unsigned int level,
		      uint64_t va, uint64_t next, uint64_t pa)
{
	uint64_t size = level_size(level);

	return level_has_leaves(pt, level) && IS_ALIGNED(va, size) &&
	       IS_ALIGNED(pa, size) && next - va == size;
}

static int map_level(struct page_table *pt, uint64_t table, unsigned int level,
		     uint64_t va, uint64_t end, uint64_t pa, unsigned int perms)
{
	const struct pt_format *fmt = format_of(pt);
	uint64_t *t = table_virt(pt, table);

	while (va < end) {
		uint64_t next = MIN(ALIGN_DOWN(va, level_size(level)) +
				    level_size(level), end);
		uint64_t *e = &t[level_index(va, level)];
		uint64_t old = *e, child;
		int rc;

		if (leaf_fits(pt, level, va, next, pa)) {
			/* the new leaf is in place before the old tables go */
			entry_set(e, make_leaf(fmt, pa, perms, level));
			if (entry_present(fmt, old) &&
			    !entry_is_leaf(fmt, old, level))
				free_subtree(pt, old & PT_ADDR_MASK, level - 1);
		} else {
			rc = child_table(pt, e, level, &child);
			if (rc)
				return rc;
			rc = map_level(pt, child, level - 1, va, next, pa, perms);
			if (rc) {
				/* a table made for this call may be left empty */
				prune_child(pt, e, child);
				return rc;
			}
		}
		pa += next - va;
		va = next;
	}
	return 0;
}

/*
 * The hypervisor's own tables map both canonical halves (its image lives
 * at KERNEL_VBASE in the upper one); the table indexes use the low 48
 * bits. A host range must lie in one half: [0, 2^47) or [2^64 - 2^47,
 * 2^64). Stage-2 tables take guest-physical addresses, which have no
 * halves, below PT_ADDR_LIMIT.
 */
#define PT_HALF           (PT_ADDR_LIMIT / 2)
#define PT_CANONICAL_HIGH (~(PT_HALF - 1))

/* Folds [*va, *va+size) into index space; false when not canonical. */
static bool fold_range(const struct page_table *pt, uint64_t *va,
		       uint64_t size)
{
	if (pt->kind != PT_HOST)
		return true;	/* range_ok holds it below PT_ADDR_LIMIT */
	if (*va >= PT_CANONICAL_HIGH) {
		/* an end at or below 2^48 after folding is one below 2^64 */
		*va &= PT_ADDR_LIMIT - 1;
		return true;
	}
	return *va < PT_HALF && size <= PT_HALF - *va;
}

/* The inverse of fold_range, for addresses reported by pt_walk. */
static uint64_t unfold_va(const struct page_table *pt, uint64_t va)
{
	if (pt->kind == PT_HOST && va >= PT_HALF)
		return va | PT_CANONICAL_HIGH;
	return va;
}

/* [va, va+size) is a non-empty, 4 KiB aligned range below the limit. */
static bool range_ok(uint64_t va, uint64_t size, uint64_t limit)
{
	uint64_t end;

	return size && IS_ALIGNED(va, PT_PAGE_4K) && IS_ALIGNED(size, PT_PAGE_4K) &&
	       !__builtin_add_overflow(va, size, &end) && end <= limit;
}

int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int perms)
{
	if (!(perms & PT_R) || (perms & ~PT_PERM_MASK) ||
	    !fold_range(pt, &va, size))
		return -KEEL_EINVAL;
	if (!range_ok(va, size, PT_ADDR_LIMIT) ||
	    !range_ok(pa, size, PT_PHYS_LIMIT))
		return -KEEL_EINVAL;
	return map_level(pt, pt->root, PT_TOP_LEVEL, va, va + size, pa, perms);
}

/* --------------------------------------------------------------- unmap */

static int unmap_level(struct page_table *pt, uint64_t table,
		       unsigned int level, uint64_t va, uint64_t end)
{
	const struct pt_format *fmt = format_of(pt);
	uint64_t *t = table_virt(pt, table);

	while (va < end) {
		uint64_t size = level_size(level);
		uint64_t next = MIN(ALIGN_DOWN(va, size) + size, end);
		uint64_t *e = &t[level_index(va, level)];
		uint64_t old = *e, child;
		int rc;

		if (!entry_present(fmt, old)) {
			/* a hole: nothing to remove */
		} else if (IS_ALIGNED(va, size) && next - va == size) {
			entry_set(e, 0);
			if (!entry_is_leaf(fmt, old, level))
				free_subtree(pt, old & PT_ADDR_MASK, level - 1);
		} else {
			rc = child_table(pt, e, level, &child);
			if (rc)
				return rc;
			rc = unmap_level(pt, child, level - 1, va, next);
			prune_child(pt, e, child);
			if (rc)
				return rc;
		}
		va = next;
	}
	return 0;
}

int pt_unmap(struct page_table *pt, uint64_t va, uint64_t size)
{
	if (!fold_range(pt, &va, size) || !range_ok(va, size, PT_ADDR_LIMIT))
		return -KEEL_EINVAL;
	return unmap_level(pt, pt->root, PT_TOP_LEVEL, va, va + size);
}

/* ------------------------------------------------------- look and walk */

bool pt_translate(const struct page_table *pt, uint64_t va, uint64_t *pa,
		  unsigned int *perms, uint64_t *page_size)
{
	const struct pt_format *fmt = format_of(pt);
	uint64_t table = pt->root;

	if (!fold_range(pt, &va, 1) || va >= PT_ADDR_LIMIT)
		return false;
	for (unsigned int level = PT_TOP_LEVEL;; level--) {
		uint64_t e = table_virt(pt, table)[level_index(va, level)];

		if (!entry_present(fmt, e))
			return false;
		if (entry_is_leaf(fmt, e, level)) {
			*pa = entry_addr(e, level) | (va & (level_size(level) - 1));
			*perms = leaf_perms(fmt, e);
			*page_size = level_size(level);
			return true;
		}
		table = e & PT_ADDR_MASK;
	}
}

static int walk_level(const struct page_table *pt, uint64_t table,
		      unsigned int level, uint64_t va, pt_leaf_fn fn, void *arg)
{
	const struct pt_format *fmt = format_of(pt);
	const uint64_t *t = table_virt(pt, table);
	int rc;

	for (unsigned int i = 0; i < PT_ENTRIES; i++, va += level_size(level)) {
		uint64_t e = t[i];

		if (!entry_present(fmt, e))
			continue;
		if (entry_is_leaf(fmt, e, level))
			rc = fn(arg, unfold_va(pt, va), entry_addr(e, level),
				level_size(level), leaf_perms(fmt, e));
		else
			rc = walk_level(pt, e & PT_ADDR_MASK, level - 1, va,
					fn, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int pt_walk(const struct page_table *pt, pt_leaf_fn fn, void *arg)
{
	return walk_level(pt, pt->root, PT_TOP_LEVEL, 0, fn, arg);
}

/* ------------------------------------------------------------ lifetime */

int pt_init(struct page_table *pt, enum pt_kind kind, bool allow_1g,
	    const struct pt_memory *mem)
{
	if ((unsigned int)kind >= ARRAY_SIZE(pt_formats))
		return -KEEL_EINVAL;
	pt->kind = kind;
	pt->allow_1g = allow_1g;
	pt->mem = mem;
	pt->table_count = 0;
	pt->root = 0;
	return table_alloc(pt, &pt->root);
}

void pt_destroy(struct page_table *pt)
{
	if (!pt->table_count)
		return;
	free_subtree(pt, pt->root, PT_TOP_LEVEL);
	pt->root = 0;
}

uint64_t pt_root_pointer(const struct page_table *pt)
{
	return pt->root | format_of(pt)->root_bits;
}
