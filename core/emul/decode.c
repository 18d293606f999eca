// SPDX-License-Identifier: MIT
/* The instruction decoder; see include/core/emul/decode.h. */
#include <core/emul/decode.h>

#define REX_W 0x8
#define REX_R 0x4
#define REX_X 0x2
#define REX_B 0x1

/* The bytes still to read */
struct cursor {
	const uint8_t *b;
	size_t avail;
	size_t pos;
	enum emul_decode_status status;
};

struct prefixes {
	bool opsize, addrsize, lock;
	uint8_t rep;
	uint8_t seg;		/* enum emul_sreg, or EMUL_SREG_COUNT: none */
	uint8_t rex;
};

static bool next(struct cursor *c, uint8_t *v)
{
	if (c->pos >= EMUL_MAX_LEN) {
		c->status = EMUL_DECODE_TOO_LONG;
		return false;
	}
	if (c->pos >= c->avail) {
		c->status = EMUL_DECODE_SHORT;
		return false;
	}
	*v = c->b[c->pos++];
	return true;
}

/* n bytes, little-endian, sign-extended from n bytes to 64 bits */
static bool next_signed(struct cursor *c, unsigned int n, uint64_t *v)
{
	uint64_t x = 0;
	uint8_t b = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!next(c, &b))
			return false;
		x |= (uint64_t)b << (8 * i);
	}
	if (n < 8 && (x >> (8 * n - 1)) & 1)
		x |= ~0ull << (8 * n);
	*v = x;
	return true;
}

static bool next_unsigned(struct cursor *c, unsigned int n, uint64_t *v)
{
	if (!next_signed(c, n, v))
		return false;
	if (n < 8)
		*v &= (1ull << (8 * n)) - 1;
	return true;
}

/* Register reg of size bytes: without REX, byte registers 4-7 are AH-BH */
static struct emul_opnd reg_opnd(unsigned int reg, unsigned int size,
				 uint8_t rex)
{
	struct emul_opnd o = {
		.kind = EMUL_OPND_REG, .size = (uint8_t)size, .reg = (uint8_t)reg,
	};

	if (size == 1 && !rex && reg >= 4 && reg < 8) {
		o.reg = (uint8_t)(reg - 4);
		o.high = true;
	}
	return o;
}

/* The ModRM reg field as a register operand */
static struct emul_opnd modrm_reg(const struct emul_insn *in,
				  unsigned int size)
{
	unsigned int reg = ((in->modrm >> 3) & 7) | (in->rex & REX_R ? 8 : 0);

	return reg_opnd(reg, size, in->rex);
}

/* The ModRM r/m field: a register, or the memory operand at in->ea */
static struct emul_opnd modrm_rm(const struct emul_insn *in,
				 unsigned int size)
{
	if ((in->modrm >> 6) == 3)
		return reg_opnd((in->modrm & 7) | (in->rex & REX_B ? 8 : 0),
				size, in->rex);
	return (struct emul_opnd){ .kind = EMUL_OPND_MEM, .size = (uint8_t)size };
}

/* 16-bit addressing (SDM Vol. 2 table 2-1) */
static bool ea16(struct cursor *c, struct emul_insn *in, unsigned int mod,
		 unsigned int rm)
{
	static const uint8_t base[8] = {
		EMUL_RBX, EMUL_RBX, EMUL_RBP, EMUL_RBP,
		EMUL_RSI, EMUL_RDI, EMUL_RBP, EMUL_RBX,
	};
	static const uint8_t index[8] = {
		EMUL_RSI, EMUL_RDI, EMUL_RSI, EMUL_RDI,
		EMUL_NO_REG, EMUL_NO_REG, EMUL_NO_REG, EMUL_NO_REG,
	};
	uint64_t disp = 0;

	in->ea.base = base[rm];
	in->ea.index = index[rm];
	if (mod == 0 && rm == 6) {
		in->ea.base = EMUL_NO_REG;
		if (!next_signed(c, 2, &disp))
			return false;
	} else if (mod == 1) {
		if (!next_signed(c, 1, &disp))
			return false;
	} else if (mod == 2) {
		if (!next_signed(c, 2, &disp))
			return false;
	}
	in->ea.disp = (int64_t)disp;
	if (in->ea.base == EMUL_RBP)
		in->ea.seg = EMUL_SS;
	return true;
}

