// SPDX-License-Identifier: MIT
/*
 * core/emul/page_walk.c: every paging mode (none, 32-bit with 4-KiB and
 * 4-MiB pages, PAE, 4-level with 4-KiB/2-MiB/1-GiB pages, 5-level), every
 * fault bit (not present at each level, R/W with and without CR0.WP, U/S,
 * NX, SMEP, SMAP with and without AC, reserved bits), the I/D rule, and
 * the accessed/dirty bits through compare-exchange. Entries are written
 * out by hand from the SDM's tables, not built with the product's code.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "test_util.h"
#include "emul_fake.h"

#include <core/emul/page_walk.h>

#define P   0x1ull
#define RW  0x2ull
#define US  0x4ull
#define A   0x20ull
#define D   0x40ull
#define PS  0x80ull
#define XD  (1ull << 63)

#define CR0_PG EMUL_CR0_PG
#define CR0_WP EMUL_CR0_WP

/* Table frames in the fake RAM */
#define T0 0x10000ull
#define T1 0x11000ull
#define T2 0x12000ull
#define T3 0x13000ull
#define T4 0x14000ull

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull

static struct fake fk;
static struct emul_ops ops;
static struct emul_walk_mem mem;

static int setup(void **state)
{
	fake_init(&fk, &ops, true);
	mem = (struct emul_walk_mem){
		.ctx = ops.ctx, .read_gpa = ops.read_gpa,
		.cmpxchg_gpa = NULL,
	};
	return 0;
}

static int teardown(void **state)
{
	fake_free(&fk);
	return 0;
}

static uint64_t idx(uint64_t la, unsigned int shift)
{
	return (la >> shift) & 0x1ff;
}

static void put8(uint64_t table, uint64_t i, uint64_t e)
{
	fake_put(&fk, table + i * 8, 8, e);
}

/* 4-level paging state, supervisor, WP, NXE */
static struct emul_paging lm(void)
{
	return (struct emul_paging){
		.cr0 = CR0_PG | CR0_WP | EMUL_CR0_PE, .cr3 = T0,
		.cr4 = EMUL_CR4_PAE,
		.efer = EMUL_EFER_LME | EMUL_EFER_LMA | EMUL_EFER_NXE,
		.maxphyaddr = 46, .gbpages = true,
	};
}

/* la -> gpa through four levels of 4-KiB tables at T0..T3 */
static void map4k(uint64_t la, uint64_t gpa, uint64_t upper, uint64_t leaf)
{
	put8(T0, idx(la, 39), T1 | upper);
	put8(T1, idx(la, 30), T2 | upper);
	put8(T2, idx(la, 21), T3 | upper);
	put8(T3, idx(la, 12), gpa | leaf);
}

static int walk(const struct emul_paging *pg, uint64_t la,
		enum emul_access acc, struct emul_walk *w)
{
	return emul_page_walk(pg, &mem, la, acc, w);
}

/* Expect a #PF with this error code at la */
static void expect_fault(const struct emul_paging *pg, uint64_t la,
			 enum emul_access acc, uint32_t code)
{
	struct emul_walk w;

	assert_int_equal(walk(pg, la, acc, &w), EMUL_WALK_FAULT);
	assert_int_equal(w.error_code, code);
	assert_int_equal(w.fault_addr, la);
}

static void expect_gpa(const struct emul_paging *pg, uint64_t la,
		       enum emul_access acc, uint64_t gpa)
{
	struct emul_walk w;

