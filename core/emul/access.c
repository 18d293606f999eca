// SPDX-License-Identifier: MIT
/* Sized accesses at guest linear addresses; see include/core/emul/access.h. */
#include <core/emul/access.h>
#include <core/emul/address.h>
#include <core/emul/alu.h>
#include <core/emul/result.h>

#define PAGE_SIZE 0x1000ull

void emul_paging_of(const struct emul_regs *r, const struct emul_ops *ops,
		    struct emul_paging *pg)
{
	*pg = (struct emul_paging){
		.cr0 = r->cr0, .cr3 = r->cr3, .cr4 = r->cr4, .efer = r->efer,
		.rflags = r->rflags, .cpl = r->cpl,
		.maxphyaddr = ops->maxphyaddr, .gbpages = ops->gbpages,
	};
}

bool emul_translate(const struct emul_regs *r, const struct emul_ops *ops,
		    uint64_t la, enum emul_access access, uint64_t *gpa,
		    struct emul_result *res)
{
	struct emul_walk_mem mem = {
		.ctx = ops->ctx, .read_gpa = ops->read_gpa,
		.cmpxchg_gpa = ops->cmpxchg_gpa,
	};
	struct emul_paging pg;
	struct emul_walk w;
	int rc;

	emul_paging_of(r, ops, &pg);
	rc = emul_page_walk(&pg, &mem, la, access, &w);
	switch (rc) {
	case EMUL_WALK_OK:
		*gpa = w.gpa;
		return true;
	case EMUL_WALK_FAULT:
		emul_raise_pf(res, r, w.error_code, w.fault_addr);
		return false;
	case EMUL_WALK_RETRY:
		res->status = EMUL_RETRY;
		res->why = "guest page table changed during the walk";
		return false;
	default:
		emul_fail(res, rc, "guest page table not in guest RAM");
		return false;
	}
}

static bool is_mmio(const struct emul_ops *ops, uint64_t gpa, size_t len)
{
	return ops->is_mmio && ops->is_mmio(ops->ctx, gpa, len);
}

bool emul_mem_prepare(const struct emul_regs *r, const struct emul_ops *ops,
		      uint64_t la, unsigned int size, enum emul_access access,
		      struct emul_mem_ref *ref, struct emul_result *res)
{
	uint64_t room = PAGE_SIZE - (la & (PAGE_SIZE - 1));

	*ref = (struct emul_mem_ref){ .la = la, .size = (uint8_t)size };
	ref->first = (uint8_t)(room < size ? room : size);
	if (!emul_translate(r, ops, la, access, &ref->gpa[0], res))
		return false;
	if (ref->first < size &&
	    !emul_translate(r, ops, (la + ref->first) & emul_la_mask(r),
			    access, &ref->gpa[1], res))
		return false;
	ref->mmio = is_mmio(ops, ref->gpa[0], ref->first) ||
		    (ref->first < size &&
		     is_mmio(ops, ref->gpa[1], size - ref->first));
	if (ref->mmio && ref->first < size) {
		res->status = EMUL_UNSUPPORTED;
		res->why = "device access across a page boundary";
		return false;
	}
	return true;
}

bool emul_mem_read(const struct emul_ops *ops, const struct emul_mem_ref *ref,
		   uint64_t *val, struct emul_result *res)
{
	uint8_t b[8] = { 0 };
	uint64_t v = 0;
	int rc;

	if (ref->mmio) {
		rc = ops->mmio_read(ops->ctx, ref->gpa[0], ref->size, &v);
		if (rc) {
			emul_fail(res, rc, "device read");
			return false;
		}
		*val = v & emul_size_mask(ref->size);
		return true;
	}
	rc = ops->read_gpa(ops->ctx, ref->gpa[0], b, ref->first);
	if (!rc && ref->first < ref->size)
		rc = ops->read_gpa(ops->ctx, ref->gpa[1], b + ref->first,
				   ref->size - ref->first);
	if (rc) {
		emul_fail(res, rc, "guest RAM read");
		return false;
	}
	for (unsigned int i = ref->size; i-- > 0;)
		v = v << 8 | b[i];
	*val = v;
	return true;
}

bool emul_mem_write(const struct emul_ops *ops, const struct emul_mem_ref *ref,
		    uint64_t val, struct emul_result *res)
{
	uint8_t b[8];
	int rc;

	val &= emul_size_mask(ref->size);
	if (ref->mmio) {
		rc = ops->mmio_write(ops->ctx, ref->gpa[0], ref->size, val);
		if (rc) {
			emul_fail(res, rc, "device write");
			return false;
		}
		return true;
	}
	for (unsigned int i = 0; i < ref->size; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	rc = ops->write_gpa(ops->ctx, ref->gpa[0], b, ref->first);
	if (!rc && ref->first < ref->size)
		rc = ops->write_gpa(ops->ctx, ref->gpa[1], b + ref->first,
				    ref->size - ref->first);
	if (rc) {
		emul_fail(res, rc, "guest RAM write");
		return false;
	}
	return true;
}

bool emul_mem_atomic(const struct emul_ops *ops,
		     const struct emul_mem_ref *ref)
{
	return ops->cmpxchg_gpa && !ref->mmio && ref->first == ref->size;
}

bool emul_mem_cmpxchg(const struct emul_ops *ops,
		      const struct emul_mem_ref *ref, uint64_t old,
		      uint64_t val, bool *done, struct emul_result *res)
{
	uint64_t mask = emul_size_mask(ref->size);
	int rc;

	rc = ops->cmpxchg_gpa(ops->ctx, ref->gpa[0], old & mask, val & mask,
			      ref->size);
	if (rc < 0) {
		emul_fail(res, rc, "guest RAM compare-exchange");
		return false;
	}
	*done = rc == 0;
	return true;
}
