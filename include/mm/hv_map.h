/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own page tables: the image at KERNEL_VBASE with one
 * permission per segment (text RX, rodata R, data RW), and an identity
 * map of physical memory, writable and never executable. Page 0 stays
 * unmapped so NULL dereferences fault.
 */
#ifndef KEEL_MM_HV_MAP_H
#define KEEL_MM_HV_MAP_H

#include <stdint.h>

#include <keel/boot_info.h>

void hv_map_init(const struct boot_info *bi);

/* CR3 value of the hypervisor's tables (below 4 GiB, for AP start-up). */
uint64_t hv_map_root(void);

/* Changes the mapping of [pa, pa+size) in the identity map. */
int hv_map_identity(uint64_t pa, uint64_t size, unsigned int perms);

/* Counts mappings that are both writable and executable. */
uint64_t hv_map_count_wx(uint64_t *pages_checked);

#endif
