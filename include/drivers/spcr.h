/* SPDX-License-Identifier: MIT */
/*
 * The ACPI Serial Port Console Redirection table (Microsoft, "Serial Port
 * Console Redirection Table", revisions 1-4): the serial port the
 * firmware uses as its console. Interface types are the serial subtypes
 * of the DBG2 specification; Keel drives the 16550-compatible ones.
 *
 * Layout (byte offsets): 36 interface type, 40 base address (ACPI Generic
 * Address Structure: space id, bit width, bit offset, access size,
 * address), 58 baud rate code, 64 PCI device id, 66 PCI vendor id, 68 PCI
 * bus, 69 device, 70 function, 71 PCI flags, 75 PCI segment; from
 * revision 3, 76 UART clock frequency; from revision 4, 80 precise baud
 * rate. The table is at least 80 bytes long.
 */
#ifndef KEEL_DRIVERS_SPCR_H
#define KEEL_DRIVERS_SPCR_H

#include <stddef.h>
#include <stdint.h>

#include <drivers/uart.h>

#define SPCR_MIN_LENGTH        80
#define SPCR_TYPE_16550        0x00	/* fully 16550-compatible */
#define SPCR_TYPE_16550_SUBSET 0x01	/* 16550 subset (DBGP revision 1) */
#define SPCR_TYPE_16550_NVIDIA 0x05
#define SPCR_TYPE_16550_GAS    0x12	/* 16550, register width in the GAS */

#define GAS_SPACE_MEMORY 0
#define GAS_SPACE_IO     1

struct spcr_info {
	uint8_t revision;
	uint8_t interface_type;
	uint8_t baud_code;	/* as in the table */
	struct uart_config uart;	/* space UART_IO or UART_MMIO */
};

/*
 * Parses an SPCR table of len bytes (len from the caller's mapping; the
 * table's own length must fit in it). Returns
 *   0              a 16550 Keel can drive, described in out->uart
 *   -KEEL_ENOENT   the table says console redirection is off (address 0)
 *   -KEEL_ENOSYS   not a 16550, or an address space other than memory or
 *                  I/O ports
 *   -KEEL_EINVAL   a malformed table
 * With an error, *why (if why is not NULL) says what is wrong, in words
 * that fit after "the ACPI SPCR table ".
 *
 * Baud rate codes 3, 4, 6, 7 mean 9600, 19200, 57600, 115200; 0 and
 * undefined codes keep the rate the firmware programmed (baud 0). A
 * non-zero precise baud rate (revision 4) takes precedence.
 */
int spcr_parse(const void *table, size_t len, struct spcr_info *out,
	       const char **why);

#endif
