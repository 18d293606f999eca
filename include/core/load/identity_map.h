/* SPDX-License-Identifier: MIT */
/*
 * The boot page tables a loader writes into guest memory for a kernel
 * that starts in 64-bit mode (core/load/identity_map.c): Keel ELF guests
 * (docs/hypercalls.md §5) and Linux's 64-bit entry (docs/guests.md).
 */
#ifndef KEEL_CORE_LOAD_IDENTITY_MAP_H
#define KEEL_CORE_LOAD_IDENTITY_MAP_H

#include <stdint.h>

struct vm;

#define IDENTITY_MAP_PDS 4	/* page directories: 4 GiB of 2 MiB pages */

/*
 * Writes a PML4 at pml4, a PDPT at pdpt and IDENTITY_MAP_PDS page
 * directories from pd up (4 KiB each) identity-mapping the first 4 GiB
 * with writable 2 MiB pages. 0 or -KEEL_EFAULT (outside the VM's memory).
 */
int identity_map_write(struct vm *vm, uint64_t pml4, uint64_t pdpt,
		       uint64_t pd);

#endif
