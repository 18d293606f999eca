// SPDX-License-Identifier: MIT
/*
 * The 16550's interrupt identification and output (core/dev/vuart_irq.c):
 * IIR's priority (received data over THRE), its FIFO bits, the THRE
 * cause raised by enabling it, and OUT2 gating the line.
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <core/dev/vuart.h>

static void test_polled_default(void **state)
{
	struct vuart u;

	memset(&u, 0, sizeof(u));
	assert_int_equal(vuart_iir(&u, true), VUART_IIR_NONE);
	assert_false(vuart_irq_line(&u, true));
	u.fcr = VUART_FCR_ENABLE;
	assert_int_equal(vuart_iir(&u, false), 0xc1);
	/* OUT2 alone raises nothing */
	u.mcr = VUART_MCR_OUT2;
	assert_false(vuart_irq_line(&u, true));
}

static void test_priority_and_gate(void **state)
{
	struct vuart u;

	memset(&u, 0, sizeof(u));
	vuart_set_ier(&u, VUART_IER_THRE);
	assert_true(u.thre_pending);
	assert_int_equal(vuart_iir(&u, false), VUART_IIR_THRE);
	/* gated by OUT2 */
	assert_false(vuart_irq_line(&u, false));
	u.mcr = VUART_MCR_OUT2;
	assert_true(vuart_irq_line(&u, false));
	/* received data wins; without RDA enabled it does not count */
	assert_int_equal(vuart_iir(&u, true), VUART_IIR_THRE);
	vuart_set_ier(&u, VUART_IER_THRE | VUART_IER_RDA);
	assert_int_equal(vuart_iir(&u, true), VUART_IIR_RDA);
	u.fcr = VUART_FCR_ENABLE;
	assert_int_equal(vuart_iir(&u, true), 0xc0 | VUART_IIR_RDA);
	/* the THRE cause cleared (IIR read or THR write): line follows RDA */
	u.thre_pending = false;
	assert_false(vuart_irq_line(&u, false));
	assert_true(vuart_irq_line(&u, true));
	/* enabling THRE again while enabled raises nothing new */
	vuart_set_ier(&u, VUART_IER_THRE | VUART_IER_RDA);
	assert_false(u.thre_pending);
	/* off, on: raised again; IER keeps 4 bits */
	vuart_set_ier(&u, 0xf0);
	assert_int_equal(u.ier, 0);
	vuart_set_ier(&u, VUART_IER_THRE);
	assert_true(u.thre_pending);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_polled_default),
		cmocka_unit_test(test_priority_and_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