/* 32- and 64-bit addressing (SDM Vol. 2 tables 2-2, 2-3, 2.2.1.6) */
static bool ea32(struct cursor *c, struct emul_insn *in, unsigned int mod,
		 unsigned int rm)
{
	uint64_t disp = 0;
	unsigned int dispsize = mod == 1 ? 1 : mod == 2 ? 4 : 0;

	if (rm == 4) {
		uint8_t sib;
		unsigned int idx, b;

		if (!next(c, &sib))
			return false;
		in->ea.scale = (uint8_t)(1u << (sib >> 6));
		idx = ((sib >> 3) & 7) | (in->rex & REX_X ? 8 : 0);
		in->ea.index = idx == EMUL_RSP ? EMUL_NO_REG : (uint8_t)idx;
		b = sib & 7;
		if (b == 5 && mod == 0) {
			in->ea.base = EMUL_NO_REG;
			dispsize = 4;
		} else {
			in->ea.base = (uint8_t)(b | (in->rex & REX_B ? 8 : 0));
		}
	} else if (rm == 5 && mod == 0) {
		in->ea.base = EMUL_NO_REG;
		in->ea.rip_rel = in->mode == EMUL_MODE_LONG64;
		dispsize = 4;
	} else {
		in->ea.base = (uint8_t)(rm | (in->rex & REX_B ? 8 : 0));
	}
	if (dispsize && !next_signed(c, dispsize, &disp))
		return false;
	in->ea.disp = (int64_t)disp;
	if (in->ea.base == EMUL_RSP || in->ea.base == EMUL_RBP)
		in->ea.seg = EMUL_SS;
	return true;
}

static bool modrm(struct cursor *c, struct emul_insn *in)
{
	unsigned int mod, rm;

	if (!next(c, &in->modrm))
		return false;
	in->has_modrm = true;
	mod = in->modrm >> 6;
	rm = in->modrm & 7;
	if (mod == 3)
		return true;
	return in->addrsize == 2 ? ea16(c, in, mod, rm) : ea32(c, in, mod, rm);
}

/* An immediate of the operand size: imm16, or imm32 (sign-extended for 8) */
static bool imm_opsize(struct cursor *c, struct emul_insn *in)
{
	return next_signed(c, in->opsize == 2 ? 2 : in->opsize == 1 ? 1 : 4,
			   &in->imm);
}

static struct emul_opnd imm_opnd(unsigned int size)
{
	return (struct emul_opnd){ .kind = EMUL_OPND_IMM, .size = (uint8_t)size };
}

/* 00-3F: op r/m,r; op r,r/m; op acc,imm (form = the opcode's low 3 bits) */
static bool alu_form(struct cursor *c, struct emul_insn *in, unsigned int form)
{
	unsigned int size = form & 1 ? in->opsize : 1;

	in->op = (uint8_t)(EMUL_OP_ADD + (in->opcode >> 3));
	in->opsize = (uint8_t)size;
	if (form >= 4) {
		in->dst = reg_opnd(EMUL_RAX, size, 0);
		in->src = imm_opnd(size);
		return imm_opsize(c, in);
	}
	if (!modrm(c, in))
		return false;
	if (form & 2) {
		in->dst = modrm_reg(in, size);
		in->src = modrm_rm(in, size);
	} else {
		in->dst = modrm_rm(in, size);
		in->src = modrm_reg(in, size);
	}
	return true;
}