	assert_int_equal(walk(pg, la, acc, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, gpa);
}

static void test_no_paging(void **state)
{
	struct emul_paging pg = { .cr0 = EMUL_CR0_PE };
	struct emul_walk w;

	expect_gpa(&pg, 0x12345678, EMUL_ACCESS_WRITE, 0x12345678);
	expect_gpa(&pg, 0xfed00010, EMUL_ACCESS_FETCH, 0xfed00010);
	/* linear addresses are 32 bits without paging */
	expect_gpa(&pg, 0x100001000ull, EMUL_ACCESS_READ, 0x1000);
	/* no tables are read: CR3 may point anywhere */
	pg.cr3 = 0xffffffff000ull;
	assert_int_equal(walk(&pg, 0x1000, EMUL_ACCESS_READ, &w), EMUL_WALK_OK);
}

static void test_32bit_4k(void **state)
{
	struct emul_paging pg = { .cr0 = CR0_PG | CR0_WP, .cr3 = T0 | 0x18 };
	uint64_t la = 0x00801234;	/* PDE 2, PTE 1 */
	struct emul_walk w;

	fake_put(&fk, T0 + 2 * 4, 4, T1 | P | RW);
	fake_put(&fk, T1 + 1 * 4, 4, 0x00345000 | P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_WRITE, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x345234);
	assert_int_equal(w.page_size, K4);
	assert_int_equal(w.levels, 2);
	/* 32-bit paging has no reserved bits in a PTE, no NX */
	fake_put(&fk, T1 + 1 * 4, 4, 0xfffff000 | P | RW | 0x180);
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0xfffff234);
	/* linear addresses are 32 bits: bit 32 and up are dropped */
	expect_gpa(&pg, la | 0x500000000ull, EMUL_ACCESS_READ, 0xfffff234);
	/* not present: the PTE, then the PDE */
	fake_put(&fk, T1 + 1 * 4, 4, 0x00345000 | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, 0);
	fake_put(&fk, T0 + 2 * 4, 4, T1 | RW);
	expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_W);
}

static void test_32bit_4m(void **state)
{
	struct emul_paging pg = {
		.cr0 = CR0_PG, .cr3 = T0, .cr4 = EMUL_CR4_PSE, .maxphyaddr = 46,
	};
	uint64_t la = 0x00c12345;	/* PDE 3 */
	struct emul_walk w;

	/* PSE-36: PDE bits 20:13 are physical bits 39:32 */
	fake_put(&fk, T0 + 3 * 4, 4, 0x01400000 | (0x3u << 13) | PS | P);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_READ, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x301412345ull);
	assert_int_equal(w.page_size, 4ull << 20);
	assert_int_equal(w.levels, 1);
	/* bit 21 is reserved */
	fake_put(&fk, T0 + 3 * 4, 4, 0x01400000 | (1u << 21) | PS | P);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	/* MAXPHYADDR 36: bits 20:17 are reserved too, 16:13 are not */
	pg.maxphyaddr = 36;
	fake_put(&fk, T0 + 3 * 4, 4, 0x01400000 | (1u << 16) | PS | P);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x801412345ull);
	fake_put(&fk, T0 + 3 * 4, 4, 0x01400000 | (1u << 17) | PS | P);
	expect_fault(&pg, la, EMUL_ACCESS_WRITE,
		     EMUL_PF_P | EMUL_PF_RSVD | EMUL_PF_W);
}

static void test_32bit_ps_needs_pse(void **state)
{
	struct emul_paging pg = { .cr0 = CR0_PG, .cr3 = T0 };
	uint64_t la = 0x00c12345;

	/* without CR4.PSE, PS is ignored: the PDE points to a table */
	fake_put(&fk, T0 + 3 * 4, 4, T1 | PS | P);
	fake_put(&fk, T1 + 0x12 * 4, 4, 0x00777000 | P);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x00777345);
	/* with it, the same PDE maps 4 MiB: T1's bit 16 is physical bit 35 */
	pg.cr4 = EMUL_CR4_PSE;
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x800012345ull);
}

