/* SPDX-License-Identifier: MIT */
/*
 * One VM exit in vendor-neutral form. The VMX and SVM back-ends translate
 * their exit codes into this; core/exit_dispatch.c dispatches on the reason.
 */
#ifndef KEEL_CORE_VM_EXIT_H
#define KEEL_CORE_VM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

enum exit_reason {
	EXIT_CPUID,
	EXIT_MSR_READ,
	EXIT_MSR_WRITE,
	EXIT_IO,
	EXIT_HLT,
	EXIT_HYPERCALL,
	EXIT_STAGE2_FAULT,
	EXIT_INTR,		/* a physical interrupt arrived */
	EXIT_TIMER,		/* the scheduler's deadline passed */
	EXIT_INTR_WINDOW,	/* the guest can take an interrupt now */
	EXIT_NMI,
	EXIT_TRIPLE_FAULT,	/* VMX triple fault, SVM shutdown */
	EXIT_INVALID_STATE,	/* VM entry refused the guest state */
	EXIT_VIRT_INSN,		/* guest ran a VMX/SVM instruction */
	EXIT_CR_ACCESS,		/* a control-register access (cr below) */
	EXIT_UNKNOWN,		/* anything else: raw_code says what */
	EXIT_XSETBV,		/* the guest wrote an XCR */
	EXIT_RDPMC,		/* the PMU is not virtualized: #GP */
	EXIT_CACHE_FLUSH,	/* WBINVD or INVD: done as a no-op */
	EXIT_NMI_WINDOW,	/* the guest may take an NMI now */
	EXIT_REASON_COUNT
};

/* Short names, used in logs and statistics. */
extern const char *const exit_reason_names[EXIT_REASON_COUNT];

struct vm_exit {
	enum exit_reason reason;
	uint64_t raw_code;	/* vendor exit code, for messages */
	uint32_t insn_len;	/* bytes of the exiting instruction, 0 if n/a */
	uint8_t cpl;		/* the guest's CPL: set for EXIT_HYPERCALL only */
	uint64_t qualification;	/* vendor detail for the log; not set for
				   the fast path's exits (hypercall, CPUID,
				   MSR on both, port I/O on SVM) */
	bool handled;		/* exit_fast did it: exit_dispatch need not */
	union {
		struct {
			uint16_t port;
			uint8_t size;	/* 1, 2 or 4 */
			bool in;
			bool string;
			bool rep;
		} io;
		struct {
			uint64_t gpa;
			bool read, write, exec;
		} stage2;
		struct {
			uint8_t cr;	/* 0-15 */
			uint8_t gpr;	/* x86 register number */
			bool write;	/* MOV to CR; else MOV from CR */
			bool mov;	/* MOV; else CLTS, LMSW or unknown */
			/* the back-end cannot tell (SVM without decode
			   assists): core decodes the instruction */
			bool decode;
			/* LMSW whose source the back-end gives (VMX exit
			   qualification, register or memory operand) */
			bool lmsw;
			uint16_t lmsw_src;
		} cr;
	};
};

#endif
