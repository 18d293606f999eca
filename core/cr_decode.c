// SPDX-License-Identifier: MIT
/* The control-register instructions: see core/cr_decode.h. */
#include <core/cr_decode.h>

#define MAX_INSN_LEN   15
#define PREFIX_LOCK    0xf0
#define OPCODE_ESCAPE  0x0f
#define OP_CLTS        0x06
#define OP_GROUP7      0x01
#define OP_MOV_FROM_CR 0x20
#define OP_MOV_TO_CR   0x22
#define GROUP7_LMSW    6
#define MODRM_REG_FORM 3
#define REX_R          0x4
#define REX_B          0x1

/* The legacy prefixes, which change nothing here but LOCK. */
static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67: case 0xf2: case 0xf3: case PREFIX_LOCK:
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
		return true;
	default:
		return false;
	}
}

/* The ModRM byte at bytes[i] of a MOV CR or LMSW; the operand is a register. */
static bool decode_modrm(const uint8_t *bytes, size_t i, size_t len,
			 uint8_t rex, bool lock, struct cr_insn *out)
{
	uint8_t modrm;

	if (i >= len)
		return false;
	modrm = bytes[i];
	/* MOV CR ignores mod and takes a register (SDM MOV CR) */
	out->gpr = (modrm & 7) | ((rex & REX_B) ? 8 : 0);
	out->cr = ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
	if (lock && out->cr == 0)
		out->cr = 8;
	out->len = (uint8_t)(i + 1);
	if (out->kind != CR_INSN_LMSW)
		return true;
	/* LMSW: /6; a memory operand is the emulator's (its length too) */
	if (((modrm >> 3) & 7) != GROUP7_LMSW)
		return false;
	out->mem = (modrm >> 6) != MODRM_REG_FORM;
	if (out->mem)
		out->len = 0;
	return true;
}

bool cr_decode(const uint8_t *bytes, size_t len, bool long64,
	       struct cr_insn *out)
{
	size_t i = 0;
	uint8_t rex = 0;
	bool lock = false;

	if (len > MAX_INSN_LEN)
		len = MAX_INSN_LEN;
	out->mem = false;
	while (i < len && is_prefix(bytes[i])) {
		lock |= bytes[i] == PREFIX_LOCK;
		i++;
	}
	if (long64 && i < len && (bytes[i] & 0xf0) == 0x40)
		rex = bytes[i++];
	if (i + 1 >= len || bytes[i] != OPCODE_ESCAPE)
		return false;
	switch (bytes[i + 1]) {
	case OP_CLTS:
		out->kind = CR_INSN_CLTS;
		out->cr = 0;
		out->gpr = 0;
		out->len = (uint8_t)(i + 2);
		return true;
	case OP_MOV_TO_CR:
		out->kind = CR_INSN_MOV_TO;
		break;
	case OP_MOV_FROM_CR:
		out->kind = CR_INSN_MOV_FROM;
		break;
	case OP_GROUP7:
		out->kind = CR_INSN_LMSW;
		break;
	default:
		return false;
	}
	return decode_modrm(bytes, i + 2, len, rex, lock, out);
}
