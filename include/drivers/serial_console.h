/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's serial console on real machines: chosen from keel.cfg
 * and the ACPI SPCR table (drivers/serial_select.h), brought up as soon
 * as it can be reached. Log lines written before that are kept and
 * printed once it is up (base/log.h).
 */
#ifndef KEEL_DRIVERS_SERIAL_CONSOLE_H
#define KEEL_DRIVERS_SERIAL_CONSOLE_H

#include <core/config.h>
#include <keel/boot_info.h>

/*
 * Chooses the console (cfg NULL: keel.cfg did not parse) and brings up
 * an I/O-port UART at once. Runs on the loader's page tables.
 */
void serial_console_early(const struct boot_info *bi,
			  const struct config_console *cfg);

/*
 * After hv_map_init: brings up an MMIO or PCI UART (mapped uncached).
 * When the chosen UART does not answer, falls back to COM1 and says why.
 */
void serial_console_late(void);

/*
 * For panic: makes sure some UART is up (the chosen one if it is an
 * I/O port, else COM1) and prints the lines kept so far. No locks.
 */
void serial_console_panic(void);

#endif
