/* SPDX-License-Identifier: MIT */
/*
 * The INIT / STARTUP state machine of one vCPU (SDM 8.4.3 and 10.6.1):
 * pure, host-unit-tested (tests/unit/test_vcpu_init.c). core/vcpu_init.c
 * calls it under the VM's lock: the senders post, the vCPU's own CPU takes
 * the next step before each entry.
 *
 *   RUNNING    --INIT-->          (reset) WAIT_SIPI
 *   HALTED     --INIT-->          (reset) WAIT_SIPI
 *   WAIT_SIPI  --STARTUP V-->     RUNNING at V << 12, real mode
 *   RUNNING/HALTED --STARTUP-->   ignored, as on a CPU
 *   RUNNING    --cli;hlt-->       HALTED (only an INIT ends it)
 *
 * An INIT drops a STARTUP still pending from before it; of two STARTUPs
 * before the vCPU looks, the first counts (INIT-SIPI-SIPI, SDM 8.4.4.1).
 */
#ifndef KEEL_CORE_VCPU_INIT_STATE_H
#define KEEL_CORE_VCPU_INIT_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu_entry_state;

enum vcpu_init_mode {
	VCPU_INIT_RUNNING = 0,
	VCPU_INIT_HALTED,	/* hlt with interrupts off: waits for INIT */
	VCPU_INIT_WAIT_SIPI,	/* after INIT: waits for a STARTUP */
};

struct vcpu_init {
	uint8_t mode;		/* enum vcpu_init_mode */
	bool init_pending;
	bool sipi_pending;
	uint8_t sipi_vector;
};

/* What the vCPU's CPU does next (vcpu_init_next). */
enum vcpu_init_action {
	VCPU_INIT_RUN,		/* enter the guest as it is */
	VCPU_INIT_DO_RESET,	/* INIT: reset, then ask again */
	VCPU_INIT_DO_START,	/* STARTUP: real mode at the vector's page */
	VCPU_INIT_BLOCK,	/* wait (HALTED or WAIT_SIPI), nothing pending */
};

/* Sender side: an INIT. */
void vcpu_init_post_init(struct vcpu_init *s);
/* Sender side: a STARTUP; true if taken (else ignored, as on a CPU). */
bool vcpu_init_post_sipi(struct vcpu_init *s, uint8_t vector);
/*
 * Is there something for the vCPU to act on (it must not stay blocked)?
 * Inline: the run loop asks before every slow-path entry.
 */
static inline bool vcpu_init_pending(const struct vcpu_init *s)
{
	return s->init_pending || s->sipi_pending;
}
/* Waiting, and nothing pending: only another vCPU's INIT can end it. */
bool vcpu_init_dormant(const struct vcpu_init *s);
/* The vCPU's side, before an entry; *vector for VCPU_INIT_DO_START. */
enum vcpu_init_action vcpu_init_next(struct vcpu_init *s, uint8_t *vector);
/* The vCPU ran hlt with interrupts off. */
void vcpu_init_halt(struct vcpu_init *s);

/*
 * The state after INIT and STARTUP vector (SDM 9.1.1, table 9-1, and
 * 8.4.4.1): real mode, CS selector vector << 8, base vector << 12, IP 0.
 */
void vcpu_init_startup_state(struct vcpu_entry_state *s, uint8_t vector);

#endif
