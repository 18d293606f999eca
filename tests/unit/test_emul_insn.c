// SPDX-License-Identifier: MIT
/*
 * core/emul/decode.c and core/emul/execute.c (with fetch, address, access,
 * alu): a table of encodings in 64-bit, 32-bit and 16-bit code, each with
 * its expected decode (length, operand and address size, operation,
 * operand kinds) and its effects on a fake register file and a fake guest
 * (RAM and one device page, emul_fake.h): registers, flags, memory,
 * device accesses. Then what a table row cannot show: REP iteration
 * budgets, faults in the middle of REP, fetches across pages and limits,
 * the 15-byte limit, split and failing accesses, LOCK races.
 *
 * Expected flags are worked out by hand from the SDM's definitions.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "emul_fake.h"

#include <core/emul/decode.h>
#include <core/emul/execute.h>
#include <core/emul/page_walk.h>

#define CF EMUL_FLAG_CF
#define PF EMUL_FLAG_PF
#define AF EMUL_FLAG_AF
#define ZF EMUL_FLAG_ZF
#define SF EMUL_FLAG_SF
#define OF EMUL_FLAG_OF
#define DF EMUL_FLAG_DF

#define M64  EMUL_MODE_LONG64
#define M32  EMUL_MODE_PROT32
#define P16  EMUL_MODE_PROT16
#define REAL EMUL_MODE_REAL

#define MM      FAKE_MMIO_BASE
#define CODE_LA 0x7000ull
#define PML4    0x1000ull
#define PDPT    0x2000ull
#define PD      0x3000ull
#define PT      0x4000ull

#define PTE_P  0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_A  0x20ull
#define PTE_D  0x40ull
#define PTE_PS 0x80ull
#define PTE_XD (1ull << 63)

struct regv {
	uint8_t r;		/* register + 1; 0 ends the list */
	uint64_t v;
};

struct memv {
	uint64_t gpa;
	uint8_t size;		/* 0 ends the list */
	uint64_t v;
};

struct row {
	const char *name;
	uint8_t mode;
	const char *code;
	uint8_t code_len;
	/* the decode */
	uint8_t dec;		/* enum emul_decode_status */
	uint8_t len, opsize, addrsize, op, dk, sk;
	/* before */
	struct regv in[4];
	uint64_t flags;
	struct memv mem[3];
	uint8_t seg;		/* sreg + 1: a segment to set */
	uint64_t seg_base;
	uint32_t seg_limit;	/* 0: the mode's default */
	uint8_t seg_flags;
	/* after */
	uint8_t status;
	struct regv out[4];
	bool check_flags;
	uint64_t flags_out;	/* the six status flags and DF */
	struct memv mem_out[3];
	uint8_t vector;
	uint8_t mmio;		/* device accesses + 1; 0: not checked */
};

#define CODE(s) .code = (s), .code_len = sizeof(s) - 1
#define DEC(l, os, as, o, d, s) .len = (l), .opsize = (os), \
	.addrsize = (as), .op = EMUL_OP_##o, .dk = EMUL_OPND_##d, \
	.sk = EMUL_OPND_##s
#define R(reg, val) { EMUL_##reg + 1, (val) }
#define FL(f) .check_flags = true, .flags_out = (f)
#define SEG(s, b) .seg = EMUL_##s + 1, .seg_base = (b)
#define MMIO(n) .mmio = (n) + 1
#define UD .dec = EMUL_DECODE_UD, .status = EMUL_EXCEPTION, \
	.vector = EMUL_VEC_UD
#define UNSUP .dec = EMUL_DECODE_UNSUPPORTED, .status = EMUL_UNSUPPORTED
#define FAULT(v) .status = EMUL_EXCEPTION, .vector = (v)

