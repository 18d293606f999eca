// SPDX-License-Identifier: MIT
/* The guest page walker; see include/core/emul/page_walk.h. */
#include <core/emul/emul.h>
#include <core/emul/page_walk.h>

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_XD   (1ull << 63)

#define PAGE_4K  0x1000ull

/* Bits hi..lo set */
#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

enum format { FMT_32, FMT_PAE, FMT_LONG };

/* One entry of the walk, for the accessed and dirty bits */
struct level {
	uint64_t gpa;
	uint64_t val;
	uint8_t size;		/* 4 or 8 */
	bool leaf;
	bool has_ad;		/* not a PAE PDPTE */
};

struct walk {
	const struct emul_paging *pg;
	const struct emul_walk_mem *mem;
	uint64_t la;
	enum emul_access access;
	enum format fmt;
	unsigned int maxphy;
	struct level lv[5];
	unsigned int n;
};

static unsigned int maxphy_of(const struct emul_paging *pg)
{
	unsigned int m = pg->maxphyaddr;

	return m == 0 || m > 52 ? 52 : m < 32 ? 32 : m;
}

/* Bits M-1..12: a table or page address in an 8-byte entry */
static uint64_t addr_bits(unsigned int maxphy)
{
	return BITS(maxphy - 1, 12);
}

static uint32_t error_code(const struct walk *w, uint32_t bits)
{
	const struct emul_paging *pg = w->pg;

	if (w->access == EMUL_ACCESS_WRITE)
		bits |= EMUL_PF_W;
	if (pg->cpl == 3)
		bits |= EMUL_PF_U;
	if (w->access == EMUL_ACCESS_FETCH &&
	    ((pg->cr4 & EMUL_CR4_SMEP) ||
	     (w->fmt != FMT_32 && (pg->efer & EMUL_EFER_NXE))))
		bits |= EMUL_PF_ID;
	return bits;
}

static int fault(const struct walk *w, struct emul_walk *out, uint32_t bits)
{
	out->error_code = error_code(w, bits);
	out->fault_addr = w->la;
	return EMUL_WALK_FAULT;
}

/*
 * The reserved bits of a present entry at depth (levels counted from the
 * bottom: 1 is the PTE, 2 the PDE, ...) in the 8-byte formats; pdpt_pae:
 * one of PAE paging's four PDPTEs.
 */
static uint64_t reserved_8(const struct walk *w, unsigned int depth,
			   uint64_t e, bool pdpt_pae)
{
	const struct emul_paging *pg = w->pg;
	bool nxe = pg->efer & EMUL_EFER_NXE;
	uint64_t rsvd;

	/*
	 * PAE PDPTE: 63:M, 8:5, 2:1 (SDM table 4-8), but for the accessed
	 * bit 5, which QEMU TCG's SVM sets in them (core/cr_rules.c too)
	 */
	if (pdpt_pae)
		return BITS(63, w->maxphy) | BITS(8, 6) | BITS(2, 1);
	if (w->fmt == FMT_PAE)
		rsvd = w->maxphy < 63 ? BITS(62, w->maxphy) : 0;
	else
		rsvd = w->maxphy < 52 ? BITS(51, w->maxphy) : 0;
	if (!nxe)
		rsvd |= PTE_XD;
	if (depth >= 4)		/* PML4E, PML5E: PS must be 0 */
		rsvd |= PTE_PS;
	else if (depth == 3 && (e & PTE_PS))	/* 1-GiB page */
		rsvd |= pg->gbpages ? BITS(29, 13) : PTE_PS;
	else if (depth == 2 && (e & PTE_PS))	/* 2-MiB page */
		rsvd |= BITS(20, 13);
	return rsvd;
}

static int read_entry(struct walk *w, uint64_t gpa, unsigned int size,
		      uint64_t *val)
{
	uint8_t b[8];
	uint64_t v = 0;
	int rc;

	rc = w->mem->read_gpa(w->mem->ctx, gpa, b, size);
	if (rc)
		return rc < 0 ? rc : -1;
	for (unsigned int i = size; i-- > 0;)
		v = v << 8 | b[i];
	*val = v;
	return 0;
}

