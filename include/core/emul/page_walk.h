/* SPDX-License-Identifier: MIT */
/*
 * The guest page walker (core/emul/page_walk.c): a guest linear address to
 * a guest-physical address, the way the CPU translates it, through the
 * guest's own page tables read from guest memory.
 *
 * Paging modes, from CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57:
 *   CR0.PG 0      no paging: the address is the physical one (32 bits)
 *   32-bit        two levels of 4-byte entries; 4-MiB pages with CR4.PSE
 *                 (PSE-36: physical bits 39:32 in PDE bits 20:13)
 *   PAE           four PDPTEs (read from memory at each walk, not the
 *                 copies a CPU loads with CR3), then 2-MiB or 4-KiB pages
 *   4-level       2-MiB, and 1-GiB pages when the CPU has them
 *   5-level       (CR4.LA57) the same with one more level
 *
 * Checks, as SDM Vol. 3A 4.6 and 4.7 state them: present; reserved bits
 * (physical-address bits at or above MAXPHYADDR, the large-page bits
 * 20:13 / 29:13, PS in a PML4E or PML5E and in a PDPTE without 1-GiB
 * pages, the PAE PDPTE's bits, bit 63 (XD) without EFER.NXE); then the
 * access rights of the whole walk: R/W (supervisor writes only with
 * CR0.WP), U/S, XD with EFER.NXE, SMEP (no supervisor fetch from a user
 * page), SMAP (no supervisor data access to a user page unless RFLAGS.AC;
 * the emulator makes no implicit supervisor accesses). Protection keys
 * (CR4.PKE/PKS) and shadow-stack accesses are not checked.
 *
 * A fault gives the #PF error code (P, W/R, U/S, RSVD, I/D) and the
 * address for CR2. I/D is set for a fetch when CR4.SMEP is 1 or PAE or
 * 4/5-level paging runs with EFER.NXE 1, as the SDM says.
 *
 * Accessed and dirty bits: set when the caller gives a compare-exchange
 * callback (struct emul_walk_mem.cmpxchg_gpa), not otherwise. The CPU sets
 * them atomically, and a guest relies on that: a dirty bit decides whether
 * a page is written back. A plain read and write would race another vCPU
 * that changes the same entry (a cleared present bit, a cleared dirty bit
 * written back) and lose its update, which is worse than not setting the
 * bit; a compare-exchange cannot. After a successful walk each entry gets
 * A and the leaf, for a write, D; when an entry changed meanwhile the walk
 * starts again (at most EMUL_WALK_TRIES times, then EMUL_WALK_RETRY).
 * Bits are set only for accesses that do not fault.
 */
#ifndef KEEL_CORE_EMUL_PAGE_WALK_H
#define KEEL_CORE_EMUL_PAGE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum emul_access {
	EMUL_ACCESS_READ,
	EMUL_ACCESS_WRITE,	/* also a read-modify-write */
	EMUL_ACCESS_FETCH,
};

/* The #PF error code's bits */
#define EMUL_PF_P    (1u << 0)	/* 0: not present; 1: rights or reserved bit */
#define EMUL_PF_W    (1u << 1)	/* the access was a write */
#define EMUL_PF_U    (1u << 2)	/* from user mode (CPL 3) */
#define EMUL_PF_RSVD (1u << 3)	/* a reserved bit was set */
#define EMUL_PF_ID   (1u << 4)	/* an instruction fetch */

/* The state a walk depends on */
struct emul_paging {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;	/* AC, for SMAP */
	uint8_t cpl;
	uint8_t maxphyaddr;	/* 0 means 52 */
	bool gbpages;		/* 1-GiB pages exist */
};

/* Guest memory as the walker reads it; see struct emul_ops */
struct emul_walk_mem {
	void *ctx;
	int (*read_gpa)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*cmpxchg_gpa)(void *ctx, uint64_t gpa, uint64_t old, uint64_t val,
			   size_t len);	/* optional */
};

struct emul_walk {
	uint64_t gpa;		/* EMUL_WALK_OK: the translation */
	uint64_t page_size;	/* of the mapping: 4 KiB ... 1 GiB */
	uint32_t error_code;	/* EMUL_WALK_FAULT: for #PF */
	uint64_t fault_addr;	/* EMUL_WALK_FAULT: for CR2 */
	uint8_t levels;		/* entries read */
};

#define EMUL_WALK_OK    0
#define EMUL_WALK_FAULT 1
#define EMUL_WALK_RETRY 2
#define EMUL_WALK_TRIES 4

/*
 * Translate la for access. Returns EMUL_WALK_OK, EMUL_WALK_FAULT,
 * EMUL_WALK_RETRY, or the negative error of a callback (an entry that is
 * not in guest RAM). In all cases but OK, out->gpa is meaningless.
 */
int emul_page_walk(const struct emul_paging *pg,
		   const struct emul_walk_mem *mem, uint64_t la,
		   enum emul_access access, struct emul_walk *out);

#endif
