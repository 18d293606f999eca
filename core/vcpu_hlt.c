// SPDX-License-Identifier: MIT
/* How long a vCPU in hlt waits; see core/vcpu_hlt.h. */
#include <arch/tsc.h>
#include <core/dev/dev_timer.h>
#include <core/dev/vlapic.h>
#include <core/vcpu_hlt.h>
#include <core/vm.h>
#include <lib/util.h>
#include <sched/sched.h>

void vcpu_hlt_wait(struct vcpu *v)
{
	uint64_t deadline = vlapic_deadline(v), now = clock_ns();

	if (vcpu_is_timekeeper(v)) {
		uint64_t dev = vm_dev_deadline(v->vm);

		deadline = MIN(deadline, dev);
	}
	sched_vcpu_sleep(v, deadline == UINT64_MAX ? UINT64_MAX :
			 deadline > now ? deadline - now : 0, true);
}