static void test_pae(void **state)
{
	struct emul_paging pg = {
		.cr0 = CR0_PG | CR0_WP, .cr3 = T0 | 0x20, .cr4 = EMUL_CR4_PAE,
		.maxphyaddr = 46,
	};
	uint64_t la = 0x80603456;	/* PDPTE 2, PDE 3, PTE 3 */
	uint64_t pdpt = T0 | 0x20;
	struct emul_walk w;

	fake_put(&fk, pdpt + 2 * 8, 8, T1 | P);
	put8(T1, 3, T2 | P | RW);
	put8(T2, 3, 0x123456000ull | P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_WRITE, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x123456456ull);
	assert_int_equal(w.page_size, K4);
	assert_int_equal(w.levels, 3);
	/* 2 MiB */
	put8(T1, 3, 0x40600000ull | PS | P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_READ, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x40603456ull);
	assert_int_equal(w.page_size, M2);
	/* 2-MiB page: bits 20:13 reserved */
	put8(T1, 3, 0x40600000ull | (1ull << 13) | PS | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	/* PDPTE: R/W is a reserved bit in PAE paging; then not present */
	fake_put(&fk, pdpt + 2 * 8, 8, T1 | RW | P);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	fake_put(&fk, pdpt + 2 * 8, 8, T1);
	expect_fault(&pg, la, EMUL_ACCESS_READ, 0);
	/* physical-address bits at and above MAXPHYADDR */
	fake_put(&fk, pdpt + 2 * 8, 8, T1 | P);
	put8(T1, 3, T2 | (1ull << 46) | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	/* PAE: bits 62:52 are reserved too (4-level paging ignores them) */
	put8(T1, 3, T2 | (1ull << 55) | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
}

static void test_pae_nx(void **state)
{
	struct emul_paging pg = {
		.cr0 = CR0_PG, .cr3 = T0, .cr4 = EMUL_CR4_PAE,
		.efer = EMUL_EFER_NXE, .maxphyaddr = 46,
	};
	uint64_t la = 0x00403000;	/* PDPTE 0, PDE 2, PTE 3 */

	put8(T0, 0, T1 | P);
	put8(T1, 2, T2 | P | RW);
	put8(T2, 3, 0x9000 | XD | P | RW);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x9000);
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_P | EMUL_PF_ID);
	/* without NXE, bit 63 is reserved; I/D stays 0 */
	pg.efer = 0;
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_P | EMUL_PF_RSVD);
	/* XD in the PDPTE is reserved even with NXE */
	pg.efer = EMUL_EFER_NXE;
	put8(T2, 3, 0x9000 | P | RW);
	put8(T0, 0, T1 | XD | P);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
}

static void test_long_4k_2m_1g(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x00007f8040203123ull;
	struct emul_walk w;

	/* PCID bits in CR3 are not part of the address */
	pg.cr3 = T0 | 0x5a5;
	map4k(la, 0x3fff0000000ull, P | RW, P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_WRITE, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x3fff0000123ull);
	assert_int_equal(w.page_size, K4);
	assert_int_equal(w.levels, 4);
	/* 2 MiB */
	put8(T2, idx(la, 21), 0x7fe00000ull | PS | P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_READ, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x7fe03123ull);
	assert_int_equal(w.page_size, M2);
	assert_int_equal(w.levels, 3);
	/* 1 GiB */
	put8(T1, idx(la, 30), 0x1c0000000ull | PS | P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_READ, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x1c0203123ull);
	assert_int_equal(w.page_size, G1);
	assert_int_equal(w.levels, 2);
	/* a CPU without 1-GiB pages: PS in a PDPTE is reserved */
	pg.gbpages = false;
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	pg.gbpages = true;
	/* 1-GiB page: bits 29:13 reserved */
	put8(T1, idx(la, 30), 0x1c0000000ull | (1ull << 29) | PS | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	/* 2-MiB page: bits 20:13 reserved; bit 12 is PAT, not address */
	put8(T1, idx(la, 30), T2 | P | RW);
	put8(T2, idx(la, 21), 0x7fe00000ull | (1ull << 12) | PS | P | RW);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x7fe03123ull);
	put8(T2, idx(la, 21), 0x7fe00000ull | (1ull << 20) | PS | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	/* PS in a PML4E is reserved */
	put8(T2, idx(la, 21), T3 | P | RW);
	put8(T0, idx(la, 39), T1 | PS | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	/* bits 51:M reserved; 62:52 ignored in 4-level paging */
	put8(T0, idx(la, 39), T1 | (1ull << 58) | P | RW);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x3fff0000123ull);
	put8(T3, idx(la, 12), 0x3fff0000000ull | (1ull << 50) | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
	pg.maxphyaddr = 52;
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x403fff0000123ull);
}

static void test_long_not_present_each_level(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x00007f8040203123ull;
	const uint64_t t[4] = { T0, T1, T2, T3 };
	const unsigned int sh[4] = { 39, 30, 21, 12 };

	for (unsigned int level = 0; level < 4; level++) {
		map4k(la, 0x5000, P | RW | US, P | RW | US);
		fake_put(&fk, t[level] + idx(la, sh[level]) * 8, 8,
			 fake_get(&fk, t[level] + idx(la, sh[level]) * 8, 8) & ~P);
		pg.cpl = 0;
		expect_fault(&pg, la, EMUL_ACCESS_READ, 0);
		expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_W);
		expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_ID);
		pg.cpl = 3;
		expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_W | EMUL_PF_U);
		/* reserved bits are not checked in a non-present entry */
		fake_put(&fk, t[level] + idx(la, sh[level]) * 8, 8,
			 (1ull << 51) | XD | PS);
		expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_U);
	}
}