static const struct row rows[] = {
	/* ---------------------------------------------------- 64-bit */
	{ "mov [rbx],eax", M64, CODE("\x89\x03"), DEC(2, 4, 8, MOV, MEM, REG),
	  .in = { R(RAX, 0xaaaaaaaa11223344), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 8, ~0ull } },
	  .mem_out = { { 0x8000, 8, 0xffffffff11223344 } } },
	{ "mov rax,[rbx]", M64, CODE("\x48\x8b\x03"),
	  DEC(3, 8, 8, MOV, REG, MEM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 8, 0x1122334455667788 } },
	  .out = { R(RAX, 0x1122334455667788) } },
	{ "mov eax,[rbx] zero-extends", M64, CODE("\x8b\x03"),
	  DEC(2, 4, 8, MOV, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 0xaabbccdd } }, .out = { R(RAX, 0xaabbccdd) } },
	{ "mov ax,[rbx] merges", M64, CODE("\x66\x8b\x03"),
	  DEC(3, 2, 8, MOV, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0x1234 } },
	  .out = { R(RAX, 0xffffffffffff1234) } },
	{ "mov al,[rbx] merges", M64, CODE("\x8a\x03"),
	  DEC(2, 1, 8, MOV, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 0x5a } },
	  .out = { R(RAX, 0xffffffffffffff5a) } },
	{ "mov ah,[rbx]", M64, CODE("\x8a\x23"), DEC(2, 1, 8, MOV, REG, MEM),
	  .in = { R(RAX, 0x1111), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 0xab } }, .out = { R(RAX, 0xab11) } },
	{ "mov spl,[rbx] (REX: no AH)", M64, CODE("\x40\x8a\x23"),
	  DEC(3, 1, 8, MOV, REG, MEM),
	  .in = { R(RAX, 0x1111), R(RSP, 0x5555), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 0xab } }, .out = { R(RSP, 0x55ab) } },
	{ "mov [rbx],r9b", M64, CODE("\x44\x88\x0b"),
	  DEC(3, 1, 8, MOV, MEM, REG),
	  .in = { R(R9, 0x1234567f), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0xffff } },
	  .mem_out = { { 0x8000, 2, 0xff7f } } },
	{ "mov r10,[r11+r12*8+0x10]", M64, CODE("\x4f\x8b\x54\xe3\x10"),
	  DEC(5, 8, 8, MOV, REG, MEM),
	  .in = { R(R11, 0x8000), R(R12, 2) },
	  .mem = { { 0x8020, 8, 0x0123456789abcdef } },
	  .out = { R(R10, 0x0123456789abcdef) } },
	{ "mov eax,[rip+0x100]", M64, CODE("\x8b\x05\x00\x01\x00\x00"),
	  DEC(6, 4, 8, MOV, REG, MEM),
	  .mem = { { CODE_LA + 6 + 0x100, 4, 0xcafef00d } },
	  .out = { R(RAX, 0xcafef00d) } },
	{ "mov dword [rip+0x100],imm32: RIP after the immediate", M64,
	  CODE("\xc7\x05\x00\x01\x00\x00\x78\x56\x34\x12"),
	  DEC(10, 4, 8, MOV, MEM, IMM),
	  .mem_out = { { CODE_LA + 10 + 0x100, 4, 0x12345678 } } },
	{ "mov eax,[rip+0x100] (REX.B changes nothing)", M64,
	  CODE("\x41\x8b\x05\x00\x01\x00\x00"), DEC(7, 4, 8, MOV, REG, MEM),
	  .in = { R(R13, 0x100000) },
	  .mem = { { CODE_LA + 7 + 0x100, 4, 0x55 } }, .out = { R(RAX, 0x55) } },
	{ "mov [eip-0x10],ecx (67h)", M64,
	  CODE("\x67\x89\x0d\xf0\xff\xff\xff"), DEC(7, 4, 4, MOV, MEM, REG),
	  .in = { R(RCX, 0x44332211) },
	  .mem_out = { { CODE_LA + 7 - 0x10, 4, 0x44332211 } } },
	{ "mov eax,[disp32] (SIB, no base even with REX.B)", M64,
	  CODE("\x41\x8b\x04\x25\x00\x80\x00\x00"), DEC(8, 4, 8, MOV, REG, MEM),
	  .in = { R(R13, 0x1000) }, .mem = { { 0x8000, 4, 0x66 } },
	  .out = { R(RAX, 0x66) } },
	{ "66h after REX cancels REX.W", M64, CODE("\x48\x66\x8b\x03"),
	  DEC(4, 2, 8, MOV, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0xabcd } },
	  .out = { R(RAX, 0xffffffffffffabcd) } },
	{ "mov dword [rbx],imm32 to a device", M64,
	  CODE("\xc7\x03\x78\x56\x34\x12"), DEC(6, 4, 8, MOV, MEM, IMM),
	  .in = { R(RBX, MM) }, .mem_out = { { MM, 4, 0x12345678 } },
	  MMIO(1) },
	{ "mov qword [rbx],-1", M64, CODE("\x48\xc7\x03\xff\xff\xff\xff"),
	  DEC(7, 8, 8, MOV, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .mem_out = { { 0x8000, 8, ~0ull } } },
	{ "mov byte [rbx+8],0x5a to a device", M64, CODE("\xc6\x43\x08\x5a"),
	  DEC(4, 1, 8, MOV, MEM, IMM),
	  .in = { R(RBX, MM) }, .mem_out = { { MM + 8, 1, 0x5a } }, MMIO(1) },
	{ "mov eax,[moffs64] from a device", M64,
	  CODE("\xa1\x10\x00\xd0\xfe\x00\x00\x00\x00"),
	  DEC(9, 4, 8, MOV, REG, MEM),
	  .mem = { { MM + 0x10, 4, 0x87654321 } },
	  .out = { R(RAX, 0x87654321) }, MMIO(1) },
	{ "mov [moffs64],al to a device", M64,
	  CODE("\xa2\x20\x00\xd0\xfe\x00\x00\x00\x00"),
	  DEC(9, 1, 8, MOV, MEM, REG),
	  .in = { R(RAX, 0x99) }, .mem_out = { { MM + 0x20, 1, 0x99 } },
	  MMIO(1) },
	{ "mov ax,[moffs32] (66h 67h)", M64,
	  CODE("\x66\x67\xa1\x00\x80\x00\x00"), DEC(7, 2, 4, MOV, REG, MEM),
	  .mem = { { 0x8000, 2, 0xbeef } }, .out = { R(RAX, 0xbeef) } },
	{ "movzx eax,byte [rbx]", M64, CODE("\x0f\xb6\x03"),
	  DEC(3, 4, 8, MOVZX, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 0xf0 } }, .out = { R(RAX, 0xf0) } },
	{ "movzx rax,word [rbx]", M64, CODE("\x48\x0f\xb7\x03"),
	  DEC(4, 8, 8, MOVZX, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0x8001 } }, .out = { R(RAX, 0x8001) } },
	{ "movsx eax,byte [rbx]", M64, CODE("\x0f\xbe\x03"),
	  DEC(3, 4, 8, MOVSX, REG, MEM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 0x80 } },
	  .out = { R(RAX, 0xffffff80) } },
	{ "movsx rax,word [rbx] from a device", M64, CODE("\x48\x0f\xbf\x03"),
	  DEC(4, 8, 8, MOVSX, REG, MEM),
	  .in = { R(RBX, MM) }, .mem = { { MM, 2, 0x8000 } },
	  .out = { R(RAX, 0xffffffffffff8000) }, MMIO(1) },
	{ "movsx cx,byte [rbx]", M64, CODE("\x66\x0f\xbe\x0b"),
	  DEC(4, 2, 8, MOVSX, REG, MEM),
	  .in = { R(RCX, 0x1111111111111111), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 0xfe } },
	  .out = { R(RCX, 0x111111111111fffe) } },
	{ "movsxd rax,dword [rbx]", M64, CODE("\x48\x63\x03"),
	  DEC(3, 8, 8, MOVSX, REG, MEM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 4, 0x80000000 } },
	  .out = { R(RAX, 0xffffffff80000000) } },
	{ "movsxd eax,dword [rbx] (no REX.W)", M64, CODE("\x63\x03"),
	  DEC(2, 4, 8, MOVSX, REG, MEM),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 0x80000000 } }, .out = { R(RAX, 0x80000000) } },
	{ "xchg [rbx],eax with a device", M64, CODE("\x87\x03"),
	  DEC(2, 4, 8, XCHG, MEM, REG),
	  .in = { R(RAX, 0x2222), R(RBX, MM) }, .mem = { { MM, 4, 0x1111 } },
	  .out = { R(RAX, 0x1111) }, .mem_out = { { MM, 4, 0x2222 } },
	  MMIO(2) },
	{ "xchg [rbx],rax in RAM", M64, CODE("\x48\x87\x03"),
	  DEC(3, 8, 8, XCHG, MEM, REG),
	  .in = { R(RAX, 0x0102030405060708), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 8, 0x1112131415161718 } },
	  .out = { R(RAX, 0x1112131415161718) },
	  .mem_out = { { 0x8000, 8, 0x0102030405060708 } } },
	{ "xchg al,ah", M64, CODE("\x86\xe0"), DEC(2, 1, 8, XCHG, REG, REG),
	  .in = { R(RAX, 0x1234) }, .out = { R(RAX, 0x3412) } },
	{ "add [rbx],eax: carry, zero", M64, CODE("\x01\x03"),
	  DEC(2, 4, 8, ADD, MEM, REG),
	  .in = { R(RAX, 1), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 0xffffffff } }, .mem_out = { { 0x8000, 4, 0 } },
	  FL(CF | PF | AF | ZF) },
	{ "add eax,[rbx]: signed overflow", M64, CODE("\x03\x03"),
	  DEC(2, 4, 8, ADD, REG, MEM),
	  .in = { R(RAX, 0x7fffffff), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 1 } }, .out = { R(RAX, 0x80000000) },
	  FL(PF | AF | SF | OF) },
	{ "sub byte [rbx],1: borrow", M64, CODE("\x80\x2b\x01"),
	  DEC(3, 1, 8, SUB, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 0 } },
	  .mem_out = { { 0x8000, 1, 0xff } }, FL(CF | PF | AF | SF) },
	{ "cmp dword [rbx],5 (83): equal", M64, CODE("\x83\x3b\x05"),
	  DEC(3, 4, 8, CMP, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .flags = CF | OF | SF,
	  .mem = { { 0x8000, 4, 5 } }, .mem_out = { { 0x8000, 4, 5 } },
	  FL(PF | ZF) },
	{ "cmp eax,imm32: below", M64, CODE("\x3d\x05\x00\x00\x00"),
	  DEC(5, 4, 8, CMP, REG, IMM),
	  .in = { R(RAX, 3) }, FL(CF | AF | SF) },
	{ "and dword [rbx],-16 (83)", M64, CODE("\x83\x23\xf0"),
	  DEC(3, 4, 8, AND, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .flags = CF | OF | AF,
	  .mem = { { 0x8000, 4, 0x12345678 } },
	  .mem_out = { { 0x8000, 4, 0x12345670 } }, FL(0) },
	{ "or [rbx],eax on a device", M64, CODE("\x09\x03"),
	  DEC(2, 4, 8, OR, MEM, REG),
	  .in = { R(RAX, 0x80000000), R(RBX, MM) }, .mem = { { MM, 4, 1 } },
	  .mem_out = { { MM, 4, 0x80000001 } }, FL(SF), MMIO(2) },
	{ "xor eax,eax", M64, CODE("\x31\xc0"), DEC(2, 4, 8, XOR, REG, REG),
	  .in = { R(RAX, ~0ull) }, .flags = CF | OF, .out = { R(RAX, 0) },
	  FL(PF | ZF) },
	{ "or dword [rbx],imm32 (81)", M64, CODE("\x81\x0b\x00\x00\x00\x80"),
	  DEC(6, 4, 8, OR, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .mem_out = { { 0x8000, 4, 0x80000000 } },
	  FL(PF | SF) },
	{ "adc [rbx],eax with CF", M64, CODE("\x11\x03"),
	  DEC(2, 4, 8, ADC, MEM, REG),
	  .in = { R(RAX, 0xfffffffe), R(RBX, 0x8000) }, .flags = CF,
	  .mem = { { 0x8000, 4, 1 } }, .mem_out = { { 0x8000, 4, 0 } },
	  FL(CF | PF | AF | ZF) },
	{ "sbb eax,[rbx] with CF", M64, CODE("\x1b\x03"),
	  DEC(2, 4, 8, SBB, REG, MEM),
	  .in = { R(RAX, 5), R(RBX, 0x8000) }, .flags = CF,
	  .mem = { { 0x8000, 4, 5 } }, .out = { R(RAX, 0xffffffff) },
	  FL(CF | PF | AF | SF) },
	{ "lock add [rbx],eax", M64, CODE("\xf0\x01\x03"),
	  DEC(3, 4, 8, ADD, MEM, REG),
	  .in = { R(RAX, 2), R(RBX, 0x8000) }, .mem = { { 0x8000, 4, 40 } },
	  .mem_out = { { 0x8000, 4, 42 } }, FL(0) },
	{ "lock mov: #UD", M64, CODE("\xf0\x89\x03"), UD,
	  .in = { R(RBX, 0x8000) } },
	{ "lock add eax,eax: #UD", M64, CODE("\xf0\x01\xc0"), UD },
	{ "test [rbx],eax", M64, CODE("\x85\x03"), DEC(2, 4, 8, TEST, MEM, REG),
	  .in = { R(RAX, 0x80000000), R(RBX, 0x8000) }, .flags = CF | OF,
	  .mem = { { 0x8000, 4, 0xffffffff } },
	  .mem_out = { { 0x8000, 4, 0xffffffff } }, FL(PF | SF) },
	{ "test byte [rbx],0x80 on a device (F6 /0)", M64, CODE("\xf6\x03\x80"),
	  DEC(3, 1, 8, TEST, MEM, IMM),
	  .in = { R(RBX, MM) }, .mem = { { MM, 1, 0x7f } }, FL(PF | ZF),
	  MMIO(1) },
	{ "test eax,imm32 (A9)", M64, CODE("\xa9\x00\x00\x00\x01"),
	  DEC(5, 4, 8, TEST, REG, IMM), .in = { R(RAX, 0x01000000) }, FL(PF) },
	{ "test al,imm8 (A8)", M64, CODE("\xa8\x01"),
	  DEC(2, 1, 8, TEST, REG, IMM), .in = { R(RAX, 3) }, FL(0) },
	{ "test rax,imm32 sign-extended (F7 /0)", M64,
	  CODE("\x48\xf7\xc0\x00\x00\x00\x80"), DEC(7, 8, 8, TEST, REG, IMM),
	  .in = { R(RAX, 0x8000000000000000) }, FL(PF | SF) },
	{ "bt [rbx],eax: the bit string goes on", M64, CODE("\x0f\xa3\x03"),
	  DEC(3, 4, 8, BT, MEM, REG),
	  .in = { R(RAX, 35), R(RBX, 0x8000) }, .mem = { { 0x8004, 4, 8 } },
	  .mem_out = { { 0x8004, 4, 8 } }, FL(CF) },
	{ "bt [rbx],rax: a negative offset", M64, CODE("\x48\x0f\xa3\x03"),
	  DEC(4, 8, 8, BT, MEM, REG),
	  .in = { R(RAX, ~0ull), R(RBX, 0x8000) },
	  .mem = { { 0x7ff8, 8, 0x8000000000000000 } }, FL(CF) },
	{ "bts dword [rbx],3 (0F BA /5)", M64, CODE("\x0f\xba\x2b\x03"),
	  DEC(4, 4, 8, BTS, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .flags = CF | ZF,
	  .mem_out = { { 0x8000, 4, 8 } }, FL(ZF) },
	{ "btr rax,63", M64, CODE("\x48\x0f\xba\xf0\x3f"),
	  DEC(5, 8, 8, BTR, REG, IMM),
	  .in = { R(RAX, 0x8000000000000001) }, .out = { R(RAX, 1) }, FL(CF) },
	{ "btc word [rbx],ax on a device", M64, CODE("\x66\x0f\xbb\x03"),
	  DEC(4, 2, 8, BTC, MEM, REG),
	  .in = { R(RAX, 17), R(RBX, MM) }, .mem = { { MM + 2, 2, 2 } },
	  .mem_out = { { MM + 2, 2, 0 } }, FL(CF), MMIO(2) },
	{ "mov eax,fs:[rbx]: FS base", M64, CODE("\x64\x8b\x03"),
	  DEC(3, 4, 8, MOV, REG, MEM), SEG(FS, 0x10000),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x18000, 4, 0x600d } },
	  .out = { R(RAX, 0x600d) } },
	{ "ds: is ignored in 64-bit mode", M64, CODE("\x3e\x8b\x03"),
	  DEC(3, 4, 8, MOV, REG, MEM), SEG(DS, 0x10000),
	  .in = { R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 0x1234 }, { 0x18000, 4, 0xbad } },
	  .out = { R(RAX, 0x1234) } },
	{ "rep movsb", M64, CODE("\xf3\xa4"), DEC(2, 1, 8, MOVS, NONE, NONE),
	  .in = { R(RCX, 5), R(RSI, 0x8000), R(RDI, 0x9000) },
	  .mem = { { 0x8000, 8, 0x0807060504030201 } },
	  .out = { R(RCX, 0), R(RSI, 0x8005), R(RDI, 0x9005) },
	  .mem_out = { { 0x9000, 8, 0x0000000504030201 } } },
	{ "rep stosd backwards (DF)", M64, CODE("\xf3\xab"),
	  DEC(2, 4, 8, STOS, NONE, NONE),
	  .in = { R(RCX, 3), R(RDI, 0x9008), R(RAX, 0xdeadbeef) }, .flags = DF,
	  .out = { R(RCX, 0), R(RDI, 0x8ffc) },
	  .mem_out = { { 0x9000, 8, 0xdeadbeefdeadbeef }, { 0x9008, 4,
	  0xdeadbeef }, { 0x900c, 4, 0 } }, FL(DF) },
	{ "rep movsq from a device to RAM", M64, CODE("\xf3\x48\xa5"),
	  DEC(3, 8, 8, MOVS, NONE, NONE),
	  .in = { R(RCX, 2), R(RSI, MM), R(RDI, 0x9000) },
	  .mem = { { MM, 8, 0x1111111111111111 }, { MM + 8, 8,
	  0x2222222222222222 } },
	  .out = { R(RCX, 0), R(RSI, MM + 16), R(RDI, 0x9010) },
	  .mem_out = { { 0x9000, 8, 0x1111111111111111 }, { 0x9008, 8,
	  0x2222222222222222 } }, MMIO(2) },
	{ "lodsb", M64, CODE("\xac"), DEC(1, 1, 8, LODS, NONE, NONE),
	  .in = { R(RAX, ~0ull), R(RSI, 0x8000) }, .mem = { { 0x8000, 1, 0x77 } },
	  .out = { R(RAX, 0xffffffffffffff77), R(RSI, 0x8001) } },
	{ "rep insw", M64, CODE("\xf3\x66\x6d"), DEC(3, 2, 8, INS, NONE, NONE),
	  .in = { R(RCX, 3), R(RDX, 0x60), R(RDI, 0x9000) },
	  .out = { R(RCX, 0), R(RDI, 0x9006) },
	  .mem_out = { { 0x9000, 4, 0x00410040 }, { 0x9004, 4, 0x42 } } },
	{ "outsb", M64, CODE("\x6e"), DEC(1, 1, 8, OUTS, NONE, NONE),
	  .in = { R(RSI, 0x8000), R(RDX, 0x3f8) }, .mem = { { 0x8000, 1, 0x41 } },
	  .out = { R(RSI, 0x8001) } },
	{ "rep outsd from a device", M64, CODE("\xf3\x6f"),
	  DEC(2, 4, 8, OUTS, NONE, NONE),
	  .in = { R(RCX, 2), R(RSI, MM), R(RDX, 0x80) },
	  .out = { R(RCX, 0), R(RSI, MM + 8) }, MMIO(2) },
	{ "rex.w outsd stays 32-bit", M64, CODE("\x48\x6f"),
	  DEC(2, 4, 8, OUTS, NONE, NONE),
	  .in = { R(RSI, 0x8000), R(RDX, 0x80) }, .out = { R(RSI, 0x8004) } },
	{ "movsb with 67h: ESI, EDI", M64, CODE("\x67\xa4"),
	  DEC(2, 1, 4, MOVS, NONE, NONE),
	  .in = { R(RSI, 0xffffffff00008000), R(RDI, 0x1111111100009000) },
	  .mem = { { 0x8000, 1, 0x3c } },
	  .out = { R(RSI, 0x8001), R(RDI, 0x9001) },
	  .mem_out = { { 0x9000, 1, 0x3c } } },
	{ "rep movsb with RCX 0", M64, CODE("\xf3\xa4"),
	  DEC(2, 1, 8, MOVS, NONE, NONE),
	  .in = { R(RSI, 0x8000), R(RDI, 0x9000) },
	  .mem = { { 0x8000, 1, 0x3c } }, .mem_out = { { 0x9000, 1, 0 } } },
	{ "ud2: not emulated", M64, CODE("\x0f\x0b"), UNSUP },
	{ "nop: not emulated", M64, CODE("\x90"), UNSUP },
	{ "mov r/m,imm /1: not emulated", M64, CODE("\xc7\x0b\x00\x00\x00\x00"),
	  UNSUP },
	{ "82h in 64-bit mode: #UD", M64, CODE("\x82\x03\x01"), UD },
	{ "non-canonical: #GP(0)", M64, CODE("\x8b\x03"),
	  DEC(2, 4, 8, MOV, REG, MEM), .in = { R(RBX, 0x0000800000000000) },
	  FAULT(EMUL_VEC_GP) },
	{ "non-canonical through RSP: #SS(0)", M64, CODE("\x8b\x04\x24"),
	  DEC(3, 4, 8, MOV, REG, MEM), .in = { R(RSP, 0x8000000000000000) },
	  FAULT(EMUL_VEC_SS) },
	/* ---------------------------------------------------- 32-bit */
	{ "mov [ebx],eax", M32, CODE("\x89\x03"), DEC(2, 4, 4, MOV, MEM, REG),
	  .in = { R(RAX, 0x11223344), R(RBX, 0x8000) },
	  .mem_out = { { 0x8000, 4, 0x11223344 } } },
	{ "mov eax,[ebx+esi*4+0x100]", M32,
	  CODE("\x8b\x84\xb3\x00\x01\x00\x00"), DEC(7, 4, 4, MOV, REG, MEM),
	  .in = { R(RBX, 0x8000), R(RSI, 4) }, .mem = { { 0x8110, 4, 0x31 } },
	  .out = { R(RAX, 0x31) } },
	{ "32-bit write keeps the upper half outside 64-bit mode", M32,
	  CODE("\x8b\x03"), DEC(2, 4, 4, MOV, REG, MEM),
	  .in = { R(RAX, 0xaaaaaaaa00000000), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 0x12345678 } },
	  .out = { R(RAX, 0xaaaaaaaa12345678) } },
	{ "mov eax,[disp32] (no RIP-relative)", M32,
	  CODE("\x8b\x05\x00\x80\x00\x00"), DEC(6, 4, 4, MOV, REG, MEM),
	  .mem = { { 0x8000, 4, 0x5151 } }, .out = { R(RAX, 0x5151) } },
	{ "mov ax,[ebx] (66h)", M32, CODE("\x66\x8b\x03"),
	  DEC(3, 2, 4, MOV, REG, MEM),
	  .in = { R(RAX, 0xffffffff), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0x2323 } }, .out = { R(RAX, 0xffff2323) } },
	{ "mov eax,[bx+si] (67h)", M32, CODE("\x67\x8b\x00"),
	  DEC(3, 4, 2, MOV, REG, MEM),
	  .in = { R(RBX, 0x12340100), R(RSI, 0x50) },
	  .mem = { { 0x150, 4, 0x77 } }, .out = { R(RAX, 0x77) } },
	{ "mov [moffs32],eax to a device", M32, CODE("\xa3\x04\x00\xd0\xfe"),
	  DEC(5, 4, 4, MOV, MEM, REG),
	  .in = { R(RAX, 0xfeedface) }, .mem_out = { { MM + 4, 4, 0xfeedface } },
	  MMIO(1) },
	{ "add byte [ebx],0x7f: overflow", M32, CODE("\x80\x03\x7f"),
	  DEC(3, 1, 4, ADD, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 1 } },
	  .mem_out = { { 0x8000, 1, 0x80 } }, FL(AF | SF | OF) },
	{ "82h /0 outside 64-bit mode", M32, CODE("\x82\x03\x01"),
	  DEC(3, 1, 4, ADD, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 0xff } },
	  .mem_out = { { 0x8000, 1, 0 } }, FL(CF | PF | AF | ZF) },
	{ "sub eax,[ebx]: overflow", M32, CODE("\x2b\x03"),
	  DEC(2, 4, 4, SUB, REG, MEM),
	  .in = { R(RAX, 0x80000000), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 1 } }, .out = { R(RAX, 0x7fffffff) },
	  FL(PF | AF | OF) },
	{ "lock xor [ebx],eax", M32, CODE("\xf0\x31\x03"),
	  DEC(3, 4, 4, XOR, MEM, REG),
	  .in = { R(RAX, 0xff), R(RBX, 0x8000) }, .mem = { { 0x8000, 4, 0x0f } },
	  .mem_out = { { 0x8000, 4, 0xf0 } }, FL(PF) },
	{ "xchg [ebx],cl", M32, CODE("\x86\x0b"), DEC(2, 1, 4, XCHG, MEM, REG),
	  .in = { R(RCX, 0x11), R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 0x22 } },
	  .out = { R(RCX, 0x22) }, .mem_out = { { 0x8000, 1, 0x11 } } },
	{ "movzx eax,word [ebx]", M32, CODE("\x0f\xb7\x03"),
	  DEC(3, 4, 4, MOVZX, REG, MEM),
	  .in = { R(RAX, 0xaaaaaaaa00000000), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0xbeef } },
	  .out = { R(RAX, 0xaaaaaaaa0000beef) } },
	{ "inc eax (40h) is not REX: not emulated", M32, CODE("\x40"), UNSUP },
	{ "arpl (63h): not emulated", M32, CODE("\x63\x03"), UNSUP },
	{ "rep stosb", M32, CODE("\xf3\xaa"), DEC(2, 1, 4, STOS, NONE, NONE),
	  .in = { R(RCX, 4), R(RDI, 0x9000), R(RAX, 0xab) },
	  .out = { R(RCX, 0), R(RDI, 0x9004) },
	  .mem_out = { { 0x9000, 4, 0xabababab }, { 0x9004, 1, 0 } } },
	{ "lodsb es: (an override of the source)", M32, CODE("\x26\xac"),
	  DEC(2, 1, 4, LODS, NONE, NONE), SEG(ES, 0x10000),
	  .in = { R(RSI, 0x8000) },
	  .mem = { { 0x18000, 1, 0x42 }, { 0x8000, 1, 0x99 } },
	  .out = { R(RAX, 0x42), R(RSI, 0x8001) } },
	{ "stosb goes to ES, not the override", M32, CODE("\x64\xaa"),
	  DEC(2, 1, 4, STOS, NONE, NONE), SEG(FS, 0x10000),
	  .in = { R(RDI, 0x9000), R(RAX, 0x61) },
	  .out = { R(RDI, 0x9001) }, .mem_out = { { 0x9000, 1, 0x61 },
	  { 0x19000, 1, 0 } } },
	{ "mov eax,gs:[ebx]: GS base", M32, CODE("\x65\x8b\x03"),
	  DEC(3, 4, 4, MOV, REG, MEM), SEG(GS, 0x1000),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x9000, 4, 0x3c3c } },
	  .out = { R(RAX, 0x3c3c) } },
	{ "beyond the DS limit: #GP(0)", M32, CODE("\x8b\x03"),
	  DEC(2, 4, 4, MOV, REG, MEM), SEG(DS, 0), .seg_limit = 0xfff,
	  .in = { R(RBX, 0xffd) }, FAULT(EMUL_VEC_GP) },
	{ "beyond the SS limit: #SS(0)", M32, CODE("\x8b\x45\x00"),
	  DEC(3, 4, 4, MOV, REG, MEM), SEG(SS, 0), .seg_limit = 0xfff,
	  .in = { R(RBP, 0x2000) }, FAULT(EMUL_VEC_SS) },
	{ "below an expand-down limit: #GP(0)", M32, CODE("\x8b\x03"),
	  DEC(2, 4, 4, MOV, REG, MEM), SEG(DS, 0), .seg_limit = 0xfff,
	  .seg_flags = EMUL_SEG_EXPAND_DOWN | EMUL_SEG_BIG,
	  .in = { R(RBX, 0x800) }, FAULT(EMUL_VEC_GP) },
	{ "above an expand-down limit", M32, CODE("\x8b\x03"),
	  DEC(2, 4, 4, MOV, REG, MEM), SEG(DS, 0), .seg_limit = 0xfff,
	  .seg_flags = EMUL_SEG_EXPAND_DOWN | EMUL_SEG_BIG,
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 4, 0xd0d0 } },
	  .out = { R(RAX, 0xd0d0) } },
	{ "add [ebx],cl (00): carry, overflow", M32, CODE("\x00\x0b"),
	  DEC(2, 1, 4, ADD, MEM, REG),
	  .in = { R(RCX, 0x80), R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 0x80 } },
	  .mem_out = { { 0x8000, 1, 0 } }, FL(CF | PF | ZF | OF) },
	{ "sub cl,[ebx] (2A): half borrow", M32, CODE("\x2a\x0b"),
	  DEC(2, 1, 4, SUB, REG, MEM),
	  .in = { R(RCX, 0x10), R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 1 } },
	  .out = { R(RCX, 0x0f) }, FL(PF | AF) },
	{ "cmp al,0x80 (3C)", M32, CODE("\x3c\x80"),
	  DEC(2, 1, 4, CMP, REG, IMM), .in = { R(RAX, 0x7f) },
	  FL(CF | PF | SF | OF) },
	{ "mov byte [ebx],imm8 (C6)", M32, CODE("\xc6\x03\x7e"),
	  DEC(3, 1, 4, MOV, MEM, IMM), .in = { R(RBX, 0x8000) },
	  .mem_out = { { 0x8000, 1, 0x7e } } },
	{ "movsx eax,word [ebx]", M32, CODE("\x0f\xbf\x03"),
	  DEC(3, 4, 4, MOVSX, REG, MEM), .in = { R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0xfffe } }, .out = { R(RAX, 0xfffffffe) } },
	{ "xchg [ebx],eax with a device", M32, CODE("\x87\x03"),
	  DEC(2, 4, 4, XCHG, MEM, REG),
	  .in = { R(RAX, 0xa), R(RBX, MM + 0x40) }, .mem = { { MM + 0x40, 4,
	  0xb } }, .out = { R(RAX, 0xb) }, .mem_out = { { MM + 0x40, 4, 0xa } },
	  MMIO(2) },
	{ "test [ebx],cl (84)", M32, CODE("\x84\x0b"),
	  DEC(2, 1, 4, TEST, MEM, REG), .in = { R(RCX, 1), R(RBX, 0x8000) },
	  .flags = ZF, .mem = { { 0x8000, 1, 1 } }, FL(0) },
	{ "test dword [ebx],imm32 (F7 /0)", M32,
	  CODE("\xf7\x03\x00\x00\x00\x80"), DEC(6, 4, 4, TEST, MEM, IMM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 4, 0x80000000 } },
	  FL(PF | SF) },
	{ "bt [ebx],ecx (0F A3): next dword", M32, CODE("\x0f\xa3\x0b"),
	  DEC(3, 4, 4, BT, MEM, REG), .in = { R(RCX, 0x21), R(RBX, 0x8000) },
	  .flags = CF, .mem = { { 0x8000, 4, 2 } }, FL(0) },
	{ "btr dword [ebx],0 (0F BA /6)", M32, CODE("\x0f\xba\x33\x00"),
	  DEC(4, 4, 4, BTR, MEM, IMM), .in = { R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 1 } }, .mem_out = { { 0x8000, 4, 0 } }, FL(CF) },
	{ "movsd", M32, CODE("\xa5"), DEC(1, 4, 4, MOVS, NONE, NONE),
	  .in = { R(RSI, 0x8000), R(RDI, 0x9000) },
	  .mem = { { 0x8000, 4, 0x0badcafe } },
	  .out = { R(RSI, 0x8004), R(RDI, 0x9004) },
	  .mem_out = { { 0x9000, 4, 0x0badcafe } } },
	{ "rep insb", M32, CODE("\xf3\x6c"), DEC(2, 1, 4, INS, NONE, NONE),
	  .in = { R(RCX, 2), R(RDI, 0x9000), R(RDX, 0x20) },
	  .out = { R(RCX, 0), R(RDI, 0x9002) },
	  .mem_out = { { 0x9000, 2, 0x4140 } } },
	{ "outsd", M32, CODE("\x6f"), DEC(1, 4, 4, OUTS, NONE, NONE),
	  .in = { R(RSI, 0x8000) }, .out = { R(RSI, 0x8004) } },
	/* ---------------------------------------------------- 16-bit */
	{ "mov ax,[bx+si+0x10]", REAL, CODE("\x8b\x40\x10"),
	  DEC(3, 2, 2, MOV, REG, MEM), SEG(DS, 0x10000),
	  .in = { R(RBX, 0x100), R(RSI, 0x20) },
	  .mem = { { 0x10130, 2, 0x4321 } }, .out = { R(RAX, 0x4321) } },
	{ "mov [bp+di-2],al: SS by default", REAL, CODE("\x88\x43\xfe"),
	  DEC(3, 1, 2, MOV, MEM, REG), SEG(SS, 0x20000),
	  .in = { R(RBP, 0x100), R(RDI, 0x10), R(RAX, 0x5a) },
	  .mem_out = { { 0x2010e, 1, 0x5a } } },
	{ "mov ax,[0x1234] (mod 0 rm 6)", REAL, CODE("\x8b\x06\x34\x12"),
	  DEC(4, 2, 2, MOV, REG, MEM), .in = { R(RBP, 0x100) },
	  .mem = { { 0x1234, 2, 0x9876 } }, .out = { R(RAX, 0x9876) } },
	{ "mov eax,[bx] (66h)", REAL, CODE("\x66\x8b\x07"),
	  DEC(3, 4, 2, MOV, REG, MEM), .in = { R(RBX, 0x8000) },
	  .mem = { { 0x8000, 4, 0xdeadbeef } }, .out = { R(RAX, 0xdeadbeef) } },
	{ "mov ax,[eax+ecx*2] (67h)", REAL, CODE("\x67\x8b\x04\x48"),
	  DEC(4, 2, 4, MOV, REG, MEM), .in = { R(RAX, 0x8000), R(RCX, 0x10) },
	  .mem = { { 0x8020, 2, 0x1357 } }, .out = { R(RAX, 0x1357) } },
	{ "[bx+si] wraps at 64 KiB", REAL, CODE("\x8b\x00"),
	  DEC(2, 2, 2, MOV, REG, MEM), .in = { R(RBX, 0xffff), R(RSI, 2) },
	  .mem = { { 1, 2, 0xa5a5 } }, .out = { R(RAX, 0xa5a5) } },
	{ "rep movsw counts CX only", REAL, CODE("\xf3\xa5"),
	  DEC(2, 2, 2, MOVS, NONE, NONE),
	  .in = { R(RCX, 0xffff0004), R(RSI, 0x8000), R(RDI, 0x9000) },
	  .mem = { { 0x8000, 8, 0x4444333322221111 } },
	  .out = { R(RCX, 0xffff0000), R(RSI, 0x8008), R(RDI, 0x9008) },
	  .mem_out = { { 0x9000, 8, 0x4444333322221111 } } },
	{ "mov ax,es:[bx]", REAL, CODE("\x26\x8b\x07"),
	  DEC(3, 2, 2, MOV, REG, MEM), SEG(ES, 0x30000),
	  .in = { R(RBX, 0x10) }, .mem = { { 0x30010, 2, 0x2468 } },
	  .out = { R(RAX, 0x2468) } },
	{ "word at offset 0xffff: #GP, no error code", REAL, CODE("\x8b\x07"),
	  DEC(2, 2, 2, MOV, REG, MEM), .in = { R(RBX, 0xffff) },
	  FAULT(EMUL_VEC_GP) },
	{ "test word [bx],imm16", REAL, CODE("\xf7\x07\x00\x80"),
	  DEC(4, 2, 2, TEST, MEM, IMM), .in = { R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0x8000 } }, FL(PF | SF) },
	{ "cmp word [bx],0 (83)", REAL, CODE("\x83\x3f\x00"),
	  DEC(3, 2, 2, CMP, MEM, IMM), .in = { R(RBX, 0x8000) }, FL(PF | ZF) },
	{ "mov word [bx],imm16", REAL, CODE("\xc7\x07\x34\x12"),
	  DEC(4, 2, 2, MOV, MEM, IMM), .in = { R(RBX, 0x8000) },
	  .mem_out = { { 0x8000, 2, 0x1234 } } },
	{ "mov ax,[moffs16]", REAL, CODE("\xa1\x34\x12"),
	  DEC(3, 2, 2, MOV, REG, MEM), .mem = { { 0x1234, 2, 0x4242 } },
	  .out = { R(RAX, 0x4242) } },
	{ "and al,0x0f (24)", REAL, CODE("\x24\x0f"),
	  DEC(2, 1, 2, AND, REG, IMM), .in = { R(RAX, 0x1234) },
	  .out = { R(RAX, 0x1204) }, FL(0) },
	{ "add ax,imm16 (05)", REAL, CODE("\x05\x01\x00"),
	  DEC(3, 2, 2, ADD, REG, IMM), .in = { R(RAX, 0x12ffff) },
	  .out = { R(RAX, 0x120000) }, FL(CF | PF | AF | ZF) },
	{ "rep stosb at DI wrap: DI only", REAL, CODE("\xf3\xaa"),
	  DEC(2, 1, 2, STOS, NONE, NONE),
	  .in = { R(RCX, 2), R(RDI, 0x5ffff), R(RAX, 0xee) },
	  .out = { R(RCX, 0), R(RDI, 0x50001) },
	  .mem_out = { { 0xffff, 1, 0xee }, { 0, 1, 0xee } } },
	{ "cmp [bx],al (38)", REAL, CODE("\x38\x07"),
	  DEC(2, 1, 2, CMP, MEM, REG), .in = { R(RAX, 5), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 5 } }, FL(PF | ZF) },
	{ "sbb byte [bx],0 with CF (80 /3)", REAL, CODE("\x80\x1f\x00"),
	  DEC(3, 1, 2, SBB, MEM, IMM), .in = { R(RBX, 0x8000) }, .flags = CF,
	  .mem_out = { { 0x8000, 1, 0xff } }, FL(CF | PF | AF | SF) },
	{ "or ax,[bx] (0B)", REAL, CODE("\x0b\x07"),
	  DEC(2, 2, 2, OR, REG, MEM), .in = { R(RAX, 0x0f00), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0x00f0 } }, .out = { R(RAX, 0x0ff0) }, FL(PF) },
	{ "xchg [bx],ax", REAL, CODE("\x87\x07"), DEC(2, 2, 2, XCHG, MEM, REG),
	  .in = { R(RAX, 0x2222), R(RBX, 0x8000) },
	  .mem = { { 0x8000, 2, 0x1111 } }, .out = { R(RAX, 0x1111) },
	  .mem_out = { { 0x8000, 2, 0x2222 } } },
	{ "movsx ax,byte [bx]", REAL, CODE("\x0f\xbe\x07"),
	  DEC(3, 2, 2, MOVSX, REG, MEM), .in = { R(RBX, 0x8000) },
	  .mem = { { 0x8000, 1, 0x80 } }, .out = { R(RAX, 0xff80) } },
	{ "mov byte [bx+di],0x11 (C6)", REAL, CODE("\xc6\x01\x11"),
	  DEC(3, 1, 2, MOV, MEM, IMM), .in = { R(RBX, 0x8000), R(RDI, 1) },
	  .mem_out = { { 0x8001, 1, 0x11 } } },
	{ "bts [bx],ax: next word", REAL, CODE("\x0f\xab\x07"),
	  DEC(3, 2, 2, BTS, MEM, REG), .in = { R(RAX, 0x11), R(RBX, 0x8000) },
	  .mem_out = { { 0x8002, 2, 2 } }, FL(0) },
	{ "test al,0x80 (A8)", REAL, CODE("\xa8\x80"),
	  DEC(2, 1, 2, TEST, REG, IMM), .in = { R(RAX, 0x80) }, FL(SF) },
	{ "lodsw", REAL, CODE("\xad"), DEC(1, 2, 2, LODS, NONE, NONE),
	  .in = { R(RSI, 0x8000) }, .mem = { { 0x8000, 2, 0xbeef } },
	  .out = { R(RAX, 0xbeef), R(RSI, 0x8002) } },
	{ "insw", REAL, CODE("\x6d"), DEC(1, 2, 2, INS, NONE, NONE),
	  .in = { R(RDI, 0x9000), R(RDX, 0x70) }, .out = { R(RDI, 0x9002) },
	  .mem_out = { { 0x9000, 2, FAKE_PORT_BASE } } },
	{ "outsb", REAL, CODE("\x6e"), DEC(1, 1, 2, OUTS, NONE, NONE),
	  .in = { R(RSI, 0x8000) }, .out = { R(RSI, 0x8001) } },
	{ "mov ax,[bx] in 16-bit protected mode, a device", P16,
	  CODE("\x8b\x07"), DEC(2, 2, 2, MOV, REG, MEM), SEG(DS, MM),
	  .in = { R(RBX, 0x10) }, .mem = { { MM + 0x10, 2, 0x1111 } },
	  .out = { R(RAX, 0x1111) }, MMIO(1) },
	{ "beyond the SS limit in 16-bit protected mode: #SS", P16,
	  CODE("\x8b\x46\x00"), DEC(3, 2, 2, MOV, REG, MEM), SEG(SS, 0),
	  .seg_limit = 0xff, .in = { R(RBP, 0x100) }, FAULT(EMUL_VEC_SS) },
	{ "movzx eax,byte [bx] (66h) in 16-bit protected mode", P16,
	  CODE("\x66\x0f\xb6\x07"), DEC(4, 4, 2, MOVZX, REG, MEM),
	  .in = { R(RBX, 0x8000) }, .mem = { { 0x8000, 1, 0x80 } },
	  .out = { R(RAX, 0x80) } },
};

