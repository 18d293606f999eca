/* SPDX-License-Identifier: MIT */
#ifndef KEEL_ARCH_SMP_H
#define KEEL_ARCH_SMP_H

#include <stdint.h>

#include <drivers/acpi.h>

/*
 * Starts the CPUs of the firmware's list that smp_plan picks (all but the
 * boot CPU, within MAX_CPUS and what the APIC mode can address; the
 * others are reported), one at a time, through the trampoline page. Each
 * enters root mode (init/main.c ap_main) and is then parked until
 * smp_release.
 * Returns how many CPUs are online, the boot CPU included.
 */
unsigned int smp_start_aps(const struct madt_info *madt, uint64_t trampoline_pa);

/* Lets the parked APs go on to run their guests. */
void smp_release(void);

/* An AP waits here, in root mode, for smp_release. */
void smp_wait_release(void);

#endif
