// SPDX-License-Identifier: MIT
/* How long a vCPU in hlt or in a console sleep waits; see core/vcpu_hlt.h. */
#include <arch/tsc.h>
#include <core/dev/dev_timer.h>
#include <core/dev/vlapic.h>
#include <core/vcpu_hlt.h>
#include <core/vm.h>
#include <lib/util.h>
#include <sched/sched.h>

/* Its LAPIC timer's expiry and, for the timekeeper, the devices' next event. */
static uint64_t timer_deadline(struct vcpu *v)
{
	uint64_t deadline = vlapic_deadline(v);

	if (vcpu_is_timekeeper(v)) {
		uint64_t dev = vm_dev_deadline(v->vm);

		deadline = MIN(deadline, dev);
	}
	return deadline;
}

/* Blocks v "halted" (an interrupt or a wake-up ends it) until deadline. */
static void sleep_until(struct vcpu *v, uint64_t deadline, uint64_t now)
{
	sched_vcpu_sleep(v, deadline == UINT64_MAX ? UINT64_MAX :
			 deadline > now ? deadline - now : 0, true);
}

void vcpu_hlt_wait(struct vcpu *v)
{
	/* a plain hlt is never a console sleep */
	__atomic_store_n(&v->console_wait, false, __ATOMIC_RELEASE);
	sleep_until(v, timer_deadline(v), clock_ns());
}

void vcpu_console_wait(struct vcpu *v, uint64_t end_ns)
{
	uint64_t now = clock_ns();

	v->console_end_ns = end_ns;
	/*
	 * Before settle (sched/sched.c) looks for input under the CPU's
	 * lock (wake_pending): console_wake (core/vm_console.c) either sees
	 * the flag and wakes v, or v sees the input there and runs on.
	 */
	__atomic_store_n(&v->console_wait, true, __ATOMIC_SEQ_CST);
	sleep_until(v, MIN(end_ns, timer_deadline(v)), now);
}

bool vcpu_console_wait_goes_on(struct vcpu *v, uint64_t now)
{
	if (vlapic_pending(v) || vlapic_deadline(v) <= now ||
	    now >= v->console_end_ns || vm_console_has_input(v->vm))
		return false;
	vcpu_console_wait(v, v->console_end_ns);
	return true;
}