static struct fake fk;
static struct emul_ops ops;

static int setup(void **state)
{
	fake_init(&fk, &ops, true);
	return 0;
}

static int teardown(void **state)
{
	fake_free(&fk);
	return 0;
}

/* 4 GiB identity-mapped with 1-GiB pages, for 64-bit code; accessed and
 * dirty already, so that walks make no compare-exchange */
static void identity_map(void)
{
	fake_put(&fk, PML4, 8, PDPT | PTE_P | PTE_RW | PTE_US | PTE_A);
	for (uint64_t i = 0; i < 4; i++)
		fake_put(&fk, PDPT + i * 8, 8, (i << 30) | PTE_PS | PTE_P |
			 PTE_RW | PTE_US | PTE_A | PTE_D);
}

/* The first 4 MiB through a PD, and 0x400000-0x5fffff through the PT at
 * PT, whose entries the test writes */
static void small_pages(void)
{
	identity_map();
	fake_put(&fk, PDPT, 8, PD | PTE_P | PTE_RW | PTE_US);
	fake_put(&fk, PD, 8, 0 | PTE_PS | PTE_P | PTE_RW | PTE_US);
	fake_put(&fk, PD + 8, 8, 0x200000 | PTE_PS | PTE_P | PTE_RW | PTE_US);
	fake_put(&fk, PD + 16, 8, PT | PTE_P | PTE_RW | PTE_US);
}

