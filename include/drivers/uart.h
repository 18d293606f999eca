/* SPDX-License-Identifier: MIT */
/* The physical 16550 UART the hypervisor owns (COM1 by default). */
#ifndef KEEL_DRIVERS_UART_H
#define KEEL_DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1_PORT 0x3f8
#define UART_DEFAULT_BAUD 115200

/* Programs 8N1 at baud; returns false when no UART answers at port. */
bool uart_init(uint16_t port, uint32_t baud);
void uart_putc(char c);
void uart_write(const char *s, uint64_t len);
/* Returns a received byte, or -1 when none is waiting. */
int uart_getc(void);

#endif
