// SPDX-License-Identifier: MIT
/*
 * Polled 16550 driver for the hypervisor console (PC16550D data sheet),
 * at I/O ports or memory mapped with 1-, 2- or 4-byte registers.
 */
#include <arch/x86.h>
#include <drivers/uart.h>
#include <drivers/uart_regs.h>

#define UART_TX_SPIN_LIMIT 100000
#define UART_TX_FIFO       16	/* bytes the FIFO takes once THRE is set */

static struct uart_config uart;	/* space UART_NONE until uart_init */

/*
 * Received bytes, drained from the UART's FIFO whenever the driver
 * touches the UART (each transmitted byte, each poll), so that typing
 * during long output is not lost to an overrun.
 */
#define RX_RING 1024
static uint8_t rx_ring[RX_RING];
static uint32_t rx_head, rx_count;
static volatile int rx_busy;	/* a try-lock: panic output must not wait */

static uint8_t reg_read(const struct uart_config *u, unsigned int reg);

static void rx_drain(void)
{
	if (__atomic_exchange_n(&rx_busy, 1, __ATOMIC_ACQUIRE))
		return;
	while (rx_count < RX_RING &&
	       (reg_read(&uart, UART_LSR) & LSR_DATA_READY)) {
		rx_ring[(rx_head + rx_count) % RX_RING] =
			(uint8_t)reg_read(&uart, UART_THR);
		rx_count++;
	}
	__atomic_store_n(&rx_busy, 0, __ATOMIC_RELEASE);
}

static uint8_t reg_read(const struct uart_config *u, unsigned int reg)
{
	uint64_t a = u->address + (uint64_t)reg * u->reg_width;

	if (u->space == UART_IO)
		return inb((uint16_t)(u->address + reg));
	switch (u->reg_width) {
	case 4:
		return (uint8_t)*(volatile uint32_t *)a;
	case 2:
		return (uint8_t)*(volatile uint16_t *)a;
	default:
		return *(volatile uint8_t *)a;
	}
}

static void reg_write(const struct uart_config *u, unsigned int reg, uint8_t v)
{
	uint64_t a = u->address + (uint64_t)reg * u->reg_width;

	if (u->space == UART_IO) {
		outb((uint16_t)(u->address + reg), v);
		return;
	}
	switch (u->reg_width) {
	case 4:
		*(volatile uint32_t *)a = v;
		break;
	case 2:
		*(volatile uint16_t *)a = v;
		break;
	default:
		*(volatile uint8_t *)a = v;
		break;
	}
}

/* The scratch register tells whether anything is there at all. */
static bool uart_answers(const struct uart_config *u)
{
	reg_write(u, UART_SCR, SCR_PROBE_1);
	if (reg_read(u, UART_SCR) != SCR_PROBE_1)
		return false;
	reg_write(u, UART_SCR, SCR_PROBE_2);
	return reg_read(u, UART_SCR) == SCR_PROBE_2;
}

bool uart_init(const struct uart_config *c)
{
	struct uart_config u = *c;

	if (u.space != UART_IO && u.space != UART_MMIO)
		return false;
	if (u.space == UART_IO || !u.reg_width)
		u.reg_width = 1;
	if (!uart_answers(&u))
		return false;
	reg_write(&u, UART_IER, 0);
	if (u.baud) {
		uint16_t divisor = uart_divisor(u.clock_hz, u.baud);

		reg_write(&u, UART_LCR, LCR_DLAB);
		reg_write(&u, UART_DLL, divisor & 0xff);
		reg_write(&u, UART_DLM, divisor >> 8);
		reg_write(&u, UART_LCR, LCR_8N1);
	} else {
		/* keep the firmware's rate and framing; only leave DLAB */
		reg_write(&u, UART_LCR, reg_read(&u, UART_LCR) & ~LCR_DLAB);
	}
	reg_write(&u, UART_FCR, FCR_ENABLE_CLEAR);
	reg_write(&u, UART_MCR, MCR_DTR_RTS_OUT2);
	uart = u;
	return true;
}

bool uart_ready(void)
{
	return uart.space != UART_NONE;
}

void uart_putc(char c)
{
	if (uart.space == UART_NONE)
		return;
	rx_drain();
	/* Bounded: a stuck UART must not hang the hypervisor. */
	for (int i = 0; i < UART_TX_SPIN_LIMIT; i++) {
		if (reg_read(&uart, UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	reg_write(&uart, UART_THR, (uint8_t)c);
}

void uart_write(const char *s, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

size_t uart_write_ready(const char *s, size_t len)
{
	size_t n = 0;

	if (uart.space == UART_NONE)
		return len;	/* no line: nothing to wait for */
	rx_drain();
	/* THRE with FIFOs on: the transmit FIFO is empty (PC16550D, LSR bit 5) */
	if (!(reg_read(&uart, UART_LSR) & LSR_THR_EMPTY))
		return 0;
	while (n < len && n < UART_TX_FIFO)
		reg_write(&uart, UART_THR, (uint8_t)s[n++]);
	return n;
}

void uart_poll(void)
{
	if (uart.space != UART_NONE)
		rx_drain();
}

void uart_rx_interrupt(bool on)
{
	/* OUT2 (uart_init) gates the interrupt line on PC compatibles */
	if (uart.space != UART_NONE)
		reg_write(&uart, UART_IER, on ? IER_RX_DATA : 0);
}

bool uart_rx_pending(void)
{
	return __atomic_load_n(&rx_count, __ATOMIC_ACQUIRE) != 0;
}

int uart_getc(void)
{
	int c = -1;

	if (uart.space == UART_NONE)
		return -1;
	rx_drain();
	while (__atomic_exchange_n(&rx_busy, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (rx_count) {
		c = rx_ring[rx_head];
		rx_head = (rx_head + 1) % RX_RING;
		rx_count--;
	}
	__atomic_store_n(&rx_busy, 0, __ATOMIC_RELEASE);
	return c;
}