static void init_regs(struct emul_regs *r, uint8_t mode)
{
	uint32_t limit = mode == REAL || mode == P16 ? 0xffff : 0xffffffff;

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->rip = CODE_LA;
	r->rflags = 0x2;
	for (unsigned int s = 0; s < EMUL_SREG_COUNT; s++)
		r->seg[s].limit = limit;
	if (mode == M64) {
		r->cr0 = EMUL_CR0_PE | EMUL_CR0_PG | EMUL_CR0_WP;
		r->cr3 = PML4;
		r->cr4 = EMUL_CR4_PAE;
		r->efer = EMUL_EFER_LME | EMUL_EFER_LMA | EMUL_EFER_NXE;
		identity_map();
	} else if (mode != REAL) {
		r->cr0 = EMUL_CR0_PE;
	}
}

static void put_code(uint64_t gpa, const char *code, size_t len)
{
	memcpy(fk.ram + gpa, code, len);
}

static void check_decode(const struct row *t)
{
	struct emul_insn in;
	enum emul_decode_status st;

	st = emul_decode((const uint8_t *)t->code, t->code_len, t->mode, &in);
	if (st != t->dec)
		fail_msg("%s: decode status %d, expected %d", t->name, st,
			 t->dec);
	if (st != EMUL_DECODE_OK)
		return;
	if (in.len != t->len || in.opsize != t->opsize ||
	    in.addrsize != t->addrsize || in.op != t->op ||
	    in.dst.kind != t->dk || in.src.kind != t->sk)
		fail_msg("%s: decoded len %u opsize %u addrsize %u op %u "
			 "dst %u src %u", t->name, in.len, in.opsize,
			 in.addrsize, in.op, in.dst.kind, in.src.kind);
	/* the bytes given beyond the instruction do not change it */
	{
		uint8_t more[EMUL_MAX_LEN] = { 0 };
		struct emul_insn in2;

		memcpy(more, t->code, t->code_len);
		assert_int_equal(emul_decode(more, sizeof(more), t->mode, &in2),
				 EMUL_DECODE_OK);
		assert_int_equal(in2.len, in.len);
		/* and fewer bytes are too few */
		assert_int_equal(emul_decode(more, in.len - 1u, t->mode, &in2),
				 EMUL_DECODE_SHORT);
	}
}

