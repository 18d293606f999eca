/* SPDX-License-Identifier: MIT */
/*
 * Instruction fetch (core/emul/fetch.c): up to 15 bytes at CS:RIP, each
 * page translated for an execute access (NX, SMEP), within the CS limit
 * (outside 64-bit mode) or canonical (in it). What stops the fetch short
 * of 15 bytes (#PF on the next page, #GP at the limit, a device page, a
 * callback error) is kept, not raised: it matters only if the instruction
 * turns out to reach into those bytes (emul_step decides that).
 */
#ifndef KEEL_CORE_EMUL_FETCH_H
#define KEEL_CORE_EMUL_FETCH_H

#include <stdint.h>

#include <core/emul/emul.h>

struct emul_fetch {
	uint8_t bytes[EMUL_MAX_LEN];
	uint8_t len;			/* bytes fetched from CS:RIP */
	struct emul_result stop;	/* len < 15: why; else status EMUL_OK */
};

void emul_fetch(const struct emul_regs *r, const struct emul_ops *ops,
		struct emul_fetch *f);

#endif
