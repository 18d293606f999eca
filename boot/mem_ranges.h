/* SPDX-License-Identifier: MIT */
/* boot_info.mem building, free of firmware types (host-testable). */
#ifndef KEEL_BOOT_MEM_RANGES_H
#define KEEL_BOOT_MEM_RANGES_H

#include <stdint.h>

#include <keel/boot_info.h>

/*
 * Inserts [base, base + length) of the given type into bi->mem, keeping
 * it sorted by base and merging neighbours of the same type. Ranges must
 * not overlap (UEFI's do not). Returns 0, or -1 when the table is full.
 */
int mem_ranges_add(struct boot_info *bi, uint64_t base, uint64_t length,
		   uint32_t type);

#endif