static void run_row(const struct row *t)
{
	struct emul_regs r, want;
	struct emul_result res;
	struct emul_insn in;

	fake_free(&fk);
	fake_init(&fk, &ops, true);
	init_regs(&r, t->mode);
	for (const struct regv *v = t->in; v < t->in + 4 && v->r; v++)
		r.gpr[v->r - 1] = v->v;
	r.rflags |= t->flags;
	if (t->seg) {
		struct emul_seg *s = &r.seg[t->seg - 1];

		s->base = t->seg_base;
		if (t->seg_limit)
			s->limit = t->seg_limit;
		s->flags = t->seg_flags;
	}
	for (const struct memv *m = t->mem; m < t->mem + 3 && m->size; m++)
		fake_put(&fk, m->gpa, m->size, m->v);
	put_code(CODE_LA, t->code, t->code_len);
	want = r;
	for (const struct regv *v = t->out; v < t->out + 4 && v->r; v++)
		want.gpr[v->r - 1] = v->v;

	emul_step(&r, &ops, &in, &res);

	if (res.status != t->status)
		fail_msg("%s: status %d, expected %d (%s)", t->name, res.status,
			 t->status, res.why ? res.why : "");
	if (t->status == EMUL_EXCEPTION) {
		if (res.vector != t->vector)
			fail_msg("%s: vector %u, expected %u", t->name,
				 res.vector, t->vector);
		assert_int_equal(res.has_error_code,
				 t->mode != REAL && t->vector != EMUL_VEC_UD);
		assert_int_equal(res.error_code, 0);
	}
	if (t->status == EMUL_UNSUPPORTED) {
		/* the bytes come back */
		assert_true(res.len >= t->code_len);
		assert_memory_equal(res.bytes, t->code, t->code_len);
	}
	/* RIP past the instruction when done, unchanged otherwise */
	want.rip = CODE_LA + (t->status == EMUL_OK ? t->len : 0);
	for (unsigned int i = 0; i < EMUL_GPR_COUNT; i++)
		if (r.gpr[i] != want.gpr[i])
			fail_msg("%s: gpr %u = %#llx, expected %#llx", t->name,
				 i, (unsigned long long)r.gpr[i],
				 (unsigned long long)want.gpr[i]);
	assert_int_equal(r.rip, want.rip);
	if (t->check_flags) {
		uint64_t f = r.rflags & (EMUL_FLAGS_ARITH | DF);

		if (f != t->flags_out)
			fail_msg("%s: flags %#llx, expected %#llx", t->name,
				 (unsigned long long)f,
				 (unsigned long long)t->flags_out);
	} else if (t->status != EMUL_OK || t->op == EMUL_OP_MOV ||
		   t->op == EMUL_OP_MOVZX || t->op == EMUL_OP_MOVSX ||
		   t->op == EMUL_OP_XCHG || t->op >= EMUL_OP_MOVS) {
		/* the moves change no flag */
		assert_int_equal(r.rflags, 0x2 | t->flags);
	}
	for (const struct memv *m = t->mem_out; m < t->mem_out + 3 && m->size;
	     m++) {
		uint64_t v = fake_get(&fk, m->gpa, m->size);

		if (v != m->v)
			fail_msg("%s: memory %#llx = %#llx, expected %#llx",
				 t->name, (unsigned long long)m->gpa,
				 (unsigned long long)v,
				 (unsigned long long)m->v);
	}
	if (t->mmio && fake_mmio_count(&fk) != t->mmio - 1u)
		fail_msg("%s: %u device accesses, expected %u", t->name,
			 fake_mmio_count(&fk), t->mmio - 1u);
}

