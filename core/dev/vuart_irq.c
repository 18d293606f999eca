// SPDX-License-Identifier: MIT
/*
 * The 16550's interrupt identification and output (PC16550D, the
 * interrupt control table of IIR): pure C, see core/dev/vuart.h.
 */
#include <core/dev/vuart.h>

uint8_t vuart_iir(const struct vuart *u, bool rx_ready)
{
	uint8_t fifo = (u->fcr & VUART_FCR_ENABLE) ? VUART_IIR_FIFO : 0;

	/* by priority: line status (never), received data, THRE, modem (never) */
	if ((u->ier & VUART_IER_RDA) && rx_ready)
		return fifo | VUART_IIR_RDA;
	if ((u->ier & VUART_IER_THRE) && u->thre_pending)
		return fifo | VUART_IIR_THRE;
	return fifo | VUART_IIR_NONE;
}

bool vuart_irq_line(const struct vuart *u, bool rx_ready)
{
	return (u->mcr & VUART_MCR_OUT2) &&
	       !(vuart_iir(u, rx_ready) & VUART_IIR_NONE);
}

void vuart_set_ier(struct vuart *u, uint8_t value)
{
	/* the holding register is always empty: enabling THRE raises it */
	if ((value & VUART_IER_THRE) && !(u->ier & VUART_IER_THRE))
		u->thre_pending = true;
	u->ier = value & VUART_IER_MASK;
}