/* The string instructions: element size, no explicit operands */
static void string_op(struct emul_insn *in, uint8_t op, bool byte)
{
	in->op = op;
	if (byte)
		in->opsize = 1;
	else if ((op == EMUL_OP_INS || op == EMUL_OP_OUTS) && in->opsize == 8)
		in->opsize = 4;	/* no 64-bit port access: REX.W is ignored */
}

static enum emul_decode_status decode_0f(struct cursor *c,
					 struct emul_insn *in)
{
	uint8_t b;

	if (!next(c, &b))
		return c->status;
	in->opcode = (uint16_t)(0x0f00 | b);
	switch (b) {
	case 0x01:
		/* group 7: LMSW r/m16 (/6) only */
		if (!modrm(c, in))
			return c->status;
		if (((in->modrm >> 3) & 7) != 6)
			return EMUL_DECODE_UNSUPPORTED;
		in->op = EMUL_OP_LMSW;
		in->opsize = 2;
		in->src = modrm_rm(in, 2);
		return EMUL_DECODE_OK;
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		/* MOVZX, MOVSX r, r/m8 or r/m16 */
		if (!modrm(c, in))
			return c->status;
		in->op = b & 8 ? EMUL_OP_MOVSX : EMUL_OP_MOVZX;
		in->dst = modrm_reg(in, in->opsize);
		in->src = modrm_rm(in, b & 1 ? 2 : 1);
		return EMUL_DECODE_OK;
	case 0xa3: case 0xab: case 0xb3: case 0xbb:
		/* BT, BTS, BTR, BTC r/m, r */
		if (!modrm(c, in))
			return c->status;
		in->op = (uint8_t)(EMUL_OP_BT + ((b >> 3) & 3));
		in->dst = modrm_rm(in, in->opsize);
		in->src = modrm_reg(in, in->opsize);
		return EMUL_DECODE_OK;
	case 0xba:
		/* BT, BTS, BTR, BTC r/m, imm8 (/4-/7) */
		if (!modrm(c, in))
			return c->status;
		if (((in->modrm >> 3) & 7) < 4)
			return EMUL_DECODE_UNSUPPORTED;
		in->op = (uint8_t)(EMUL_OP_BT + ((in->modrm >> 3) & 3));
		in->dst = modrm_rm(in, in->opsize);
		in->src = imm_opnd(1);
		return next_unsigned(c, 1, &in->imm) ? EMUL_DECODE_OK : c->status;
	default:
		return EMUL_DECODE_UNSUPPORTED;
	}
}

static enum emul_decode_status decode_opcode(struct cursor *c,
					     struct emul_insn *in)
{
	unsigned int op = in->opcode, size;
	bool x64 = in->mode == EMUL_MODE_LONG64;

