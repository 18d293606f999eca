/* SPDX-License-Identifier: MIT */
/*
 * The 16550's registers and the bits Keel uses (PC16550D data sheet):
 * register numbers, multiplied by the register width for MMIO UARTs.
 * Shared by the hypervisor's driver (drivers/uart16550.c) and the loader,
 * which probes the port the hypervisor will use (boot/serial_report.c).
 */
#ifndef KEEL_DRIVERS_UART_REGS_H
#define KEEL_DRIVERS_UART_REGS_H

#define UART_THR 0	/* transmit holding (write), receive buffer (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7	/* scratch: keeps a value only where a 16550 is */
#define UART_DLL 0	/* with LCR.DLAB */
#define UART_DLM 1

#define LCR_8N1  0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define IER_RX_DATA      0x01	/* received data available (PC16550D IER bit 0) */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define SCR_PROBE_1 0x5a	/* two values a scratch register must keep */
#define SCR_PROBE_2 0xa5

#endif
