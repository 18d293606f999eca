/* SPDX-License-Identifier: MIT */
/*
 * The instruction decoder (core/emul/decode.c): one instruction, from at
 * most 15 bytes, in 16-bit (real and protected), 32-bit and 64-bit code.
 *
 * Prefixes: 66h, 67h, F2h/F3h, the segment overrides (in 64-bit mode only
 * FS and GS count; the others are ignored as the CPU ignores them), LOCK,
 * REX (64-bit mode, right before the opcode; a legacy prefix after it
 * cancels it). ModRM, SIB and displacements in 16-bit addressing and in
 * 32/64-bit addressing with RIP-relative ([rip+disp32], [eip+disp32] with
 * 67h).
 *
 * Instructions (what compilers emit for device access):
 *   MOV      88 89 8A 8B, C6 /0, C7 /0, A0-A3 (moffs)
 *   MOVZX    0F B6, 0F B7       MOVSX 0F BE, 0F BF      MOVSXD 63 (64-bit)
 *   XCHG     86 87
 *   ALU      ADD OR ADC SBB AND SUB XOR CMP: 00-3D (r/m,r  r,r/m  acc,imm),
 *            80 81 83 (82 outside 64-bit mode) /0-/7
 *   TEST     84 85, A8 A9, F6 /0, F7 /0
 *   BT BTS BTR BTC   0F A3 AB B3 BB (r/m,r), 0F BA /4-/7 (r/m,imm8)
 *   strings  MOVS A4 A5, STOS AA AB, LODS AC AD, INS 6C 6D, OUTS 6E 6F,
 *            with REP (F3, or F2 which they treat the same)
 *   LMSW     0F 01 /6 (r/m16): a CR0 write, for the control-register
 *            exits that do not give its operand (core/cr_access.c)
 * Everything else is EMUL_DECODE_UNSUPPORTED. F2/F3 on the others are
 * ignored (they only hint there).
 */
#ifndef KEEL_CORE_EMUL_DECODE_H
#define KEEL_CORE_EMUL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/emul/emul.h>

enum emul_op {
	EMUL_OP_NONE,
	/* the ALU group, in the order of the ModRM reg field of 80-83 */
	EMUL_OP_ADD, EMUL_OP_OR, EMUL_OP_ADC, EMUL_OP_SBB,
	EMUL_OP_AND, EMUL_OP_SUB, EMUL_OP_XOR, EMUL_OP_CMP,
	EMUL_OP_TEST,
	EMUL_OP_MOV, EMUL_OP_MOVZX, EMUL_OP_MOVSX, EMUL_OP_XCHG,
	EMUL_OP_BT, EMUL_OP_BTS, EMUL_OP_BTR, EMUL_OP_BTC,
	EMUL_OP_MOVS, EMUL_OP_STOS, EMUL_OP_LODS, EMUL_OP_INS, EMUL_OP_OUTS,
	EMUL_OP_LMSW,
};

enum emul_opnd_kind {
	EMUL_OPND_NONE,
	EMUL_OPND_REG,
	EMUL_OPND_MEM,		/* at struct emul_insn.ea */
	EMUL_OPND_IMM,		/* struct emul_insn.imm */
};

/* One explicit operand. String instructions have none (their memory
 * operands are rSI and rDI, their register the accumulator). */
struct emul_opnd {
	uint8_t kind;		/* enum emul_opnd_kind */
	uint8_t size;		/* bytes: 1, 2, 4, 8 */
	uint8_t reg;		/* EMUL_OPND_REG: enum emul_gpr */
	bool high;		/* AH, CH, DH, BH: bits 15:8 of reg 0-3 */
};

#define EMUL_NO_REG 0xff

/*
 * The memory operand: seg:[base + index * scale + disp], wrapped to the
 * address size; with rip_rel the base is the next instruction's RIP. The
 * string instructions' source segment is seg too (DS or the override).
 */
struct emul_ea {
	int64_t disp;
	uint8_t seg;		/* enum emul_sreg: the override or the default */
	uint8_t base;		/* enum emul_gpr or EMUL_NO_REG */
	uint8_t index;		/* enum emul_gpr or EMUL_NO_REG */
	uint8_t scale;		/* 1, 2, 4, 8 */
	bool rip_rel;
};

/* struct emul_insn.rep */
#define EMUL_REP_NONE 0
#define EMUL_REP_F3   1	/* REP / REPE */
#define EMUL_REP_F2   2	/* REPNE; as REP for the string moves */

struct emul_insn {
	uint8_t len;		/* EMUL_DECODE_OK: the instruction's length */
	uint8_t avail;		/* bytes given (at most 15), copied to bytes */
	uint8_t bytes[EMUL_MAX_LEN];
	uint8_t mode;		/* enum emul_mode it was decoded in */
	uint8_t op;		/* enum emul_op */
	uint8_t opsize;		/* operand size in bytes (the destination's) */
	uint8_t addrsize;	/* address size in bytes: 2, 4, 8 */
	uint8_t rep;		/* EMUL_REP_* */
	bool lock;
	bool seg_override;	/* ea.seg came from a prefix */
	uint8_t rex;		/* the REX byte in effect, 0 if none */
	uint16_t opcode;	/* one byte, or 0x0Fxx */
	bool has_modrm;
	uint8_t modrm;
	struct emul_opnd dst, src;
	struct emul_ea ea;	/* when dst or src is EMUL_OPND_MEM */
	uint64_t imm;		/* sign-extended to 64 bits where the CPU does */
};

enum emul_decode_status {
	EMUL_DECODE_OK,
	/* the instruction goes on past the bytes given (fewer than 15):
	 * whatever stopped the fetch (a #PF, the CS limit) is the result */
	EMUL_DECODE_SHORT,
	/* longer than 15 bytes: #GP(0) */
	EMUL_DECODE_TOO_LONG,
	/* an encoding the CPU refuses with #UD: LOCK where it is not
	 * allowed, 82h in 64-bit mode */
	EMUL_DECODE_UD,
	/* not one of the instructions above */
	EMUL_DECODE_UNSUPPORTED,
};

/*
 * Decode the instruction at bytes[0], of which avail bytes can be read
 * (only the first 15 are looked at), in mode (enum emul_mode). Fills *insn
 * (always bytes, avail, mode; the rest with EMUL_DECODE_OK).
 */
enum emul_decode_status emul_decode(const uint8_t *bytes, size_t avail,
				    uint8_t mode, struct emul_insn *insn);

#endif
