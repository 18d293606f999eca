// SPDX-License-Identifier: MIT
/*
 * What a guest's fatal exit report adds to the vendor's register dump:
 * whether the guest's own page tables, read from its memory now, map the
 * instruction it stopped at. A triple fault whose #PF the tables do not
 * explain points away from the guest.
 */
#include <arch/vendor.h>
#include <base/log.h>
#include <core/emul/emul.h>
#include <core/emul/page_walk.h>
#include <core/emulate.h>
#include <core/fault_report.h>
#include <core/vm.h>

void fault_report_fetch(struct vcpu *v)
{
	uint64_t cr3 = vendor->get_cr3(v), la;
	struct emul_walk w;
	int rc;

	if (!(vendor->get_cr0(v) & EMUL_CR0_PG))
		return;		/* no page tables to blame */
	rc = emulate_walk_rip(v, &la, &w);
	if (rc == EMUL_WALK_OK)
		log_info("  its page tables (cr3 %#lx) map rip %#lx to guest-physical %#lx now",
			 cr3, la, w.gpa);
	else if (rc == EMUL_WALK_FAULT)
		log_info("  its page tables (cr3 %#lx) do not map rip %#lx for a fetch: #PF error %#x",
			 cr3, la, w.error_code);
	else
		log_info("  its page tables (cr3 %#lx) are not in its memory", cr3);
}