	if (op < 0x40 && (op & 7) < 6)
		return alu_form(c, in, op & 7) ? EMUL_DECODE_OK : c->status;
	switch (op) {
	case 0x0f:
		return decode_0f(c, in);
	case 0x63:	/* MOVSXD r, r/m32 (r16, r/m16 with 66h); ARPL elsewhere */
		if (!x64)
			return EMUL_DECODE_UNSUPPORTED;
		if (!modrm(c, in))
			return c->status;
		in->op = EMUL_OP_MOVSX;
		in->dst = modrm_reg(in, in->opsize);
		in->src = modrm_rm(in, in->opsize == 2 ? 2 : 4);
		return EMUL_DECODE_OK;
	case 0x80: case 0x81: case 0x82: case 0x83:
		if (op == 0x82 && x64)
			return EMUL_DECODE_UD;
		size = op & 1 ? in->opsize : 1;
		if (!modrm(c, in))
			return c->status;
		in->op = (uint8_t)(EMUL_OP_ADD + ((in->modrm >> 3) & 7));
		in->opsize = (uint8_t)size;
		in->dst = modrm_rm(in, size);
		in->src = imm_opnd(size);
		if (op == 0x81)
			return imm_opsize(c, in) ? EMUL_DECODE_OK : c->status;
		return next_signed(c, 1, &in->imm) ? EMUL_DECODE_OK : c->status;
	case 0x84: case 0x85: case 0x86: case 0x87:
		/* TEST r/m, r; XCHG r/m, r */
		size = op & 1 ? in->opsize : 1;
		if (!modrm(c, in))
			return c->status;
		in->op = op < 0x86 ? EMUL_OP_TEST : EMUL_OP_XCHG;
		in->opsize = (uint8_t)size;
		in->dst = modrm_rm(in, size);
		in->src = modrm_reg(in, size);
		return EMUL_DECODE_OK;
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		size = op & 1 ? in->opsize : 1;
		if (!modrm(c, in))
			return c->status;
		in->op = EMUL_OP_MOV;
		in->opsize = (uint8_t)size;
		if (op & 2) {
			in->dst = modrm_reg(in, size);
			in->src = modrm_rm(in, size);
		} else {
			in->dst = modrm_rm(in, size);
			in->src = modrm_reg(in, size);
		}
		return EMUL_DECODE_OK;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: {
		/* MOV acc, moffs; MOV moffs, acc */
		struct emul_opnd mem = { .kind = EMUL_OPND_MEM };
		uint64_t moffs;

		size = op & 1 ? in->opsize : 1;
		in->op = EMUL_OP_MOV;
		in->opsize = (uint8_t)size;
		mem.size = (uint8_t)size;
		if (!next_unsigned(c, in->addrsize, &moffs))
			return c->status;
		in->ea.disp = (int64_t)moffs;
		if (op & 2) {
			in->dst = mem;
			in->src = reg_opnd(EMUL_RAX, size, 0);
		} else {
			in->dst = reg_opnd(EMUL_RAX, size, 0);
			in->src = mem;
		}
		return EMUL_DECODE_OK;
	}
	case 0xa4: case 0xa5:
		string_op(in, EMUL_OP_MOVS, !(op & 1));
		return EMUL_DECODE_OK;
	case 0xaa: case 0xab:
		string_op(in, EMUL_OP_STOS, !(op & 1));
		return EMUL_DECODE_OK;
	case 0xac: case 0xad:
		string_op(in, EMUL_OP_LODS, !(op & 1));
		return EMUL_DECODE_OK;
	case 0x6c: case 0x6d:
		string_op(in, EMUL_OP_INS, !(op & 1));
		return EMUL_DECODE_OK;
	case 0x6e: case 0x6f:
		string_op(in, EMUL_OP_OUTS, !(op & 1));
		return EMUL_DECODE_OK;
	case 0xa8: case 0xa9:
		size = op & 1 ? in->opsize : 1;
		in->op = EMUL_OP_TEST;
		in->opsize = (uint8_t)size;
		in->dst = reg_opnd(EMUL_RAX, size, 0);
		in->src = imm_opnd(size);
		return imm_opsize(c, in) ? EMUL_DECODE_OK : c->status;
	case 0xc6: case 0xc7:	/* MOV r/m, imm: /0 only */
	case 0xf6: case 0xf7:	/* TEST r/m, imm: /0 only */
		size = op & 1 ? in->opsize : 1;
		if (!modrm(c, in))
			return c->status;
		if ((in->modrm >> 3) & 7)
			return EMUL_DECODE_UNSUPPORTED;
		in->op = op < 0xf6 ? EMUL_OP_MOV : EMUL_OP_TEST;
		in->opsize = (uint8_t)size;
		in->dst = modrm_rm(in, size);
		in->src = imm_opnd(size);
		return imm_opsize(c, in) ? EMUL_DECODE_OK : c->status;
	default:
		return EMUL_DECODE_UNSUPPORTED;
	}
}

