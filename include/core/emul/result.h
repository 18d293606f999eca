/* SPDX-License-Identifier: MIT */
/* Filling struct emul_result (core/emul/result.c), for the emulator's parts. */
#ifndef KEEL_CORE_EMUL_RESULT_H
#define KEEL_CORE_EMUL_RESULT_H

#include <stdint.h>

#include <core/emul/emul.h>

/*
 * An exception. In real mode none has an error code; otherwise #GP, #SS
 * and #PF have one (#UD never).
 */
void emul_raise(struct emul_result *res, const struct emul_regs *r,
		uint8_t vector, uint32_t error_code);

/* #PF with its error code and CR2 */
void emul_raise_pf(struct emul_result *res, const struct emul_regs *r,
		   uint32_t error_code, uint64_t cr2);

/* A callback's error */
void emul_fail(struct emul_result *res, int error, const char *why);

/* Not done: why, and the instruction's bytes (len of them) */
void emul_unsupported(struct emul_result *res, const char *why,
		      const uint8_t *bytes, unsigned int len);

#endif