static void test_table(void **state)
{
	unsigned int per_mode[4] = { 0 };

	for (size_t i = 0; i < TEST_ARRAY_SIZE(rows); i++) {
		check_decode(&rows[i]);
		run_row(&rows[i]);
		per_mode[rows[i].mode]++;
	}
	print_message("%zu encodings: 64-bit %u, 32-bit %u, 16-bit %u "
		      "protected, real %u\n", TEST_ARRAY_SIZE(rows),
		      per_mode[M64], per_mode[M32], per_mode[P16],
		      per_mode[REAL]);
	assert_true(TEST_ARRAY_SIZE(rows) >= 60);
}

/* Operand details a table row does not show */
static void test_decode_fields(void **state)
{
	struct emul_insn in;

	/* [bp+si+disp8] */
	assert_int_equal(emul_decode((const uint8_t *)"\x8b\x42\xfc", 3, REAL,
				     &in), EMUL_DECODE_OK);
	assert_int_equal(in.ea.base, EMUL_RBP);
	assert_int_equal(in.ea.index, EMUL_RSI);
	assert_int_equal(in.ea.disp, -4);
	assert_int_equal(in.ea.seg, EMUL_SS);
	assert_false(in.seg_override);
	/* ... with DS: overriding SS */
	assert_int_equal(emul_decode((const uint8_t *)"\x3e\x8b\x42\xfc", 4,
				     REAL, &in), EMUL_DECODE_OK);
	assert_int_equal(in.ea.seg, EMUL_DS);
	assert_true(in.seg_override);
	/* rip-relative, with its displacement */
	assert_int_equal(emul_decode((const uint8_t *)"\x8b\x05\xfc\xff\xff\xff",
				     6, M64, &in), EMUL_DECODE_OK);
	assert_true(in.ea.rip_rel);
	assert_int_equal(in.ea.base, EMUL_NO_REG);
	assert_int_equal(in.ea.disp, -4);
	/* the same bytes in 32-bit code: absolute */
	assert_int_equal(emul_decode((const uint8_t *)"\x8b\x05\xfc\xff\xff\xff",
				     6, M32, &in), EMUL_DECODE_OK);
	assert_false(in.ea.rip_rel);
	/* AH as destination; SIL with REX */
	assert_int_equal(emul_decode((const uint8_t *)"\x8a\x27", 2, M32, &in),
			 EMUL_DECODE_OK);
	assert_int_equal(in.dst.reg, EMUL_RAX);
	assert_true(in.dst.high);
	assert_int_equal(emul_decode((const uint8_t *)"\x40\x8a\x37", 3, M64,
				     &in), EMUL_DECODE_OK);
	assert_int_equal(in.dst.reg, EMUL_RSI);
	assert_false(in.dst.high);
	/* the last of F2/F3 counts; prefixes in any order */
	assert_int_equal(emul_decode((const uint8_t *)"\xf2\x66\xf3\xa5", 4,
				     M32, &in), EMUL_DECODE_OK);
	assert_int_equal(in.rep, EMUL_REP_F3);
	assert_int_equal(in.opsize, 2);
	/* an immediate of 83 sign-extended, of 80 not needed */
	assert_int_equal(emul_decode((const uint8_t *)"\x48\x83\x03\xff", 4,
				     M64, &in), EMUL_DECODE_OK);
	assert_int_equal(in.imm, ~0ull);
	/* the bytes are always copied */
	assert_int_equal(emul_decode((const uint8_t *)"\x0f\x0b\x90", 3, M64,
				     &in), EMUL_DECODE_UNSUPPORTED);
	assert_int_equal(in.avail, 3);
	assert_memory_equal(in.bytes, "\x0f\x0b\x90", 3);
}

