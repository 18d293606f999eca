/* SPDX-License-Identifier: MIT */
/*
 * The virtual 16550 every VM sees at COM1 (ports 0x3f8-0x3ff). Transmit
 * goes to the VM's console at once (the holding register is always
 * empty again); receive takes what the management VM queued
 * (KEEL_HC_CONSOLE_INPUT), or, for the VM that owns the console, what is
 * typed on the serial line.
 *
 * Interrupts (PC16550D): IER enables received data available and
 * transmitter holding register empty (line status and modem status never
 * have a cause: no errors, no modem changes); IIR reports the highest
 * pending one (bits 7:6 set while FCR enables the FIFOs); the output is
 * IRQ 4, GSI 4, a level held while an enabled cause is pending and
 * MCR.OUT2 is set, as on a PC. A guest that leaves IER at 0 polls the
 * line status register as before.
 */
#ifndef KEEL_DRIVERS_VUART_H
#define KEEL_DRIVERS_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/dev/io_bus.h>
#include <lib/spinlock.h>

#define VUART_BASE  0x3f8
#define VUART_PORTS 8

#define VUART_IER_RDA    0x01	/* received data available */
#define VUART_IER_THRE   0x02	/* transmitter holding register empty */
#define VUART_IER_MASK   0x0f
#define VUART_IIR_NONE   0x01	/* bit 0 clear: an interrupt is pending */
#define VUART_IIR_THRE   0x02
#define VUART_IIR_RDA    0x04
#define VUART_IIR_FIFO   0xc0	/* FIFOs enabled */
#define VUART_FCR_ENABLE 0x01
#define VUART_MCR_OUT2   0x08
#define VUART_MCR_MASK   0x1f

struct vuart {
	struct spinlock lock;	/* the registers, the interrupt state */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	/*
	 * The THR-empty cause: set when the holding register empties (after
	 * each write, transmission being instant) and when IER enables it;
	 * cleared by a THR write or an IIR read that reports it.
	 */
	bool thre_pending;
	bool line;		/* the level GSI 4 has from it */
};

/* ------------------------------ the pure interrupt logic (vuart_irq.c) */

/* IIR as the guest reads it; rx_ready: a byte is waiting. */
uint8_t vuart_iir(const struct vuart *u, bool rx_ready);
/* The level of the interrupt output (OUT2 gates it). */
bool vuart_irq_line(const struct vuart *u, bool rx_ready);
/* IER written: a THRE cause when the write enables it (16550 behaviour). */
void vuart_set_ier(struct vuart *u, uint8_t value);

/* ------------------------------------------------ the device (vuart.c) */

struct vm;

static inline bool vuart_claims(uint16_t port)
{
	return port >= VUART_BASE && port < VUART_BASE + VUART_PORTS;
}

void vuart_init(struct vuart *u);
uint8_t vuart_read(struct vm *vm, uint16_t port);
/* On the VM's port bus at VUART_BASE, VUART_PORTS long; dev is the VM. */
extern const struct io_bus_ops vuart_bus_ops;
void vuart_write(struct vm *vm, uint16_t port, uint8_t value);
/*
 * Input for the VM's COM1 (KEEL_HC_CONSOLE_INPUT): queued
 * (vm_console_input), then the RDA interrupt if the guest enabled it.
 * How many bytes fitted. Any CPU, with no VM or device lock held.
 */
size_t vuart_receive(struct vm *vm, const uint8_t *bytes, size_t len);
/*
 * The scheduler's poll, on CPU 0: the console owner's typing waits in
 * the physical UART until its COM1 is read; if that guest takes receive
 * interrupts, pull it now and raise the line.
 */
void vuart_poll_console_owner(void);

#endif
