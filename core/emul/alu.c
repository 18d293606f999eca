// SPDX-License-Identifier: MIT
/* Arithmetic, logic and flags; see include/core/emul/alu.h. */
#include <core/emul/alu.h>
#include <core/emul/decode.h>

uint64_t emul_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

uint64_t emul_sign_extend(uint64_t v, unsigned int size)
{
	uint64_t mask = emul_size_mask(size);

	v &= mask;
	if (size < 8 && (v >> (8 * size - 1)) & 1)
		v |= ~mask;
	return v;
}

/* PF: the low byte has an even number of ones */
static bool parity_even(uint64_t v)
{
	uint8_t b = (uint8_t)v;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

uint64_t emul_alu(unsigned int op, unsigned int size, uint64_t a, uint64_t b,
		  uint64_t *rflags)
{
	uint64_t mask = emul_size_mask(size);
	uint64_t sign = 1ull << (8 * size - 1);
	uint64_t c = *rflags & EMUL_FLAG_CF ? 1 : 0;
	uint64_t r, f = 0;
	bool cf = false, of = false, af = false;

	a &= mask;
	b &= mask;
	switch (op) {
	case EMUL_OP_ADD:
	case EMUL_OP_ADC:
		if (op == EMUL_OP_ADD)
			c = 0;
		r = (a + b + c) & mask;
		/* carry out of the top bit: the sum wrapped */
		cf = r < a || (c && r == a);
		of = (a ^ r) & (b ^ r) & sign;
		af = (a ^ b ^ r) & 0x10;
		break;
	case EMUL_OP_SUB:
	case EMUL_OP_SBB:
	case EMUL_OP_CMP:
		if (op != EMUL_OP_SBB)
			c = 0;
		r = (a - b - c) & mask;
		/* borrow: b + c does not fit in a */
		cf = a < b || (c && a == b);
		of = (a ^ b) & (a ^ r) & sign;
		af = (a ^ b ^ r) & 0x10;
		break;
	case EMUL_OP_OR:
		r = a | b;
		break;
	case EMUL_OP_XOR:
		r = a ^ b;
		break;
	case EMUL_OP_AND:
	case EMUL_OP_TEST:
	default:
		r = a & b;
		break;
	}
	if (cf)
		f |= EMUL_FLAG_CF;
	if (parity_even(r))
		f |= EMUL_FLAG_PF;
	if (af)
		f |= EMUL_FLAG_AF;
	if (r == 0)
		f |= EMUL_FLAG_ZF;
	if (r & sign)
		f |= EMUL_FLAG_SF;
	if (of)
		f |= EMUL_FLAG_OF;
	*rflags = (*rflags & ~EMUL_FLAGS_ARITH) | f;
	return r;
}
