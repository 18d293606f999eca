// SPDX-License-Identifier: MIT
/* core/cr_decode.c: a table of encodings and what they decode to. */
#include "test_util.h"

#include <core/cr_decode.h>

struct row {
	uint8_t bytes[8];
	uint8_t n;
	bool long64;
	bool ok;
	enum cr_insn_kind kind;
	uint8_t cr, gpr, len;
};

static const struct row rows[] = {
	/* mov %eax,%cr0 */
	{ { 0x0f, 0x22, 0xc0 }, 3, false, true, CR_INSN_MOV_TO, 0, 0, 3 },
	/* mov %ebx,%cr4 */
	{ { 0x0f, 0x22, 0xe3 }, 3, false, true, CR_INSN_MOV_TO, 4, 3, 3 },
	/* mov %cr3,%edx */
	{ { 0x0f, 0x20, 0xda }, 3, false, true, CR_INSN_MOV_FROM, 3, 2, 3 },
	/* mov %r9,%cr0 (REX.B) */
	{ { 0x41, 0x0f, 0x22, 0xc1 }, 4, true, true, CR_INSN_MOV_TO, 0, 9, 4 },
	/* mov %rax,%cr8 (REX.R) */
	{ { 0x44, 0x0f, 0x22, 0xc0 }, 4, true, true, CR_INSN_MOV_TO, 8, 0, 4 },
	/* outside 64-bit mode 0x41 is INC ECX, not REX */
	{ { 0x41, 0x0f, 0x22, 0xc1 }, 4, false, false, CR_INSN_MOV_TO, 0, 0, 0 },
	/* lock mov %eax,%cr0 is CR8 on AMD */
	{ { 0xf0, 0x0f, 0x22, 0xc0 }, 4, false, true, CR_INSN_MOV_TO, 8, 0, 4 },
	/* 66-prefixed, segment-prefixed: still MOV CR */
	{ { 0x66, 0x2e, 0x0f, 0x22, 0xc0 }, 5, false, true, CR_INSN_MOV_TO, 0, 0, 5 },
	/* clts */
	{ { 0x0f, 0x06 }, 2, false, true, CR_INSN_CLTS, 0, 0, 2 },
	/* lmsw %ax */
	{ { 0x0f, 0x01, 0xf0 }, 3, false, true, CR_INSN_LMSW, 6, 0, 3 },
	/* lmsw (%eax): a memory operand, recognised only (no length) */
	{ { 0x0f, 0x01, 0x30 }, 3, false, true, CR_INSN_LMSW, 0, 0, 0 },
	/* lgdt (0F 01 /2): not a CR instruction */
	{ { 0x0f, 0x01, 0xd0 }, 3, false, false, CR_INSN_LMSW, 0, 0, 0 },
	/* cut short */
	{ { 0x0f, 0x22 }, 2, false, false, CR_INSN_MOV_TO, 0, 0, 0 },
	{ { 0x0f }, 1, false, false, CR_INSN_MOV_TO, 0, 0, 0 },
	/* nop */
	{ { 0x90 }, 1, false, false, CR_INSN_MOV_TO, 0, 0, 0 },
};

static void test_table(void **state)
{
	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		struct cr_insn in = { 0 };
		bool ok = cr_decode(r->bytes, r->n, r->long64, &in);

		if (ok != r->ok)
			fail_msg("row %u: decoded %d, want %d", i, ok, r->ok);
		if (!ok)
			continue;
		assert_int_equal(in.kind, r->kind);
		assert_int_equal(in.len, r->len);
		/* only LMSW's memory form has no length */
		assert_int_equal(in.mem, r->kind == CR_INSN_LMSW && !r->len);
		if (r->kind == CR_INSN_MOV_TO || r->kind == CR_INSN_MOV_FROM) {
			assert_int_equal(in.cr, r->cr);
			assert_int_equal(in.gpr, r->gpr);
		}
	}
}

/* Only prefixes: never reads past the 15 bytes or the buffer. */
static void test_prefixes_only(void **state)
{
	uint8_t b[20];
	struct cr_insn in;

	for (unsigned int i = 0; i < sizeof(b); i++)
		b[i] = 0x66;
	assert_false(cr_decode(b, sizeof(b), true, &in));
	assert_false(cr_decode(b, 0, false, &in));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_prefixes_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
