/* SPDX-License-Identifier: MIT */
/*
 * The virtual 16550 every VM sees at COM1 (ports 0x3f8-0x3ff). Transmit
 * goes to the VM's console; receive takes what the management VM queued
 * (KEEL_HC_CONSOLE_INPUT), or, for the VM that owns the console, what is
 * typed on the serial line. No interrupts: guests poll the line status
 * register.
 */
#ifndef KEEL_DRIVERS_VUART_H
#define KEEL_DRIVERS_VUART_H

#include <stdbool.h>
#include <stdint.h>

#include <core/dev/io_bus.h>

#define VUART_BASE  0x3f8
#define VUART_PORTS 8

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
};

struct vm;

static inline bool vuart_claims(uint16_t port)
{
	return port >= VUART_BASE && port < VUART_BASE + VUART_PORTS;
}

uint8_t vuart_read(struct vm *vm, uint16_t port);
/* On the VM's port bus at VUART_BASE, VUART_PORTS long; dev is the VM. */
extern const struct io_bus_ops vuart_bus_ops;
void vuart_write(struct vm *vm, uint16_t port, uint8_t value);

#endif