static void test_rw_and_wp(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;

	/* read-only in the PDE only: the walk's rights are the AND */
	map4k(la, 0x5000, P | RW | US, P | RW | US);
	put8(T2, idx(la, 21), T3 | P | US);
	pg.cr0 &= ~CR0_WP;
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	pg.cr0 |= CR0_WP;
	expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_P | EMUL_PF_W);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	/* user writes never ignore R/W */
	pg.cpl = 3;
	pg.cr0 &= ~CR0_WP;
	expect_fault(&pg, la, EMUL_ACCESS_WRITE,
		     EMUL_PF_P | EMUL_PF_W | EMUL_PF_U);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	put8(T2, idx(la, 21), T3 | P | RW | US);
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
}

static void test_user_supervisor(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;

	/* supervisor in the PTE only */
	map4k(la, 0x5000, P | RW | US, P | RW);
	pg.cpl = 3;
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_U);
	expect_fault(&pg, la, EMUL_ACCESS_WRITE,
		     EMUL_PF_P | EMUL_PF_W | EMUL_PF_U);
	expect_fault(&pg, la, EMUL_ACCESS_FETCH,
		     EMUL_PF_P | EMUL_PF_U | EMUL_PF_ID);
	/* supervisor in the PML4E only */
	map4k(la, 0x5000, P | RW | US, P | RW | US);
	put8(T0, idx(la, 39), T1 | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_U);
	/* CPL 0-2 read a user page (no SMAP) */
	put8(T0, idx(la, 39), T1 | P | RW | US);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	for (uint8_t cpl = 0; cpl < 3; cpl++) {
		pg.cpl = cpl;
		expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	}
}

static void test_nx(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;

	/* XD in the PDPTE only: the walk's XD is the OR */
	map4k(la, 0x5000, P | RW | US, P | RW | US);
	put8(T1, idx(la, 30), T2 | XD | P | RW | US);
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_P | EMUL_PF_ID);
	pg.cpl = 3;
	expect_fault(&pg, la, EMUL_ACCESS_FETCH,
		     EMUL_PF_P | EMUL_PF_U | EMUL_PF_ID);
	/* XD without EFER.NXE is a reserved bit */
	pg.efer &= ~EMUL_EFER_NXE;
	expect_fault(&pg, la, EMUL_ACCESS_READ,
		     EMUL_PF_P | EMUL_PF_U | EMUL_PF_RSVD);
	/* and a fetch fault without NXE or SMEP has no I/D */
	expect_fault(&pg, la, EMUL_ACCESS_FETCH,
		     EMUL_PF_P | EMUL_PF_U | EMUL_PF_RSVD);
	put8(T1, idx(la, 30), T2 | P | RW | US);
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0x5000);
}

