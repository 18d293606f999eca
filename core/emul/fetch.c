// SPDX-License-Identifier: MIT
/* Instruction fetch; see include/core/emul/fetch.h. */
#include <core/emul/access.h>
#include <core/emul/address.h>
#include <core/emul/fetch.h>
#include <core/emul/result.h>

#define PAGE_MASK 0xfffull

/* The linear address of the instruction's byte i; false with the #GP */
static bool fetch_la(const struct emul_regs *r, unsigned int i, uint64_t *la,
		     struct emul_result *res)
{
	const struct emul_seg *cs = &r->seg[EMUL_CS];
	uint64_t off;

	if (r->mode == EMUL_MODE_LONG64) {
		*la = r->rip + i;
		if (!emul_canonical(r, *la)) {
			emul_raise(res, r, EMUL_VEC_GP, 0);
			return false;
		}
		return true;
	}
	off = (r->rip + i) & emul_ip_mask(r);
	if (off > cs->limit) {
		emul_raise(res, r, EMUL_VEC_GP, 0);
		return false;
	}
	*la = (cs->base + off) & 0xffffffffull;
	return true;
}

void emul_fetch(const struct emul_regs *r, const struct emul_ops *ops,
		struct emul_fetch *f)
{
	uint64_t gpa[EMUL_MAX_LEN];
	uint64_t page_la = ~0ull, page_gpa = 0;
	unsigned int n = 0, start;

	*f = (struct emul_fetch){ .stop = { .status = EMUL_OK } };
	/* where each byte is: stop at the first that cannot be fetched */
	for (; n < EMUL_MAX_LEN; n++) {
		uint64_t la, pa;

		if (!fetch_la(r, n, &la, &f->stop))
			break;
		if ((la & ~PAGE_MASK) != page_la) {
			if (!emul_translate(r, ops, la, EMUL_ACCESS_FETCH, &pa,
					    &f->stop))
				break;
			if (ops->is_mmio && ops->is_mmio(ops->ctx, pa, 1)) {
				f->stop.status = EMUL_UNSUPPORTED;
				f->stop.why = "instruction fetch from a device";
				break;
			}
			page_la = la & ~PAGE_MASK;
			page_gpa = pa & ~PAGE_MASK;
		}
		gpa[n] = page_gpa | (la & PAGE_MASK);
	}
	/* read them in runs of consecutive guest-physical addresses */
	for (start = 0; start < n;) {
		unsigned int end = start + 1;
		int rc;

		while (end < n && gpa[end] == gpa[end - 1] + 1)
			end++;
		rc = ops->read_gpa(ops->ctx, gpa[start], f->bytes + start,
				   end - start);
		if (rc) {
			f->stop = (struct emul_result){ .status = EMUL_OK };
			emul_fail(&f->stop, rc, "instruction fetch from guest RAM");
			n = start;
			break;
		}
		start = end;
	}
	f->len = (uint8_t)n;
}