static void record(struct walk *w, uint64_t gpa, uint64_t val,
		   unsigned int size, bool has_ad)
{
	struct level *l = &w->lv[w->n++];

	l->gpa = gpa;
	l->val = val;
	l->size = (uint8_t)size;
	l->has_ad = has_ad;
	l->leaf = false;
}

/* The access rights of the whole walk against the access (SDM 4.6) */
static bool allowed(const struct walk *w, bool rw, bool us, bool xd)
{
	const struct emul_paging *pg = w->pg;
	bool write = w->access == EMUL_ACCESS_WRITE;
	bool fetch = w->access == EMUL_ACCESS_FETCH;

	if (pg->cpl == 3) {
		if (!us)
			return false;
		if (write && !rw)
			return false;
		return !(fetch && xd);
	}
	if (fetch) {
		if (xd)
			return false;
		return !(us && (pg->cr4 & EMUL_CR4_SMEP));
	}
	if (us && (pg->cr4 & EMUL_CR4_SMAP) && !(pg->rflags & EMUL_FLAG_AC))
		return false;
	return !(write && !rw && (pg->cr0 & EMUL_CR0_WP));
}

/* Accessed on every entry used, dirty on the leaf of a write */
static int set_ad(struct walk *w)
{
	const struct emul_walk_mem *mem = w->mem;

	if (!mem->cmpxchg_gpa)
		return EMUL_WALK_OK;
	for (unsigned int i = 0; i < w->n; i++) {
		struct level *l = &w->lv[i];
		uint64_t want = l->val;
		int rc;

		if (!l->has_ad)
			continue;
		want |= PTE_A;
		if (l->leaf && w->access == EMUL_ACCESS_WRITE)
			want |= PTE_D;
		if (want == l->val)
			continue;
		rc = mem->cmpxchg_gpa(mem->ctx, l->gpa, l->val, want, l->size);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return EMUL_WALK_RETRY;
	}
	return EMUL_WALK_OK;
}

static int walk_32(struct walk *w, struct emul_walk *out, bool *rw, bool *us)
{
	const struct emul_paging *pg = w->pg;
	uint64_t pde, pte, gpa;
	unsigned int m = w->maxphy > 40 ? 40 : w->maxphy;
	int rc;

	gpa = (pg->cr3 & 0xfffff000ull) + ((w->la >> 22) & 0x3ff) * 4;
	rc = read_entry(w, gpa, 4, &pde);
	if (rc)
		return rc;
	record(w, gpa, pde, 4, true);
	if (!(pde & PTE_P))
		return fault(w, out, 0);
	*rw = pde & PTE_RW;
	*us = pde & PTE_US;
	if ((pde & PTE_PS) && (pg->cr4 & EMUL_CR4_PSE)) {
		/* 4 MiB: bit 21 and bits 20:(M-19) are reserved (table 4-4) */
		if (pde & BITS(21, m - 19))
			return fault(w, out, EMUL_PF_P | EMUL_PF_RSVD);
		w->lv[0].leaf = true;
		out->page_size = 4ull << 20;
		out->gpa = ((pde >> 13) & 0xff) << 32 | (pde & 0xffc00000ull) |
			   (w->la & 0x3fffff);
		return EMUL_WALK_OK;
	}
	gpa = (pde & 0xfffff000ull) + ((w->la >> 12) & 0x3ff) * 4;
	rc = read_entry(w, gpa, 4, &pte);
	if (rc)
		return rc;
	record(w, gpa, pte, 4, true);
	if (!(pte & PTE_P))
		return fault(w, out, 0);
	*rw = *rw && (pte & PTE_RW);
	*us = *us && (pte & PTE_US);
	w->lv[1].leaf = true;
	out->page_size = PAGE_4K;
	out->gpa = (pte & 0xfffff000ull) | (w->la & 0xfff);
	return EMUL_WALK_OK;
}