static void test_smep(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;

	map4k(la, 0x5000, P | RW | US, P | RW | US);
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0x5000);
	pg.cr4 |= EMUL_CR4_SMEP;
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_P | EMUL_PF_ID);
	/* data accesses and user fetches are not SMEP's business */
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	pg.cpl = 3;
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0x5000);
	/* a supervisor page: supervisor fetches allowed */
	pg.cpl = 0;
	put8(T3, idx(la, 12), 0x5000 | P | RW);
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0x5000);
}

static void test_smap(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;

	map4k(la, 0x5000, P | RW | US, P | RW | US);
	pg.cr4 |= EMUL_CR4_SMAP;
	/* AC 0: no supervisor data access to a user page */
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P);
	expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_P | EMUL_PF_W);
	pg.cpl = 2;
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P);
	/* fetches are SMEP's, not SMAP's */
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0x5000);
	/* AC 1: explicit accesses allowed */
	pg.rflags = EMUL_FLAG_AC;
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	/* ... as without SMAP: a read-only user page with WP */
	put8(T3, idx(la, 12), 0x5000 | P | US);
	expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_P | EMUL_PF_W);
	pg.cr0 &= ~CR0_WP;
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	/* user mode is not affected, AC or not */
	pg.cpl = 3;
	pg.rflags = 0;
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	/* a supervisor page is not affected */
	pg.cpl = 0;
	put8(T3, idx(la, 12), 0x5000 | P | RW);
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
}

static void test_id_flag_32bit(void **state)
{
	struct emul_paging pg = {
		.cr0 = CR0_PG, .cr3 = T0, .efer = EMUL_EFER_NXE,
	};
	uint64_t la = 0x00801000;

	/* not present; 32-bit paging: NXE does not give I/D, SMEP does */
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, 0);
	pg.cr4 = EMUL_CR4_SMEP;
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_ID);
	/* SMEP and SMAP in 32-bit paging */
	fake_put(&fk, T0 + 2 * 4, 4, T1 | P | RW | US);
	fake_put(&fk, T1 + 1 * 4, 4, 0x6000 | P | RW | US);
	expect_fault(&pg, la, EMUL_ACCESS_FETCH, EMUL_PF_P | EMUL_PF_ID);
	pg.cr4 = EMUL_CR4_SMAP;
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P);
	expect_gpa(&pg, la, EMUL_ACCESS_FETCH, 0x6000);
}

static void test_la57(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x00f1000000401000ull;	/* PML5E 0xf1 */
	struct emul_walk w;

	pg.cr4 |= EMUL_CR4_LA57;
	put8(T4, idx(la, 48), T0 | P | RW);
	pg.cr3 = T4;
	map4k(la, 0x7000, P | RW, P | RW);
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_READ, &w), EMUL_WALK_OK);
	assert_int_equal(w.gpa, 0x7000);
	assert_int_equal(w.levels, 5);
	/* PS in a PML5E is reserved */
	put8(T4, idx(la, 48), T0 | PS | P | RW);
	expect_fault(&pg, la, EMUL_ACCESS_READ, EMUL_PF_P | EMUL_PF_RSVD);
}

