/* SPDX-License-Identifier: MIT */
/*
 * Which UART is the hypervisor's console: the `console` line of keel.cfg
 * wins; without one, the port of the ACPI SPCR table; without a usable
 * SPCR table, COM1 at 115200 baud. Pure, shared by the loader (which
 * tells the operator where the console goes before it leaves the
 * firmware's screen) and the hypervisor.
 */
#ifndef KEEL_DRIVERS_SERIAL_SELECT_H
#define KEEL_DRIVERS_SERIAL_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include <core/config.h>
#include <drivers/spcr.h>
#include <drivers/uart.h>

enum serial_source {
	SERIAL_FROM_CONFIG,	/* the console line of keel.cfg */
	SERIAL_FROM_SPCR,	/* the ACPI SPCR table */
	SERIAL_FROM_DEFAULT,	/* COM1 */
};

struct serial_choice {
	struct uart_config uart;	/* space UART_NONE: no console */
	enum serial_source source;
	/* why the SPCR table was not used when it might have been, or NULL */
	const char *spcr_note;
};

/*
 * The SPCR side: spcr NULL when the firmware has no SPCR table; else
 * spcr_status and spcr_why as spcr_parse returned them.
 */
struct serial_spcr {
	const struct spcr_info *spcr;
	int status;
	const char *why;
};

/*
 * Chooses the console from cfg (NULL when keel.cfg could not be parsed:
 * then as if it had no console line) and the SPCR result. A baud= of
 * keel.cfg applies to whichever port is chosen.
 */
void serial_select(const struct config_console *cfg,
		   const struct serial_spcr *spcr, struct serial_choice *out);

/*
 * serial_select with the SPCR table found from the ACPI RSDP at rsdp_pa
 * (0: no ACPI) through acpi_find_table, so on identity-mapped memory.
 */
void serial_select_acpi(uint64_t rsdp_pa, const struct config_console *cfg,
			struct serial_choice *out);

/*
 * Describes the choice in words, e.g. "16550 at I/O port 0x3f8 (COM1),
 * 115200 baud (default; no ACPI SPCR table)"; returns what snprintf
 * returns.
 */
int serial_describe(const struct serial_choice *c, char *buf, size_t size);

#endif
