/* SPDX-License-Identifier: MIT */
/*
 * The physical 16550 UART the hypervisor owns: at I/O ports (COM1-COM4,
 * PCI cards with an I/O BAR) or memory mapped (PCI cards with a memory
 * BAR, SoC UARTs), with 1-, 2- or 4-byte registers. Which one is chosen
 * in drivers/serial_select.h.
 */
#ifndef KEEL_DRIVERS_UART_H
#define KEEL_DRIVERS_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1_PORT    0x3f8
#define UART_COM2_PORT    0x2f8
#define UART_COM3_PORT    0x3e8
#define UART_COM4_PORT    0x2e8
#define UART_DEFAULT_BAUD 115200
#define UART_CLOCK_HZ     1843200	/* the PC's 1.8432 MHz crystal */
#define UART_REG_COUNT    8		/* registers of a 16550 */
#define UART_PCI_NONE     0xffff	/* vendor/device: not a PCI UART */

enum uart_space {
	UART_NONE,	/* no console */
	UART_IO,	/* address is an I/O port */
	UART_MMIO,	/* address is a physical address */
	UART_PCI_BAR,	/* address comes from BAR 0 of the PCI function */
};

struct uart_pci {
	bool present;			/* the UART is a PCI function */
	uint16_t segment;		/* only segment 0 is reachable */
	uint8_t bus, dev, func;
	uint16_t vendor, device;	/* UART_PCI_NONE: not known */
};

struct uart_config {
	enum uart_space space;
	uint64_t address;
	uint8_t reg_width;	/* MMIO: bytes per register and between
				   registers: 1, 2 or 4; I/O: always 1 */
	uint32_t baud;		/* 0: keep what the firmware programmed */
	uint32_t clock_hz;	/* 0: UART_CLOCK_HZ */
	struct uart_pci pci;
};

/*
 * Programs the UART (8N1 at c->baud, FIFOs on, interrupts off) and makes
 * it the console. An MMIO UART must already be mapped uncached. Returns
 * false, leaving the previous console in place, when nothing answers at
 * the address (the scratch register does not keep a value).
 */
bool uart_init(const struct uart_config *c);
/* Whether a console UART is up. */
bool uart_ready(void);
/* These wait (bounded) for the transmitter: boot, panic, the shell. */
void uart_putc(char c);
void uart_write(const char *s, uint64_t len);
/*
 * Writes the first bytes of s as they are (no LF to CRLF), only as many
 * as the transmitter takes now without waiting: up to its FIFO's 16 when
 * it is empty, else none. Returns how many; len when there is no UART.
 */
size_t uart_write_ready(const char *s, size_t len);
/* Returns a received byte, or -1 when none is waiting. */
int uart_getc(void);
/* Moves received bytes from the UART's FIFO into the driver's buffer. */
void uart_poll(void);
/*
 * Turns the receive interrupt (IER bit 0) on or off: on, the UART raises
 * its line while received bytes wait; uart_poll in the handler takes them.
 */
void uart_rx_interrupt(bool on);
/* Whether received bytes wait in the driver's ring (a lock-free hint). */
bool uart_rx_pending(void);

/*
 * The divisor latch value for baud from an input clock of clock_hz (0:
 * UART_CLOCK_HZ), rounded to the nearest rate and kept in 1..65535
 * (PC16550D data sheet, "Programmable Baud Generator": divisor = clock /
 * (16 * baud)).
 */
static inline uint16_t uart_divisor(uint32_t clock_hz, uint32_t baud)
{
	uint64_t clock = clock_hz ? clock_hz : UART_CLOCK_HZ;
	uint64_t d;

	if (!baud)
		return 1;
	d = (clock + 8ULL * baud) / (16ULL * baud);
	return d < 1 ? 1 : d > 0xffff ? 0xffff : (uint16_t)d;
}

#endif
