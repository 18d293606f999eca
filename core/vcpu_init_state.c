// SPDX-License-Identifier: MIT
/* The INIT / STARTUP state machine; see core/vcpu_init_state.h. */
#include <arch/x86_defs.h>
#include <core/cr_rules.h>
#include <core/vcpu.h>
#include <core/vcpu_init_state.h>
#include <lib/string.h>

void vcpu_init_post_init(struct vcpu_init *s)
{
	s->init_pending = true;
	s->sipi_pending = false;
}

bool vcpu_init_post_sipi(struct vcpu_init *s, uint8_t vector)
{
	bool waits = s->init_pending || s->mode == VCPU_INIT_WAIT_SIPI;

	if (!waits || s->sipi_pending)
		return false;
	s->sipi_pending = true;
	s->sipi_vector = vector;
	return true;
}

bool vcpu_init_dormant(const struct vcpu_init *s)
{
	return s->mode != VCPU_INIT_RUNNING && !vcpu_init_pending(s);
}

enum vcpu_init_action vcpu_init_next(struct vcpu_init *s, uint8_t *vector)
{
	if (s->init_pending) {
		s->init_pending = false;
		s->mode = VCPU_INIT_WAIT_SIPI;
		return VCPU_INIT_DO_RESET;
	}
	if (s->sipi_pending) {
		s->sipi_pending = false;
		s->mode = VCPU_INIT_RUNNING;
		*vector = s->sipi_vector;
		return VCPU_INIT_DO_START;
	}
	return s->mode == VCPU_INIT_RUNNING ? VCPU_INIT_RUN : VCPU_INIT_BLOCK;
}

void vcpu_init_halt(struct vcpu_init *s)
{
	if (s->mode == VCPU_INIT_RUNNING)
		s->mode = VCPU_INIT_HALTED;
}

/* Real-mode segments: limit 64 KiB, present, accessed (SDM table 9-1). */
#define REAL_LIMIT     0xffffu
#define REAL_CODE_ATTR 0x09bu	/* P, S, execute/read, accessed */
#define REAL_DATA_ATTR 0x093u	/* P, S, read/write, accessed */
#define REAL_TR_ATTR   0x08bu	/* P, busy TSS: what VM entry accepts */
#define RESET_CR0      (CR0_CD_BIT | CR0_NW_BIT | CR0_ET)	/* 0x60000010 */
#define SIPI_PAGE_SHIFT 12
#define SIPI_SEL_SHIFT  8

void vcpu_init_startup_state(struct vcpu_entry_state *s, uint8_t vector)
{
	memset(s, 0, sizeof(*s));
	s->rflags = RFLAGS_FIXED;
	s->cr0 = RESET_CR0;
	s->cs = (struct segment){ (uint16_t)(vector << SIPI_SEL_SHIFT),
				  REAL_CODE_ATTR, REAL_LIMIT,
				  (uint64_t)vector << SIPI_PAGE_SHIFT };
	s->ds = (struct segment){ 0, REAL_DATA_ATTR, REAL_LIMIT, 0 };
	s->tr = (struct segment){ 0, REAL_TR_ATTR, REAL_LIMIT, 0 };
	s->gdt_limit = REAL_LIMIT;
	s->idt_limit = REAL_LIMIT;
}