/* PAE, 4-level and 5-level paging: 8-byte entries */
static int walk_8(struct walk *w, struct emul_walk *out, bool *rw, bool *us,
		  bool *xd)
{
	const struct emul_paging *pg = w->pg;
	uint64_t table, e, gpa;
	unsigned int depth;
	int rc;

	if (w->fmt == FMT_PAE) {
		/* the PDPTE: no access rights, no accessed bit */
		gpa = (pg->cr3 & 0xffffffe0ull) + ((w->la >> 30) & 3) * 8;
		rc = read_entry(w, gpa, 8, &e);
		if (rc)
			return rc;
		record(w, gpa, e, 8, false);
		if (!(e & PTE_P))
			return fault(w, out, 0);
		if (e & reserved_8(w, 3, e, true))
			return fault(w, out, EMUL_PF_P | EMUL_PF_RSVD);
		table = e & addr_bits(w->maxphy);
		depth = 2;
	} else {
		table = pg->cr3 & addr_bits(w->maxphy);
		depth = (pg->cr4 & EMUL_CR4_LA57) ? 5 : 4;
	}
	*rw = *us = true;
	*xd = false;
	for (;; depth--) {
		unsigned int shift = 12 + 9 * (depth - 1);
		uint64_t size = 1ull << shift;

		gpa = table + ((w->la >> shift) & 0x1ff) * 8;
		rc = read_entry(w, gpa, 8, &e);
		if (rc)
			return rc;
		record(w, gpa, e, 8, true);
		if (!(e & PTE_P))
			return fault(w, out, 0);
		if (e & reserved_8(w, depth, e, false))
			return fault(w, out, EMUL_PF_P | EMUL_PF_RSVD);
		*rw = *rw && (e & PTE_RW);
		*us = *us && (e & PTE_US);
		if (pg->efer & EMUL_EFER_NXE)
			*xd = *xd || (e & PTE_XD);
		if (depth == 1 || (e & PTE_PS)) {
			w->lv[w->n - 1].leaf = true;
			out->page_size = size;
			out->gpa = (e & addr_bits(w->maxphy) & ~(size - 1)) |
				   (w->la & (size - 1));
			return EMUL_WALK_OK;
		}
		table = e & addr_bits(w->maxphy);
	}
}

static int walk_once(struct walk *w, struct emul_walk *out)
{
	bool rw = true, us = true, xd = false;
	int rc;

	w->n = 0;
	if (w->fmt == FMT_32)
		rc = walk_32(w, out, &rw, &us);
	else
		rc = walk_8(w, out, &rw, &us, &xd);
	out->levels = (uint8_t)w->n;
	if (rc != EMUL_WALK_OK)
		return rc;
	if (!allowed(w, rw, us, xd))
		return fault(w, out, EMUL_PF_P);
	return set_ad(w);
}

int emul_page_walk(const struct emul_paging *pg,
		   const struct emul_walk_mem *mem, uint64_t la,
		   enum emul_access access, struct emul_walk *out)
{
	struct walk w = {
		.pg = pg, .mem = mem, .la = la, .access = access,
		.maxphy = maxphy_of(pg),
	};
	int rc = EMUL_WALK_RETRY;

	*out = (struct emul_walk){ .page_size = PAGE_4K };
	if (!(pg->cr0 & EMUL_CR0_PG)) {
		out->gpa = la & 0xffffffffull;
		return EMUL_WALK_OK;
	}
	if (!(pg->cr4 & EMUL_CR4_PAE)) {
		w.fmt = FMT_32;
		w.la = la & 0xffffffffull;
	} else if (pg->efer & EMUL_EFER_LMA) {
		w.fmt = FMT_LONG;
	} else {
		w.fmt = FMT_PAE;
		w.la = la & 0xffffffffull;
	}
	for (unsigned int i = 0; i < EMUL_WALK_TRIES; i++) {
		rc = walk_once(&w, out);
		if (rc != EMUL_WALK_RETRY)
			break;
	}
	if (rc != EMUL_WALK_OK)
		out->gpa = 0;
	return rc;
}
