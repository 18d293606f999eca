// SPDX-License-Identifier: MIT
/* Polled 16550 driver for the hypervisor console (PC16550D data sheet). */
#include <arch/x86.h>
#include <drivers/uart.h>

#define UART_THR 0	/* transmit holding (write), receive buffer (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_DLL 0	/* with LCR.DLAB */
#define UART_DLM 1

#define LCR_8N1  0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define UART_CLOCK_DIVISOR_BASE 115200
#define UART_TX_SPIN_LIMIT 100000

static uint16_t uart_port;

bool uart_init(uint16_t port, uint32_t baud)
{
	uint16_t divisor = UART_CLOCK_DIVISOR_BASE / (baud ? baud : UART_DEFAULT_BAUD);

	/* The scratch register tells whether anything is there at all. */
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, divisor & 0xff);
	outb(port + UART_DLM, divisor >> 8);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
	uart_port = port;
	return true;
}

void uart_putc(char c)
{
	if (!uart_port)
		return;
	/* Bounded: a stuck UART must not hang the hypervisor. */
	for (int i = 0; i < UART_TX_SPIN_LIMIT; i++) {
		if (inb(uart_port + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(uart_port + UART_THR, (uint8_t)c);
}

void uart_write(const char *s, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

int uart_getc(void)
{
	if (!uart_port || !(inb(uart_port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(uart_port + UART_THR);
}
