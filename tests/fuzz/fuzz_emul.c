// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the instruction emulator (core/emul/): decoder,
 * fetch, page walk and executor on a small fake guest whose registers,
 * paging mode, page tables, memory and instruction bytes all come from
 * the input. Besides the sanitizers' checks (guest RAM is a heap block of
 * exactly its size), it asserts:
 *   - a decoded length is 1..15 and no more than the bytes given; the
 *     same bytes decode alike with more bytes after them, and one byte
 *     fewer is too few;
 *   - an instruction that completes (EMUL_OK), unless it is a REP string
 *     instruction, moves RIP by exactly its decoded length;
 *   - one that does not complete (exception, unsupported, retry) leaves
 *     the registers as they were, unless it is a REP string instruction;
 *     EMUL_CONTINUE only comes from REP string instructions and keeps RIP;
 *   - results are well formed (known vectors, at most 15 bytes).
 *
 * Input: a 51-byte header (see the offsets below), then guest RAM from
 * guest-physical 0 (RAM_SIZE bytes at most). The instruction bytes are
 * written at CS:RIP's physical address when paging is off.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/emul/decode.h>
#include <core/emul/execute.h>
#include <core/emul/fetch.h>

#define CR0_PE_BIT 1ull	/* LMSW may set PE, never clear it */

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

#define RAM_SIZE  0x10000u
#define MMIO_BASE 0x10000u	/* one device page right after RAM */
#define MMIO_SIZE 0x1000u

#define OFF_MODE   0
#define OFF_PAGING 1
#define OFF_MISC   2
#define OFF_LIMITS 3
#define OFF_GPR    4
#define OFF_BASE   20
#define OFF_LIMIT  26
#define OFF_RIP    32
#define OFF_CR3    34
#define OFF_CODE   36
#define HEADER     (OFF_CODE + EMUL_MAX_LEN)

struct guest {
	uint8_t *ram;
};

static int read_gpa(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct guest *g = ctx;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -1;
	memcpy(buf, g->ram + gpa, len);
	return 0;
}

static int write_gpa(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct guest *g = ctx;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -1;
	memcpy(g->ram + gpa, buf, len);
	return 0;
}

static int cmpxchg_gpa(void *ctx, uint64_t gpa, uint64_t old, uint64_t val,
		       size_t len)
{
	struct guest *g = ctx;
	uint64_t cur = 0;

	CHECK(len == 1 || len == 2 || len == 4 || len == 8);
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -1;
	memcpy(&cur, g->ram + gpa, len);
	if (cur != old)
		return 1;
	memcpy(g->ram + gpa, &val, len);
	return 0;
}

static bool is_mmio(void *ctx, uint64_t gpa, size_t len)
{
	(void)ctx;
	return gpa + len > MMIO_BASE && gpa < MMIO_BASE + MMIO_SIZE;
}

static int mmio_read(void *ctx, uint64_t gpa, size_t size, uint64_t *val)
{
	(void)ctx;
	CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	/* within the device page: it never gets a split access */
	CHECK(gpa >= MMIO_BASE && gpa + size <= MMIO_BASE + MMIO_SIZE);
	*val = gpa * 0x9e3779b97f4a7c15ull;
	return 0;
}

static int mmio_write(void *ctx, uint64_t gpa, size_t size, uint64_t val)
{
	(void)ctx;
	CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	CHECK(gpa >= MMIO_BASE && gpa + size <= MMIO_BASE + MMIO_SIZE);
	CHECK(size == 8 || val >> (8 * size) == 0);
	return 0;
}

static int port_in(void *ctx, uint16_t port, size_t size, uint32_t *val)
{
	(void)ctx;
	CHECK(size == 1 || size == 2 || size == 4);
	*val = port * 0x01010101u;
	return 0;
}

static int port_out(void *ctx, uint16_t port, size_t size, uint32_t val)
{
	(void)ctx;
	(void)port;
	CHECK(size == 1 || size == 2 || size == 4);
	CHECK(size == 4 || val >> (8 * size) == 0);
	return 0;
}

/* A register or base worth trying, from one byte */
static uint64_t pick(uint8_t b)
{
	static const uint64_t v[16] = {
		0, 0x1000, 0x8000, 0xfff0, 0xffff, MMIO_BASE, MMIO_BASE + 0xff8,
		0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffffffffff0ull,
		0x00007ffffffffff8ull, 0x0000800000000000ull,
		0xffff800000000000ull, 1, 0x100000000ull,
	};

	return v[b & 15] + (uint64_t)(b >> 4) * 8;
}

