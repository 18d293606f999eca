// SPDX-License-Identifier: MIT
/* The CPU start-up plan of include/arch/smp_plan.h. Pure. */
#include <arch/smp_plan.h>
#include <lib/string.h>

void smp_plan(const struct madt_info *madt, uint32_t bsp_id, bool x2apic,
	      unsigned int max_cpus, struct smp_plan *out)
{
	bool bsp_listed = false;

	memset(out, 0, sizeof(*out));
	if (max_cpus > MAX_CPUS)
		max_cpus = MAX_CPUS;
	if (!max_cpus)
		max_cpus = 1;
	for (unsigned int i = 0; i < madt->cpu_count; i++) {
		uint32_t id = madt->apic_ids[i];

		if (id == bsp_id) {
			bsp_listed = true;
			continue;
		}
		if (!x2apic && id > XAPIC_MAX_ID) {
			if (!out->need_x2apic++)
				out->first_need_x2apic = id;
			continue;
		}
		if (out->count + 1 >= max_cpus) {
			out->over_limit++;
			continue;
		}
		out->apic_ids[out->count++] = id;
	}
	/* CPUs past the parser's own table are beyond MAX_CPUS too */
	out->over_limit += madt->cpus_skipped;
	out->listed = madt->cpu_count + madt->cpus_skipped + !bsp_listed;
}
