// SPDX-License-Identifier: MIT
/* Interrupt message destinations; see core/dev/apic_dest.h. */
#include <core/dev/apic_dest.h>

#define DFR_MODEL_SHIFT      28
#define DFR_MODEL_FLAT       0xfu	/* SDM 10.6.2.2; 0: cluster */
#define LDR_SHIFT            24		/* xAPIC LDR: bits 31:24 */
#define CLUSTER_SHIFT        4		/* xAPIC cluster: bits 7:4 */
#define CLUSTER_MEMBERS      0xfu
#define X2APIC_CLUSTER_SHIFT 16		/* x2APIC logical: cluster 31:16 */
#define X2APIC_MEMBERS       0xffffu
#define X2APIC_MEMBER_BITS   4		/* logical ID: 1 << (ID & 15) */

/* x2APIC logical destination dest against t's logical ID (SDM 10.12.10.2). */
static bool x2apic_logical_match(uint32_t id, uint32_t dest)
{
	return (dest >> X2APIC_CLUSTER_SHIFT) == (id >> X2APIC_MEMBER_BITS) &&
	       (dest & X2APIC_MEMBERS & (1u << (id & CLUSTER_MEMBERS)));
}

bool apic_dest_match(const struct apic_dest_view *t, bool x2_format,
		     bool logical, uint32_t dest)
{
	uint32_t broadcast = x2_format ? APIC_DEST_X2APIC_BROADCAST :
					 APIC_DEST_XAPIC_BROADCAST;
	uint32_t ldr = t->ldr >> LDR_SHIFT;

	if (dest == broadcast)
		return true;
	if (!logical)
		return dest == t->id;
	if (x2_format || t->x2apic)
		return x2apic_logical_match(t->id, dest);
	if ((t->dfr >> DFR_MODEL_SHIFT) == DFR_MODEL_FLAT)
		return (ldr & dest) != 0;
	return (ldr >> CLUSTER_SHIFT) == (dest >> CLUSTER_SHIFT) &&
	       (ldr & dest & CLUSTER_MEMBERS);
}

uint32_t apic_dest_route(const struct apic_dest_view *t, unsigned int count,
			 bool logical, uint32_t dest, bool lowest_priority)
{
	uint32_t targets = 0;

	for (unsigned int i = 0; i < count && i < 32; i++) {
		if (!t[i].present || !apic_dest_match(&t[i], false, logical, dest))
			continue;
		targets |= 1u << i;
		if (lowest_priority)
			break;
	}
	return targets;
}
