/* SPDX-License-Identifier: MIT */
/*
 * INIT and STARTUP for the vCPUs of a VM with aps_sipi (core/vm.h): the
 * glue between the local APIC that sends them (core/dev/vlapic.c), the
 * state machine (core/vcpu_init_state.h), the back-end's vcpu_reset and
 * the scheduler, where a waiting vCPU blocks. docs/guests.md "Secondary
 * vCPUs".
 */
#ifndef KEEL_CORE_VCPU_INIT_H
#define KEEL_CORE_VCPU_INIT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * For core/vcpu_init_entry.c. account: v's dormancy may have changed since
 * was (the VM's lock held); true when v was the last one awake (the VM
 * halts). wake_others: every other vCPU runs once more and sees it.
 */
bool vcpu_init_account(struct vcpu *v, bool was);
void vcpu_init_wake_others(struct vcpu *self);

/* A secondary vCPU being set up (not started): it waits for STARTUP. */
void vcpu_init_wait(struct vcpu *v);
/*
 * from sends INIT (startup false) or STARTUP vector to target, another
 * vCPU of its VM; ignored where a CPU ignores it.
 */
void vcpu_init_send(struct vcpu *from, struct vcpu *target, bool startup,
		    uint8_t vector);
/*
 * Before each entry, v loaded: acts on a pending INIT or STARTUP. False:
 * v must not enter (it blocked, waiting, or stopped with its VM).
 */
bool vcpu_init_enter(struct vcpu *v);
/* Must blocked v run (an INIT or STARTUP for it, or its VM halted)? */
bool vcpu_init_wake_pending(const struct vcpu *v);
/*
 * v ran hlt with interrupts off. True: it waits for an INIT (blocked);
 * false: not an aps_sipi VM, the caller stops v as before.
 */
bool vcpu_init_hlt(struct vcpu *v);

#endif
