/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's frame pool: the buddy allocator (mm/buddy.h) over every
 * usable range of the boot memory map, behind one lock. Allocation is not
 * on any hot path.
 */
#ifndef KEEL_MM_FRAMES_H
#define KEEL_MM_FRAMES_H

#include <stdint.h>

#include <keel/boot_info.h>
#include <mm/buddy.h>
#include <mm/pagetable.h>

void frames_init(const struct boot_info *bi);
int frames_alloc(unsigned int order, uint64_t *pa);
int frames_alloc_zeroed(unsigned int order, uint64_t *pa);
int frames_alloc_below(unsigned int order, uint64_t limit, uint64_t *pa);
void frames_free(uint64_t pa, unsigned int order);
uint64_t frames_free_bytes(void);
uint64_t frames_total_bytes(void);
/*
 * Logs the hypervisor's own memory: its image (image_bytes, .bss
 * included), the allocator's metadata and the frames allocated so far.
 * Called once all CPUs are up and before any VM exists.
 */
void frames_report_footprint(uint64_t image_bytes);

/* Table memory for pt_* backed by the pool, zeroed. */
extern const struct pt_memory frames_pt_memory;

#endif
