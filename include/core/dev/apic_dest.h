/* SPDX-License-Identifier: MIT */
/*
 * Which local APICs an interrupt message reaches (SDM 10.6.2, 10.12.10):
 * pure C over a view of each target, shared by the local APIC's IPIs
 * (core/dev/vlapic.c) and the I/O APIC's messages (core/dev/vioapic.c),
 * with host unit tests (tests/unit/test_vioapic.c).
 */
#ifndef KEEL_CORE_DEV_APIC_DEST_H
#define KEEL_CORE_DEV_APIC_DEST_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_DEST_XAPIC_BROADCAST  0xffu	/* SDM 10.6.2.1 */
#define APIC_DEST_X2APIC_BROADCAST 0xffffffffu	/* SDM 10.12.9 */

/* What a message's destination is compared with, per target. */
struct apic_dest_view {
	uint32_t id;		/* the APIC ID: Keel's is the vCPU index */
	uint32_t ldr, dfr;	/* the xAPIC logical ID and model registers */
	bool x2apic;		/* the target is in x2APIC mode */
	bool present;		/* started and its APIC enabled: it accepts */
};

/*
 * Is t a destination of dest? x2_format: a 32-bit x2APIC destination
 * (an x2APIC sender's), else the 8-bit xAPIC one (an xAPIC sender's, or
 * the I/O APIC's). Physical: the APIC ID or the broadcast ID. Logical:
 * x2APIC cluster by t's ID (10.12.10.2); in xAPIC format, t's LDR in the
 * flat or cluster model its DFR says, or, for a target in x2APIC mode,
 * its x2APIC logical ID in cluster 0 (bits 7:0 name vCPUs 0-7).
 */
bool apic_dest_match(const struct apic_dest_view *t, bool x2_format,
		     bool logical, uint32_t dest);

/*
 * The targets (bit n: t[n]) of an xAPIC-format message from the I/O
 * APIC among count present ones; lowest_priority: only the first of them
 * (Keel's choice of "lowest priority": the lowest index, deterministic).
 */
uint32_t apic_dest_route(const struct apic_dest_view *t, unsigned int count,
			 bool logical, uint32_t dest, bool lowest_priority);

#endif
