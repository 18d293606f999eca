/* SPDX-License-Identifier: MIT */
/*
 * A sized access at a guest linear address (core/emul/access.c): the page
 * walk (each page an access touches: an access crossing a page boundary
 * is two), then guest RAM (read_gpa/write_gpa) or a device (mmio_read/
 * mmio_write, when is_mmio says so). An instruction prepares all of its
 * accesses before it makes any, so a #PF leaves no device access behind.
 *
 * A device access that crosses a page boundary is not done
 * (EMUL_UNSUPPORTED): no device has a register there.
 */
#ifndef KEEL_CORE_EMUL_ACCESS_H
#define KEEL_CORE_EMUL_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include <core/emul/emul.h>
#include <core/emul/page_walk.h>

/* A prepared access: translated, checked, RAM or MMIO */
struct emul_mem_ref {
	uint64_t la;
	uint64_t gpa[2];	/* the second page's part at gpa[1] */
	uint8_t size;		/* 1, 2, 4, 8 */
	uint8_t first;		/* bytes in the first page (size: not split) */
	bool mmio;
};

/* The page walker's input from the registers and the CPU model in ops */
void emul_paging_of(const struct emul_regs *r, const struct emul_ops *ops,
		    struct emul_paging *pg);

/*
 * Translate one linear address for access. False with *res filled: #PF,
 * EMUL_RETRY, or a callback's error.
 */
bool emul_translate(const struct emul_regs *r, const struct emul_ops *ops,
		    uint64_t la, enum emul_access access, uint64_t *gpa,
		    struct emul_result *res);

/* Translate size bytes at la (every page) for access into *ref */
bool emul_mem_prepare(const struct emul_regs *r, const struct emul_ops *ops,
		      uint64_t la, unsigned int size, enum emul_access access,
		      struct emul_mem_ref *ref, struct emul_result *res);

/* The access itself; false with the callback's error in *res */
bool emul_mem_read(const struct emul_ops *ops, const struct emul_mem_ref *ref,
		   uint64_t *val, struct emul_result *res);
bool emul_mem_write(const struct emul_ops *ops, const struct emul_mem_ref *ref,
		    uint64_t val, struct emul_result *res);

/* Whether ref can be replaced atomically (emul_mem_cmpxchg): RAM, within
 * one page, and a cmpxchg_gpa callback */
bool emul_mem_atomic(const struct emul_ops *ops,
		     const struct emul_mem_ref *ref);

/*
 * Replace old by val at ref atomically: *done tells whether it happened
 * (false: the memory no longer held old). False with the error in *res.
 */
bool emul_mem_cmpxchg(const struct emul_ops *ops,
		      const struct emul_mem_ref *ref, uint64_t old,
		      uint64_t val, bool *done, struct emul_result *res);

#endif
