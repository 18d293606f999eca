/* SPDX-License-Identifier: MIT */
/*
 * The VMX-preemption timer value for a deadline: pure arithmetic, so the
 * host unit tests (tests/unit/test_vmx_timer.c) check it.
 *
 * The timer counts down by one each time bit `shift` of the TSC changes
 * (SDM 26.5.1, IA32_VMX_MISC[4:0]) and exits the guest when it reaches 0.
 * The first change can come one TSC tick after the entry, so a value of n
 * exits somewhere between (n - 1) << shift and n << shift ticks later. To
 * never exit before the deadline, n must be at least the distance in
 * periods rounded up, plus one for that first partial period; the
 * distance rounded down plus two is that or one more, and costs two
 * instructions on every entry. It is clamped to what the 32-bit field
 * holds (a deadline too far away then exits early, and the run loop
 * simply enters again). A deadline already passed gives 0: exit before
 * the first guest instruction.
 */
#ifndef KEEL_ARCH_X86_VMX_TIMER_H
#define KEEL_ARCH_X86_VMX_TIMER_H

#include <stdint.h>

#define VMX_PREEMPTION_TIMER_MAX 0xffffffffull

static inline uint32_t vmx_preemption_timer_value(uint64_t now_tsc,
						  uint64_t deadline_tsc,
						  unsigned int shift)
{
	uint64_t periods;

	if (deadline_tsc <= now_tsc)
		return 0;
	periods = (deadline_tsc - now_tsc) >> shift;
	return periods >= VMX_PREEMPTION_TIMER_MAX - 2 ?
	       (uint32_t)VMX_PREEMPTION_TIMER_MAX : (uint32_t)(periods + 2);
}

#endif