static void test_accessed_dirty(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;
	struct emul_walk w;

	map4k(la, 0x5000, P | RW, P | RW);
	/* without compare-exchange nothing is written */
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	assert_int_equal(fake_get(&fk, T3 + idx(la, 12) * 8, 8), 0x5000 | P | RW);
	mem.cmpxchg_gpa = ops.cmpxchg_gpa;
	/* a read: A on all four, no D */
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	assert_int_equal(fake_get(&fk, T0 + idx(la, 39) * 8, 8), T1 | P | RW | A);
	assert_int_equal(fake_get(&fk, T1 + idx(la, 30) * 8, 8), T2 | P | RW | A);
	assert_int_equal(fake_get(&fk, T2 + idx(la, 21) * 8, 8), T3 | P | RW | A);
	assert_int_equal(fake_get(&fk, T3 + idx(la, 12) * 8, 8),
			 0x5000 | P | RW | A);
	/* a write: D on the leaf only */
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	assert_int_equal(fake_get(&fk, T2 + idx(la, 21) * 8, 8), T3 | P | RW | A);
	assert_int_equal(fake_get(&fk, T3 + idx(la, 12) * 8, 8),
			 0x5000 | P | RW | A | D);
	/* nothing left to set: no compare-exchange */
	fk.cmpxchg_calls = 0;
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x5000);
	assert_int_equal(fk.cmpxchg_calls, 0);
	/* a 2-MiB leaf gets D */
	put8(T2, idx(la, 21), 0x600000 | PS | P | RW);
	expect_gpa(&pg, la, EMUL_ACCESS_WRITE, 0x601000);
	assert_int_equal(fake_get(&fk, T2 + idx(la, 21) * 8, 8),
			 0x600000 | PS | P | RW | A | D);
	/* a faulting access sets nothing */
	put8(T2, idx(la, 21), 0x600000 | PS | P);
	expect_fault(&pg, la, EMUL_ACCESS_WRITE, EMUL_PF_P | EMUL_PF_W);
	assert_int_equal(fake_get(&fk, T2 + idx(la, 21) * 8, 8),
			 0x600000 | PS | P);
	/* 32-bit paging: 4-byte entries */
	pg = (struct emul_paging){ .cr0 = CR0_PG, .cr3 = T0 };
	fake_put(&fk, T0 + 2 * 4, 4, T1 | P | RW);
	fake_put(&fk, T1 + 1 * 4, 4, 0x6000 | P | RW);
	assert_int_equal(walk(&pg, 0x801000, EMUL_ACCESS_WRITE, &w),
			 EMUL_WALK_OK);
	assert_int_equal(fake_get(&fk, T0 + 2 * 4, 4), T1 | P | RW | A);
	assert_int_equal(fake_get(&fk, T1 + 1 * 4, 4), 0x6000 | P | RW | A | D);
}

static void test_accessed_race(void **state)
{
	struct emul_paging pg = lm();
	uint64_t la = 0x401000;
	struct emul_walk w;

	mem.cmpxchg_gpa = ops.cmpxchg_gpa;
	map4k(la, 0x5000, P | RW, P | RW);
	/* another vCPU changes entries twice: walked again, then done */
	fk.cmpxchg_lose = 2;
	expect_gpa(&pg, la, EMUL_ACCESS_READ, 0x5000);
	assert_int_equal(fake_get(&fk, T3 + idx(la, 12) * 8, 8),
			 0x5000 | P | RW | A);
	/* it never stops: EMUL_WALK_RETRY after EMUL_WALK_TRIES walks */
	fk.cmpxchg_lose = 1000;
	fk.cmpxchg_calls = 0;
	assert_int_equal(walk(&pg, la, EMUL_ACCESS_WRITE, &w), EMUL_WALK_RETRY);
	assert_int_equal(fk.cmpxchg_calls, EMUL_WALK_TRIES);
}

static void test_table_outside_ram(void **state)
{
	struct emul_paging pg = lm();
	struct emul_walk w;

	pg.cr3 = 0x80000000ull;
	assert_int_equal(walk(&pg, 0x1000, EMUL_ACCESS_READ, &w), FAKE_ERROR);
	/* a PTE pointing outside RAM is fine: that is the caller's access */
	map4k(0x1000, 0x80000000ull, P | RW, P | RW);
	pg.cr3 = T0;
	expect_gpa(&pg, 0x1234, EMUL_ACCESS_READ, 0x80000234ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_4m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_ps_needs_pse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_nx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_4k_2m_1g, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_not_present_each_level,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rw_and_wp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_supervisor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_flag_32bit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_la57, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accessed_dirty, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_accessed_race, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_table_outside_ram, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
