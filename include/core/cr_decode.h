/* SPDX-License-Identifier: MIT */
/*
 * Decoding the instructions that write or read a control register (SDM
 * vol. 2: MOV to/from CR, CLTS, LMSW), for exits that do not say which
 * register operand they had: SVM without decode assists (QEMU TCG has
 * none) intercepts CR0 writes and leaves the instruction to the
 * hypervisor. Pure C (tests/unit/test_cr_decode.c).
 */
#ifndef KEEL_CORE_CR_DECODE_H
#define KEEL_CORE_CR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cr_insn_kind {
	CR_INSN_MOV_TO,		/* 0F 22: CRn <- GPR */
	CR_INSN_MOV_FROM,	/* 0F 20: GPR <- CRn */
	CR_INSN_CLTS,		/* 0F 06 */
	CR_INSN_LMSW,		/* 0F 01 /6 */
};

struct cr_insn {
	enum cr_insn_kind kind;
	uint8_t cr;		/* MOV: 0-15 (LOCK MOV CR0 is CR8, AMD) */
	uint8_t gpr;		/* MOV, LMSW: x86 register number */
	uint8_t len;		/* bytes, prefixes included; 0 with mem */
	bool mem;		/* LMSW with a memory operand: not decoded
				   further (core/emulate.c reads it) */
};

/*
 * Decodes the instruction at bytes[0..len) in 64-bit code (long64, where
 * REX counts) or other code. False for anything else. LMSW with a
 * memory operand is only recognised (mem, no length or register).
 */
bool cr_decode(const uint8_t *bytes, size_t len, bool long64,
	       struct cr_insn *out);

#endif
