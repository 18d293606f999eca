/* SPDX-License-Identifier: MIT */
#ifndef KEEL_ARCH_SMP_H
#define KEEL_ARCH_SMP_H

#include <stdint.h>

#include <drivers/acpi.h>

/*
 * Starts every CPU of the MADT but the boot CPU, one at a time, through
 * the trampoline page. Each runs ap_init_hook and is then parked until
 * smp_release. Returns how many CPUs are online, the boot CPU included.
 */
unsigned int smp_start_aps(const struct madt_info *madt, uint64_t trampoline_pa);

/* Lets the parked APs go on to run their guests. */
void smp_release(void);

#endif
