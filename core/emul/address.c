// SPDX-License-Identifier: MIT
/* Effective and linear addresses; see include/core/emul/address.h. */
#include <core/emul/address.h>
#include <core/emul/alu.h>
#include <core/emul/result.h>

uint64_t emul_effective(const struct emul_insn *in, const struct emul_regs *r)
{
	const struct emul_ea *ea = &in->ea;
	uint64_t a = (uint64_t)ea->disp;

	if (ea->rip_rel)
		a += r->rip + in->len;
	if (ea->base < EMUL_GPR_COUNT)
		a += r->gpr[ea->base];
	if (ea->index < EMUL_GPR_COUNT)
		a += r->gpr[ea->index] * ea->scale;
	return a & emul_size_mask(in->addrsize);
}

bool emul_canonical(const struct emul_regs *r, uint64_t la)
{
	unsigned int bits = r->cr4 & EMUL_CR4_LA57 ? 57 : 48;
	uint64_t top = la >> (bits - 1);

	return top == 0 || top == (~0ull >> (bits - 1));
}

uint64_t emul_la_mask(const struct emul_regs *r)
{
	return r->mode == EMUL_MODE_LONG64 ? ~0ull : 0xffffffffull;
}

uint64_t emul_ip_mask(const struct emul_regs *r)
{
	switch (r->mode) {
	case EMUL_MODE_LONG64:
		return ~0ull;
	case EMUL_MODE_PROT32:
		return 0xffffffffull;
	default:
		return 0xffff;
	}
}

static bool within_limit(const struct emul_seg *s, uint64_t first,
			 uint64_t last)
{
	uint64_t upper;

	if (!(s->flags & EMUL_SEG_EXPAND_DOWN))
		return last <= s->limit;
	upper = s->flags & EMUL_SEG_BIG ? 0xffffffffull : 0xffff;
	return first > s->limit && last <= upper;
}

bool emul_linear(const struct emul_regs *r, unsigned int seg, uint64_t offset,
		 unsigned int size, uint64_t *la, struct emul_result *res)
{
	const struct emul_seg *s = &r->seg[seg < EMUL_SREG_COUNT ? seg : EMUL_DS];
	uint8_t vector = seg == EMUL_SS ? EMUL_VEC_SS : EMUL_VEC_GP;
	uint64_t a, last;

	if (r->mode == EMUL_MODE_LONG64) {
		a = offset;
		if (seg == EMUL_FS || seg == EMUL_GS)
			a += s->base;
		last = a + size - 1;
		if (last < a || !emul_canonical(r, a) ||
		    !emul_canonical(r, last)) {
			emul_raise(res, r, vector, 0);
			return false;
		}
		*la = a;
		return true;
	}
	if (!within_limit(s, offset, offset + size - 1)) {
		emul_raise(res, r, vector, 0);
		return false;
	}
	*la = (s->base + offset) & 0xffffffffull;
	return true;
}
