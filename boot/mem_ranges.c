// SPDX-License-Identifier: MIT
/*
 * boot_info.mem as a sorted list of ranges in which neighbours of the
 * same type are merged. Plain C without firmware calls: it runs after
 * ExitBootServices, and it compiles for host tests.
 */
#include <stdint.h>

#include <lib/string.h>

#include "mem_ranges.h"

static int mergeable(const struct boot_mem_range *a,
		     const struct boot_mem_range *b)
{
	return a->type == b->type && a->base + a->length == b->base;
}

int mem_ranges_add(struct boot_info *bi, uint64_t base, uint64_t length,
		   uint32_t type)
{
	struct boot_mem_range *mem = bi->mem;
	struct boot_mem_range r = { .base = base, .length = length,
				    .type = type };
	uint32_t i = bi->mem_count;

	if (!length)
		return 0;
	while (i > 0 && mem[i - 1].base > base)
		i--;

	if (i > 0 && mergeable(&mem[i - 1], &r)) {
		mem[i - 1].length += length;
		if (i < bi->mem_count && mergeable(&mem[i - 1], &mem[i])) {
			mem[i - 1].length += mem[i].length;
			memmove(&mem[i], &mem[i + 1],
				(bi->mem_count - i - 1) * sizeof(*mem));
			bi->mem_count--;
		}
		return 0;
	}
	if (i < bi->mem_count && mergeable(&r, &mem[i])) {
		mem[i].base = base;
		mem[i].length += length;
		return 0;
	}
	if (bi->mem_count == BOOT_MAX_MEM_RANGES)
		return -1;
	memmove(&mem[i + 1], &mem[i], (bi->mem_count - i) * sizeof(*mem));
	mem[i] = r;
	bi->mem_count++;
	return 0;
}
