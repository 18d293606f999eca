/* SPDX-License-Identifier: MIT */
/*
 * Which CPUs of the firmware's list the boot CPU starts, and why the
 * others stay off: more CPUs than Keel supports (MAX_CPUS), or APIC ids
 * that xAPIC mode cannot address (above 254; SDM 10.6.1: 0xff is the
 * broadcast destination) when the firmware left x2APIC off. Pure.
 */
#ifndef KEEL_ARCH_SMP_PLAN_H
#define KEEL_ARCH_SMP_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/cpu.h>
#include <drivers/acpi.h>

#define XAPIC_MAX_ID 254

struct smp_plan {
	unsigned int count;		/* APs to start, in firmware order */
	uint32_t apic_ids[MAX_CPUS - 1];
	unsigned int listed;		/* CPUs the firmware lists, all of them */
	unsigned int over_limit;	/* left off: beyond MAX_CPUS */
	unsigned int need_x2apic;	/* left off: id above XAPIC_MAX_ID */
	uint32_t first_need_x2apic;	/* the first such id, for the message */
};

/*
 * madt: the firmware's CPU list (the boot CPU among them or not);
 * bsp_id: the boot CPU's APIC id; x2apic: whether x2APIC mode is on;
 * max_cpus: at most this many CPUs run, the boot CPU included (at most
 * MAX_CPUS).
 */
void smp_plan(const struct madt_info *madt, uint32_t bsp_id, bool x2apic,
	      unsigned int max_cpus, struct smp_plan *out);

#endif
