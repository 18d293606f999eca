/* SPDX-License-Identifier: MIT */
/*
 * Effective and linear addresses (core/emul/address.c).
 *
 * Outside 64-bit mode: the offset wraps at the address size (16 or 32
 * bits), must lie within the segment's limit (expand-up, or expand-down
 * with its B flag), and the linear address is base + offset, wrapping at
 * 4 GiB. In 64-bit mode only FS and GS have a base, there are no limits,
 * and the first and last byte must be canonical (48 bits, 57 with
 * CR4.LA57). A violation is #SS(0) for SS, #GP(0) otherwise.
 *
 * Not checked (the CPU checked them before the exit, and the emulator
 * has no selectors or types): null selectors, segment types (a write to a
 * code or read-only segment), alignment checks (#AC).
 */
#ifndef KEEL_CORE_EMUL_ADDRESS_H
#define KEEL_CORE_EMUL_ADDRESS_H

#include <stdbool.h>
#include <stdint.h>

#include <core/emul/decode.h>
#include <core/emul/emul.h>

/* The effective address of in's memory operand, wrapped to its size */
uint64_t emul_effective(const struct emul_insn *in, const struct emul_regs *r);

/* Whether la is canonical for the paging mode in r (CR4.LA57) */
bool emul_canonical(const struct emul_regs *r, uint64_t la);

/*
 * The linear address of size bytes at offset in segment seg (enum
 * emul_sreg). False with the exception in *res when the checks fail.
 */
bool emul_linear(const struct emul_regs *r, unsigned int seg, uint64_t offset,
		 unsigned int size, uint64_t *la, struct emul_result *res);

/* Where linear addresses wrap: 4 GiB outside 64-bit mode */
uint64_t emul_la_mask(const struct emul_regs *r);

/* Where IP wraps: at 16, 32 or 64 bits by the code size */
uint64_t emul_ip_mask(const struct emul_regs *r);

#endif
