/* SPDX-License-Identifier: MIT */
/*
 * The arithmetic and logic operations of the emulator (core/emul/alu.c)
 * and the status flags they leave, as SDM Vol. 1 appendix A and the
 * instruction pages define them:
 *
 *   ADD ADC SUB SBB CMP   CF, PF, AF, ZF, SF, OF from the result
 *   AND OR XOR TEST       CF and OF cleared; PF, ZF, SF from the result;
 *                         AF, which the SDM leaves undefined, cleared
 *
 * Pure functions, no state.
 */
#ifndef KEEL_CORE_EMUL_ALU_H
#define KEEL_CORE_EMUL_ALU_H

#include <stdint.h>

/* All ones in the low size bytes (1, 2, 4, 8) */
uint64_t emul_size_mask(unsigned int size);

/* v's low size bytes, sign-extended to 64 bits */
uint64_t emul_sign_extend(uint64_t v, unsigned int size);

/*
 * a op b at size bytes (op: EMUL_OP_ADD ... EMUL_OP_CMP, EMUL_OP_TEST);
 * returns the result (CMP: the difference, TEST: the AND), masked to size,
 * and replaces the six status flags in *rflags (ADC and SBB read CF).
 */
uint64_t emul_alu(unsigned int op, unsigned int size, uint64_t a, uint64_t b,
		  uint64_t *rflags);

#endif