static void setup(const uint8_t *h, struct emul_regs *r, struct emul_ops *ops)
{
	static const uint32_t limits[4] = { 0xffff, 0xffffffff, 0xfff, 0x10fff };
	uint8_t pg = h[OFF_PAGING], misc = h[OFF_MISC];

	memset(r, 0, sizeof(*r));
	r->mode = h[OFF_MODE] & 3;
	r->cpl = misc & 3;
	r->rflags = 0x2 | (misc & 4 ? EMUL_FLAG_DF : 0) |
		    (misc & 8 ? EMUL_FLAG_AC : 0) | (misc & 16 ? EMUL_FLAG_CF : 0);
	for (unsigned int i = 0; i < EMUL_GPR_COUNT; i++)
		r->gpr[i] = pick(h[OFF_GPR + i]);
	for (unsigned int s = 0; s < EMUL_SREG_COUNT; s++) {
		r->seg[s].base = pick(h[OFF_BASE + s]) & 0xffffffffull;
		r->seg[s].limit = limits[h[OFF_LIMIT + s] & 3];
		r->seg[s].flags = (h[OFF_LIMIT + s] >> 2) & 3;
	}
	r->rip = (uint64_t)h[OFF_RIP] | (uint64_t)h[OFF_RIP + 1] << 8;
	r->cr3 = (uint64_t)h[OFF_CR3] | (uint64_t)h[OFF_CR3 + 1] << 8;
	r->cr0 = EMUL_CR0_PE | (pg & 1 ? EMUL_CR0_PG : 0) |
		 (pg & 16 ? EMUL_CR0_WP : 0);
	r->cr4 = (pg & 2 ? EMUL_CR4_PAE : 0) | (pg & 4 ? EMUL_CR4_PSE : 0) |
		 (pg & 32 ? EMUL_CR4_SMEP : 0) | (pg & 64 ? EMUL_CR4_SMAP : 0) |
		 (pg & 128 ? EMUL_CR4_LA57 : 0);
	r->efer = pg & 8 ? EMUL_EFER_NXE : 0;
	if (r->mode == EMUL_MODE_LONG64 ||
	    ((misc & 128) && (pg & 1) && (pg & 2))) {
		/* long mode (64-bit, or compatibility mode) needs paging */
		r->cr0 |= EMUL_CR0_PG;
		r->cr4 |= EMUL_CR4_PAE;
		r->efer |= EMUL_EFER_LME | EMUL_EFER_LMA;
	}
	if (r->mode == EMUL_MODE_REAL)
		r->cr0 = 0;
	*ops = (struct emul_ops){
		.read_gpa = read_gpa, .write_gpa = write_gpa,
		.cmpxchg_gpa = misc & 32 ? cmpxchg_gpa : NULL,
		.is_mmio = is_mmio, .mmio_read = mmio_read,
		.mmio_write = mmio_write, .port_in = port_in,
		.port_out = port_out,
		.maxphyaddr = (uint8_t)(36 + (h[OFF_LIMITS] >> 4)),
		.gbpages = misc & 64,
		.max_reps = 1 + (h[OFF_LIMITS] & 15),
	};
}

static bool is_string(unsigned int op)
{
	return op >= EMUL_OP_MOVS && op <= EMUL_OP_OUTS;
}

static uint64_t ip_mask(uint8_t mode)
{
	return mode == EMUL_MODE_LONG64 ? ~0ull :
	       mode == EMUL_MODE_PROT32 ? 0xffffffffull : 0xffff;
}

/* The raw bytes alone */
static void check_decode(const uint8_t *code, uint8_t mode)
{
	struct emul_insn a, b;
	enum emul_decode_status st;
	uint8_t *exact;

	st = emul_decode(code, EMUL_MAX_LEN, mode, &a);
	CHECK(st <= EMUL_DECODE_UNSUPPORTED);
	CHECK(st != EMUL_DECODE_SHORT);
	if (st != EMUL_DECODE_OK)
		return;
	CHECK(a.len >= 1 && a.len <= EMUL_MAX_LEN);
	CHECK(a.opsize == 1 || a.opsize == 2 || a.opsize == 4 || a.opsize == 8);
	CHECK(a.addrsize == 2 || a.addrsize == 4 || a.addrsize == 8);
	/* an exact copy: a read past len is caught by ASan */
	exact = malloc(a.len);
	memcpy(exact, code, a.len);
	CHECK(emul_decode(exact, a.len, mode, &b) == EMUL_DECODE_OK);
	CHECK(b.len == a.len && b.op == a.op && b.imm == a.imm &&
	      b.ea.disp == a.ea.disp);
	CHECK(emul_decode(exact, a.len - 1u, mode, &b) == EMUL_DECODE_SHORT);
	free(exact);
}

