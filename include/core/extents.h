/* SPDX-License-Identifier: MIT */
/*
 * The bookkeeping of a VM's memory: which host frames back which
 * guest-physical range. Pure logic with no hardware access, so it runs
 * under host tests; the caller frees the frames (core/guest_mem.c scrubs them).
 */
#ifndef KEEL_CORE_EXTENTS_H
#define KEEL_CORE_EXTENTS_H

#include <stdbool.h>
#include <stdint.h>

/* Guest-physical [gpa, gpa+bytes) is host-physical [hpa, ...); 2 MiB units. */
struct vm_extent {
	uint64_t gpa;
	uint64_t hpa;
	uint64_t bytes;
};

/*
 * The extents of one VM, in ascending gpa order without gaps: RAM is one
 * range [0, top), and it only grows or shrinks at the top.
 */
struct extent_list {
	unsigned int count;
	unsigned int max;
	struct vm_extent *ext;
};

/* Adds [gpa, gpa+bytes) at hpa on top; false (nothing added) when full. */
bool extents_append(struct extent_list *l, uint64_t gpa, uint64_t hpa,
		    uint64_t bytes);

/* Called once for every host range extents_cut_above takes away. */
typedef void (*extent_free_fn)(void *ctx, uint64_t hpa, uint64_t bytes);

/*
 * Takes away guest-physical memory at and above to, from the top down,
 * at most budget bytes: each host range leaves the list before free_fn
 * sees it, so no range is handed out twice. Returns the bytes taken.
 */
uint64_t extents_cut_above(struct extent_list *l, uint64_t to, uint64_t budget,
			   extent_free_fn free_fn, void *ctx);

#endif