static void test_length_limit(void **state)
{
	uint8_t b[20];
	struct emul_insn in;
	struct emul_regs r;
	struct emul_result res;

	/* 13 prefixes + 89 03: 15 bytes, fine */
	memset(b, 0x66, sizeof(b));
	b[13] = 0x89;
	b[14] = 0x03;
	assert_int_equal(emul_decode(b, sizeof(b), M32, &in), EMUL_DECODE_OK);
	assert_int_equal(in.len, 15);
	/* 14 prefixes: 16 bytes, #GP(0) even with only 15 given */
	memset(b, 0x66, sizeof(b));
	b[14] = 0x89;
	b[15] = 0x03;
	assert_int_equal(emul_decode(b, sizeof(b), M32, &in),
			 EMUL_DECODE_TOO_LONG);
	assert_int_equal(emul_decode(b, 15, M32, &in), EMUL_DECODE_TOO_LONG);
	assert_int_equal(emul_decode(b, 14, M32, &in), EMUL_DECODE_SHORT);
	init_regs(&r, M32);
	put_code(CODE_LA, (const char *)b, 16);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.vector, EMUL_VEC_GP);
	assert_int_equal(r.rip, CODE_LA);
	/* and a displacement that runs out */
	assert_int_equal(emul_decode((const uint8_t *)"\x8b\x80\x00\x00", 4,
				     M32, &in), EMUL_DECODE_SHORT);
}

static void test_rep_budget(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M64);
	put_code(CODE_LA, "\xf3\xaa", 2);
	r.gpr[EMUL_RCX] = 10;
	r.gpr[EMUL_RDI] = 0x9000;
	r.gpr[EMUL_RAX] = 0x77;
	ops.max_reps = 4;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_CONTINUE);
	assert_int_equal(r.gpr[EMUL_RCX], 6);
	assert_int_equal(r.gpr[EMUL_RDI], 0x9004);
	assert_int_equal(r.rip, CODE_LA);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_CONTINUE);
	assert_int_equal(r.gpr[EMUL_RCX], 2);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(r.gpr[EMUL_RCX], 0);
	assert_int_equal(r.gpr[EMUL_RDI], 0x900a);
	assert_int_equal(r.rip, CODE_LA + 2);
	assert_int_equal(fake_get(&fk, 0x9000, 8), 0x7777777777777777);
	assert_int_equal(fake_get(&fk, 0x9008, 4), 0x7777);
	/* the default budget */
	ops.max_reps = 0;
	r.rip = CODE_LA;
	r.gpr[EMUL_RCX] = 1000;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_CONTINUE);
	assert_int_equal(r.gpr[EMUL_RCX], 1000 - EMUL_REP_DEFAULT);
}

static void test_rep_fault_midway(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M64);
	small_pages();
	/* 0x400000 present, 0x401000 not */
	fake_put(&fk, PT, 8, 0x50000 | PTE_P | PTE_RW);
	put_code(CODE_LA, "\xf3\xaa", 2);
	r.gpr[EMUL_RCX] = 5;
	r.gpr[EMUL_RDI] = 0x400ffe;
	r.gpr[EMUL_RAX] = 0x99;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.vector, EMUL_VEC_PF);
	assert_true(res.has_error_code);
	assert_int_equal(res.error_code, EMUL_PF_W);
	assert_int_equal(res.cr2, 0x401000);
	/* two iterations done and kept, RIP still at the instruction */
	assert_int_equal(r.gpr[EMUL_RCX], 3);
	assert_int_equal(r.gpr[EMUL_RDI], 0x401000);
	assert_int_equal(r.rip, CODE_LA);
	assert_int_equal(fake_get(&fk, 0x50ffe, 2), 0x9999);
	/* the walks set accessed and dirty in the written page's PTE */
	assert_int_equal(fake_get(&fk, PT, 8),
			 0x50000 | PTE_P | PTE_RW | PTE_A | PTE_D);
}

static void test_translate_before_access(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M64);
	small_pages();
	/* movsb from the device to a read-only page: #PF, no device read */
	fake_put(&fk, PT, 8, 0x50000 | PTE_P);
	put_code(CODE_LA, "\xa4", 1);
	r.gpr[EMUL_RSI] = MM;
	r.gpr[EMUL_RDI] = 0x400000;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.error_code, EMUL_PF_P | EMUL_PF_W);
	assert_int_equal(res.cr2, 0x400000);
	assert_int_equal(fake_mmio_count(&fk), 0);
	assert_int_equal(r.gpr[EMUL_RSI], MM);
	/* the same for a user-mode read of a supervisor page */
	r.cpl = 3;
	put_code(CODE_LA, "\x8b\x03", 2);
	fake_put(&fk, PT, 8, 0x50000 | PTE_P | PTE_RW);
	r.gpr[EMUL_RBX] = 0x400010;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.error_code, EMUL_PF_P | EMUL_PF_U);
	assert_int_equal(res.cr2, 0x400010);
}

