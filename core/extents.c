// SPDX-License-Identifier: MIT
/* A VM's extents; see core/extents.h. */
#include <core/extents.h>
#include <lib/util.h>

bool extents_append(struct extent_list *l, uint64_t gpa, uint64_t hpa,
		    uint64_t bytes)
{
	if (l->count == l->max)
		return false;
	l->ext[l->count++] = (struct vm_extent){ gpa, hpa, bytes };
	return true;
}

uint64_t extents_cut_above(struct extent_list *l, uint64_t to, uint64_t budget,
			   extent_free_fn free_fn, void *ctx)
{
	uint64_t cut_total = 0;

	while (l->count && cut_total < budget) {
		struct vm_extent *x = &l->ext[l->count - 1];
		uint64_t keep = to > x->gpa ? to - x->gpa : 0;
		uint64_t cut, hpa;

		if (keep >= x->bytes)
			break;
		cut = MIN(x->bytes - keep, budget - cut_total);
		x->bytes -= cut;
		hpa = x->hpa + x->bytes;
		if (!x->bytes)
			l->count--;
		cut_total += cut;
		free_fn(ctx, hpa, cut);
	}
	return cut_total;
}