/* Prefixes up to the opcode byte; false when the bytes ran out */
static bool read_prefixes(struct cursor *c, struct prefixes *p, uint8_t mode,
			  uint8_t *opcode)
{
	static const uint8_t seg_of[] = {
		[0x26 - 0x26] = EMUL_ES, [0x2e - 0x26] = EMUL_CS,
		[0x36 - 0x26] = EMUL_SS, [0x3e - 0x26] = EMUL_DS,
	};
	uint8_t b;

	for (;;) {
		if (!next(c, &b))
			return false;
		switch (b) {
		case 0x66:
			p->opsize = true;
			break;
		case 0x67:
			p->addrsize = true;
			break;
		case 0xf0:
			p->lock = true;
			break;
		case 0xf2:
			p->rep = EMUL_REP_F2;
			break;
		case 0xf3:
			p->rep = EMUL_REP_F3;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			/* ignored in 64-bit mode */
			if (mode != EMUL_MODE_LONG64)
				p->seg = seg_of[b - 0x26];
			break;
		case 0x64:
			p->seg = EMUL_FS;
			break;
		case 0x65:
			p->seg = EMUL_GS;
			break;
		default:
			if (mode == EMUL_MODE_LONG64 && (b & 0xf0) == 0x40) {
				p->rex = b;
				continue;	/* only right before the opcode */
			}
			*opcode = b;
			return true;
		}
		p->rex = 0;
	}
}

static bool lock_allowed(const struct emul_insn *in)
{
	switch (in->op) {
	case EMUL_OP_ADD: case EMUL_OP_OR: case EMUL_OP_ADC: case EMUL_OP_SBB:
	case EMUL_OP_AND: case EMUL_OP_SUB: case EMUL_OP_XOR:
	case EMUL_OP_XCHG: case EMUL_OP_BTS: case EMUL_OP_BTR: case EMUL_OP_BTC:
		return in->dst.kind == EMUL_OPND_MEM;
	default:
		return false;
	}
}

enum emul_decode_status emul_decode(const uint8_t *bytes, size_t avail,
				    uint8_t mode, struct emul_insn *in)
{
	struct cursor c = { .b = bytes, .avail = avail, .status = EMUL_DECODE_OK };
	struct prefixes p = { .seg = EMUL_SREG_COUNT };
	enum emul_decode_status st;
	uint8_t opcode;

	*in = (struct emul_insn){ .mode = mode };
	in->avail = (uint8_t)(avail < EMUL_MAX_LEN ? avail : EMUL_MAX_LEN);
	for (unsigned int i = 0; i < in->avail; i++)
		in->bytes[i] = bytes[i];
	if (!read_prefixes(&c, &p, mode, &opcode))
		return c.status;
	in->rex = p.rex;
	in->rep = p.rep;
	in->lock = p.lock;
	in->opcode = opcode;
	if (mode == EMUL_MODE_LONG64) {
		in->addrsize = p.addrsize ? 4 : 8;
		in->opsize = p.rex & REX_W ? 8 : p.opsize ? 2 : 4;
	} else if (mode == EMUL_MODE_PROT32) {
		in->addrsize = p.addrsize ? 2 : 4;
		in->opsize = p.opsize ? 2 : 4;
	} else {
		in->addrsize = p.addrsize ? 4 : 2;
		in->opsize = p.opsize ? 4 : 2;
	}
	in->ea = (struct emul_ea){
		.seg = EMUL_DS, .base = EMUL_NO_REG, .index = EMUL_NO_REG,
		.scale = 1,
	};
	st = decode_opcode(&c, in);
	if (st != EMUL_DECODE_OK)
		return st;
	/* an override beats the default, DS or SS (the string
	 * instructions' destination stays ES) */
	if (p.seg != EMUL_SREG_COUNT) {
		in->ea.seg = p.seg;
		in->seg_override = true;
	}
	in->len = (uint8_t)c.pos;
	if (in->lock && !lock_allowed(in))
		return EMUL_DECODE_UD;
	return EMUL_DECODE_OK;
}