static void test_fetch_across_pages(void **state)
{
	struct emul_regs r;
	struct emul_result res;
	struct emul_insn in;

	init_regs(&r, M64);
	small_pages();
	/* 0x400000 -> 0x50000, 0x401000 not present */
	fake_put(&fk, PT, 8, 0x50000 | PTE_P | PTE_RW);
	r.rip = 0x400ffe;
	r.gpr[EMUL_RBX] = 0x8000;
	fake_put(&fk, 0x8000, 8, 0x1122334455667788);
	/* mov eax,[rbx] ends at the page end: no fault */
	put_code(0x50ffe, "\x8b\x03", 2);
	emul_step(&r, &ops, &in, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(r.gpr[EMUL_RAX], 0x55667788);
	assert_int_equal(r.rip, 0x401000);
	/* mov rax,[rbx] needs a byte of the next page: #PF on the fetch */
	r.rip = 0x400ffe;
	put_code(0x50ffe, "\x48\x8b", 2);
	emul_step(&r, &ops, &in, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.vector, EMUL_VEC_PF);
	assert_int_equal(res.error_code, EMUL_PF_ID);
	assert_int_equal(res.cr2, 0x401000);
	assert_int_equal(r.rip, 0x400ffe);
	/* the next page present elsewhere: the bytes come from both */
	fake_put(&fk, PT + 8, 8, 0x70000 | PTE_P | PTE_RW);
	put_code(0x70000, "\x03", 1);
	emul_step(&r, &ops, &in, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(in.len, 3);
	assert_int_equal(r.gpr[EMUL_RAX], 0x1122334455667788);
	assert_int_equal(r.rip, 0x401001);
	/* an XD code page */
	fake_put(&fk, PT + 8, 8, 0x70000 | PTE_XD | PTE_P | PTE_RW);
	r.rip = 0x401000;
	emul_step(&r, &ops, &in, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.error_code, EMUL_PF_P | EMUL_PF_ID);
	assert_int_equal(res.cr2, 0x401000);
	/* code in a device page is not fetched */
	r.rip = MM;
	emul_step(&r, &ops, &in, &res);
	assert_int_equal(res.status, EMUL_UNSUPPORTED);
}

static void test_fetch_cs_limit(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M32);
	r.seg[EMUL_CS].limit = CODE_LA + 1;
	r.gpr[EMUL_RBX] = 0x8000;
	put_code(CODE_LA, "\x8b\x03", 2);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	r.rip = CODE_LA;
	put_code(CODE_LA, "\x66\x8b\x03", 3);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.vector, EMUL_VEC_GP);
	assert_true(res.has_error_code);
	/* CS base */
	init_regs(&r, REAL);
	r.seg[EMUL_CS].base = 0x20000;
	r.rip = 0x10;
	r.gpr[EMUL_RBX] = 0x8000;
	fake_put(&fk, 0x8000, 2, 0x4545);
	put_code(0x20010, "\x8b\x07", 2);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(r.gpr[EMUL_RAX], 0x4545);
	assert_int_equal(r.rip, 0x12);
	/* IP wraps at 64 KiB in 16-bit code */
	r.rip = 0xfffe;
	put_code(0x2fffe, "\x8b\x07", 2);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(r.rip, 0);
}

static void test_split_access(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	/* RAM across a page boundary, pages apart in guest-physical memory */
	init_regs(&r, M64);
	small_pages();
	fake_put(&fk, PT, 8, 0x50000 | PTE_P | PTE_RW);
	fake_put(&fk, PT + 8, 8, 0x70000 | PTE_P | PTE_RW);
	fake_put(&fk, 0x50ffe, 2, 0x2211);
	fake_put(&fk, 0x70000, 2, 0x4433);
	put_code(CODE_LA, "\x8b\x03", 2);
	r.gpr[EMUL_RBX] = 0x400ffe;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(r.gpr[EMUL_RAX], 0x44332211);
	/* ... written too */
	r.rip = CODE_LA;
	put_code(CODE_LA, "\x89\x0b", 2);
	r.gpr[EMUL_RCX] = 0xa1b2c3d4;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(fake_get(&fk, 0x50ffe, 2), 0xc3d4);
	assert_int_equal(fake_get(&fk, 0x70000, 2), 0xa1b2);
	/* a device access across a page: not done */
	init_regs(&r, M64);
	put_code(CODE_LA, "\x8b\x03", 2);
	r.gpr[EMUL_RBX] = MM - 2;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_UNSUPPORTED);
	assert_int_equal(res.len, 2);
	assert_memory_equal(res.bytes, "\x8b\x03", 2);
	assert_int_equal(fake_mmio_count(&fk), 0);
	assert_int_equal(r.rip, CODE_LA);
}

static void test_callback_errors(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M64);
	put_code(CODE_LA, "\x8b\x03", 2);
	r.gpr[EMUL_RBX] = 0x800000;	/* neither RAM nor a device */
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_ERROR);
	assert_int_equal(res.error, FAKE_ERROR);
	assert_non_null(res.why);
	r.gpr[EMUL_RBX] = MM;
	fk.mmio_fail = true;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_ERROR);
	assert_int_equal(r.rip, CODE_LA);
	/* a guest page table outside RAM */
	fk.mmio_fail = false;
	r.cr3 = 0x10000000;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_ERROR);
	/* no port callbacks */
	init_regs(&r, M64);
	put_code(CODE_LA, "\x6c", 1);
	ops.port_in = NULL;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_UNSUPPORTED);
	assert_memory_equal(res.bytes, "\x6c", 1);
}

static void test_lock_race(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M64);
	put_code(CODE_LA, "\xf0\x0f\xab\x03", 4);	/* lock bts [rbx],eax */
	r.gpr[EMUL_RBX] = 0x8000;
	r.gpr[EMUL_RAX] = 4;
	fake_put(&fk, 0x8000, 4, 0x10);
	/* another vCPU wins three times, then this one */
	fk.cmpxchg_lose = 3;
	fk.cmpxchg_calls = 0;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(fk.cmpxchg_calls, 4);
	assert_int_equal(r.rflags & EMUL_FLAG_CF, EMUL_FLAG_CF);
	/* it never wins: EMUL_RETRY, nothing changed */
	r.rip = CODE_LA;
	r.rflags = 0x2;
	r.gpr[EMUL_RAX] = 5;
	fk.cmpxchg_lose = 1000;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_RETRY);
	assert_int_equal(r.rip, CODE_LA);
	assert_int_equal(r.rflags, 0x2);
	assert_int_equal(fake_get(&fk, 0x8000, 4), 0x10);
	/* without compare-exchange: a plain read and write */
	ops.cmpxchg_gpa = NULL;
	fk.cmpxchg_calls = 0;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(fake_get(&fk, 0x8000, 4), 0x30);
	assert_int_equal(fk.cmpxchg_calls, 0);
}

static void test_ports(void **state)
{
	struct emul_regs r;
	struct emul_result res;

	init_regs(&r, M32);
	put_code(CODE_LA, "\xf3\x66\x6f", 3);	/* rep outsw */
	r.gpr[EMUL_RCX] = 2;
	r.gpr[EMUL_RSI] = 0x8000;
	r.gpr[EMUL_RDX] = 0x12345678;	/* the port is DX */
	fake_put(&fk, 0x8000, 4, 0xbbbbaaaa);
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(fk.nlog, 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_true(fk.log[i].port && fk.log[i].write);
		assert_int_equal(fk.log[i].addr, 0x5678);
		assert_int_equal(fk.log[i].size, 2);
	}
	assert_int_equal(fk.log[0].val, 0xaaaa);
	assert_int_equal(fk.log[1].val, 0xbbbb);
	/* insb backwards */
	r.rip = CODE_LA;
	r.rflags |= DF;
	put_code(CODE_LA, "\x6c", 1);
	r.gpr[EMUL_RDI] = 0x9001;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(fake_get(&fk, 0x9001, 1), FAKE_PORT_BASE);
	assert_int_equal(r.gpr[EMUL_RDI], 0x9000);
	assert_true(fk.log[2].port && !fk.log[2].write);
}

/* LMSW: CR0 bits 3:0 from a register or memory, PE never cleared */
static void test_lmsw(void **state)
{
	struct emul_regs r;
	struct emul_result res;
	struct emul_insn in;

	init_regs(&r, M32);
	r.cr0 = EMUL_CR0_PE | 0x10 | EMUL_CR0_WP;
	put_code(CODE_LA, "\x0f\x01\x33", 3);	/* lmsw (%ebx) */
	r.gpr[EMUL_RBX] = 0x8000;
	fake_put(&fk, 0x8000, 2, 0xfff6);		/* MP, TS; PE clear */
	emul_step(&r, &ops, &in, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(in.op, EMUL_OP_LMSW);
	assert_int_equal(in.len, 3);
	assert_int_equal(r.cr0, EMUL_CR0_PE | 0x10 | EMUL_CR0_WP | 0x6);
	assert_int_equal(r.rip, CODE_LA + 3);
	/* the register form, in real mode: sets PE */
	init_regs(&r, REAL);
	put_code(CODE_LA, "\x0f\x01\xf0", 3);	/* lmsw %ax */
	r.gpr[EMUL_RAX] = 0x1;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_OK);
	assert_int_equal(r.cr0, EMUL_CR0_PE);
	/* past the segment limit: #GP, nothing changed */
	init_regs(&r, M32);
	put_code(CODE_LA, "\x0f\x01\x33", 3);
	r.seg[EMUL_DS].limit = 0x7fff;
	r.gpr[EMUL_RBX] = 0x8000;
	emul_step(&r, &ops, NULL, &res);
	assert_int_equal(res.status, EMUL_EXCEPTION);
	assert_int_equal(res.vector, EMUL_VEC_GP);
	assert_int_equal(r.cr0, EMUL_CR0_PE);
	assert_int_equal(r.rip, CODE_LA);
	/* other group-7 forms (lgdt) are not the emulator's */
	assert_int_equal(emul_decode((const uint8_t *)"\x0f\x01\x10", 3, M32,
				     &in), EMUL_DECODE_UNSUPPORTED);
	/* LOCK LMSW: #UD */
	assert_int_equal(emul_decode((const uint8_t *)"\xf0\x0f\x01\x33", 4,
				     M32, &in), EMUL_DECODE_UD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_length_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rep_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_fault_midway, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_translate_before_access,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_across_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fetch_cs_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_callback_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lmsw, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