static void check_result(const struct emul_result *res)
{
	CHECK(res->len <= EMUL_MAX_LEN);
	if (res->status == EMUL_EXCEPTION) {
		CHECK(res->vector == EMUL_VEC_UD || res->vector == EMUL_VEC_SS ||
		      res->vector == EMUL_VEC_GP || res->vector == EMUL_VEC_PF);
		if (res->vector == EMUL_VEC_UD)
			CHECK(!res->has_error_code);
	}
	if (res->status == EMUL_ERROR)
		CHECK(res->error < 0);
}

/* libFuzzer calls it; it declares no prototype of its own. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest g;
	struct emul_ops ops;
	struct emul_regs r, before;
	struct emul_fetch f;
	struct emul_insn pre, in;
	struct emul_result res;
	enum emul_decode_status st;
	bool rep_string;

	if (size < HEADER)
		return 0;
	g.ram = calloc(1, RAM_SIZE);
	memcpy(g.ram, data + HEADER,
	       size - HEADER < RAM_SIZE ? size - HEADER : RAM_SIZE);
	setup(data, &r, &ops);
	ops.ctx = &g;
	check_decode(data + OFF_CODE, r.mode);
	if (!(r.cr0 & EMUL_CR0_PG)) {
		uint64_t pa = (r.seg[EMUL_CS].base + (r.rip & ip_mask(r.mode))) &
			      0xffffffffull;

		if (pa + EMUL_MAX_LEN <= RAM_SIZE)
			memcpy(g.ram + pa, data + OFF_CODE, EMUL_MAX_LEN);
	}

	/* what emul_step will see */
	emul_fetch(&r, &ops, &f);
	CHECK(f.len <= EMUL_MAX_LEN);
	CHECK(f.len == EMUL_MAX_LEN || f.stop.status != EMUL_OK);
	st = emul_decode(f.bytes, f.len, r.mode, &pre);
	if (st == EMUL_DECODE_OK)
		CHECK(pre.len >= 1 && pre.len <= f.len);

	before = r;
	emul_step(&r, &ops, &in, &res);
	check_result(&res);
	rep_string = st == EMUL_DECODE_OK && is_string(pre.op) &&
		     pre.rep != EMUL_REP_NONE;
	if (st == EMUL_DECODE_OK && res.status == EMUL_OK && !rep_string)
		CHECK(r.rip == ((before.rip + pre.len) & ip_mask(r.mode)));
	if ((res.status == EMUL_EXCEPTION || res.status == EMUL_UNSUPPORTED ||
	     res.status == EMUL_RETRY) && !rep_string) {
		CHECK(memcmp(r.gpr, before.gpr, sizeof(r.gpr)) == 0);
		CHECK(r.rflags == before.rflags && r.rip == before.rip);
	}
	if (res.status == EMUL_CONTINUE) {
		CHECK(rep_string);
		CHECK(r.rip == before.rip);
	}
	if (rep_string && res.status == EMUL_OK)
		CHECK((r.gpr[EMUL_RCX] & ((pre.addrsize == 8 ? 0 :
		       1ull << (8 * pre.addrsize)) - 1)) == 0);
	/* the registers the emulator only reads; LMSW writes CR0 bits 3:0 */
	if (st == EMUL_DECODE_OK && pre.op == EMUL_OP_LMSW &&
	    res.status == EMUL_OK)
		CHECK((r.cr0 & ~0xfull) == (before.cr0 & ~0xfull) &&
		      (r.cr0 & CR0_PE_BIT) >= (before.cr0 & CR0_PE_BIT));
	else
		CHECK(r.cr0 == before.cr0);
	CHECK(r.cr3 == before.cr3 &&
	      r.cr4 == before.cr4 && r.efer == before.efer &&
	      r.mode == before.mode && r.cpl == before.cpl &&
	      memcmp(r.seg, before.seg, sizeof(r.seg)) == 0);
	free(g.ram);
	return 0;
}
