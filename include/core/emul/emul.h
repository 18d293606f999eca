/* SPDX-License-Identifier: MIT */
/*
 * The guest-instruction emulator's shared types (core/emul/): the register
 * file it works on, the callbacks through which it reaches guest memory,
 * devices and ports, and the result it hands back.
 *
 * The emulator is pure C: it knows no VM, vCPU or device and no global of
 * the hypervisor. Everything it needs comes in through struct emul_regs
 * and struct emul_ops, so it is tested on the host (tests/unit/test_emul_*)
 * and fuzzed (tests/fuzz/fuzz_emul.c) as it is built into the hypervisor.
 *
 * The parts, one file each:
 *   page_walk.c  guest linear -> guest physical, as the CPU translates
 *   decode.c     one instruction's bytes -> struct emul_insn
 *   alu.c        the arithmetic and logic operations and their flags
 *   address.c    effective and linear addresses, segment and canonical checks
 *   access.c     a sized access at a linear address: translation, RAM or MMIO
 *   fetch.c      the instruction bytes at CS:RIP
 *   execute.c    one decoded instruction's effects; emul_step (all of it)
 *   result.c     filling struct emul_result
 */
#ifndef KEEL_CORE_EMUL_EMUL_H
#define KEEL_CORE_EMUL_EMUL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EMUL_MAX_LEN 15		/* the longest x86 instruction */

/* General-purpose registers in their encoding order */
enum emul_gpr {
	EMUL_RAX, EMUL_RCX, EMUL_RDX, EMUL_RBX,
	EMUL_RSP, EMUL_RBP, EMUL_RSI, EMUL_RDI,
	EMUL_R8, EMUL_R9, EMUL_R10, EMUL_R11,
	EMUL_R12, EMUL_R13, EMUL_R14, EMUL_R15,
	EMUL_GPR_COUNT
};

/* Segment registers in their encoding order (the sreg field of MOV sreg) */
enum emul_sreg {
	EMUL_ES, EMUL_CS, EMUL_SS, EMUL_DS, EMUL_FS, EMUL_GS,
	EMUL_SREG_COUNT
};

/*
 * The code the vCPU runs: this sets the default operand and address sizes
 * and the segmentation rules. Compatibility mode (EFER.LMA with CS.L 0) is
 * EMUL_MODE_PROT16 or EMUL_MODE_PROT32 by CS.D; the paging mode comes from
 * CR0, CR4 and EFER, not from here.
 */
enum emul_mode {
	EMUL_MODE_REAL,		/* real mode: 16-bit, exceptions without error codes */
	EMUL_MODE_PROT16,	/* protected or compatibility mode, CS.D 0 */
	EMUL_MODE_PROT32,	/* protected or compatibility mode, CS.D 1 */
	EMUL_MODE_LONG64,	/* 64-bit mode: EFER.LMA and CS.L */
};

/* struct emul_seg.flags */
#define EMUL_SEG_EXPAND_DOWN 0x1	/* data segment, expand-down */
/* its B flag: an expand-down segment ends at 4 GiB - 1, else 64 KiB - 1 */
#define EMUL_SEG_BIG         0x2

/* A segment register's hidden part, as far as address checks need it. */
struct emul_seg {
	uint64_t base;
	uint32_t limit;		/* in bytes (the granularity already applied) */
	uint8_t flags;		/* EMUL_SEG_* */
};

/* RFLAGS bits the emulator reads or writes */
#define EMUL_FLAG_CF (1ull << 0)
#define EMUL_FLAG_PF (1ull << 2)
#define EMUL_FLAG_AF (1ull << 4)
#define EMUL_FLAG_ZF (1ull << 6)
#define EMUL_FLAG_SF (1ull << 7)
#define EMUL_FLAG_DF (1ull << 10)
#define EMUL_FLAG_OF (1ull << 11)
#define EMUL_FLAG_AC (1ull << 18)
#define EMUL_FLAGS_ARITH (EMUL_FLAG_CF | EMUL_FLAG_PF | EMUL_FLAG_AF | \
			  EMUL_FLAG_ZF | EMUL_FLAG_SF | EMUL_FLAG_OF)

/* Control-register and EFER bits the page walker and checks use */
#define EMUL_CR0_PE    (1ull << 0)
#define EMUL_CR0_WP    (1ull << 16)
#define EMUL_CR0_PG    (1ull << 31)
#define EMUL_CR4_PSE   (1ull << 4)
#define EMUL_CR4_PAE   (1ull << 5)
#define EMUL_CR4_LA57  (1ull << 12)
#define EMUL_CR4_SMEP  (1ull << 20)
#define EMUL_CR4_SMAP  (1ull << 21)
#define EMUL_EFER_LME  (1ull << 8)
#define EMUL_EFER_LMA  (1ull << 10)
#define EMUL_EFER_NXE  (1ull << 11)

/*
 * The vCPU's state as the emulator sees it. The caller fills it from the
 * exit (VMCS/VMCB and the saved registers) and writes back what changed:
 * the GPRs, RIP and RFLAGS; the rest is only read.
 */
struct emul_regs {
	uint64_t gpr[EMUL_GPR_COUNT];
	uint64_t rip;
	uint64_t rflags;
	struct emul_seg seg[EMUL_SREG_COUNT];
	uint64_t cr0, cr3, cr4;
	uint64_t efer;		/* with LMA as the CPU has it */
	uint8_t mode;		/* enum emul_mode */
	uint8_t cpl;		/* 0-3; 3 makes accesses user-mode accesses */
};

/*
 * The callbacks. Each returns 0 on success or a negative error of its own,
 * which the emulator hands back unchanged (EMUL_ERROR). ctx is the
 * caller's (the VM, the vCPU).
 *
 * read_gpa/write_gpa: guest RAM, any length, any alignment; they fail for
 *   a range that is not wholly RAM of this guest.
 * cmpxchg_gpa (optional, may be NULL): atomically replace the len-byte
 *   (1, 2, 4 or 8, any alignment within a page) little-endian value at
 *   gpa by val if it is old; returns 0 when it did, 1 when the value was
 *   different. The page walker sets accessed
 *   and dirty bits with it, and LOCKed read-modify-writes of RAM use it;
 *   without it neither happens (see page_walk.h).
 * is_mmio: whether [gpa, gpa + len) belongs to a device (mmio_read and
 *   mmio_write) rather than to RAM; NULL: all is RAM.
 * mmio_read/mmio_write: a device access of size 1, 2, 4 or 8 bytes,
 *   never crossing a page.
 * port_in/port_out: a port access of size 1, 2 or 4 bytes (INS, OUTS);
 *   NULL makes INS and OUTS EMUL_UNSUPPORTED.
 */
struct emul_ops {
	void *ctx;
	int (*read_gpa)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*write_gpa)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	int (*cmpxchg_gpa)(void *ctx, uint64_t gpa, uint64_t old, uint64_t val,
			   size_t len);
	bool (*is_mmio)(void *ctx, uint64_t gpa, size_t len);
	int (*mmio_read)(void *ctx, uint64_t gpa, size_t size, uint64_t *val);
	int (*mmio_write)(void *ctx, uint64_t gpa, size_t size, uint64_t val);
	int (*port_in)(void *ctx, uint16_t port, size_t size, uint32_t *val);
	int (*port_out)(void *ctx, uint16_t port, size_t size, uint32_t val);
	/* what the virtual CPU is (CPUID): physical-address width, 0 means
	 * 52; whether 1-GiB pages exist */
	uint8_t maxphyaddr;
	bool gbpages;
	/* REP iterations per call before EMUL_CONTINUE; 0: EMUL_REP_DEFAULT */
	unsigned int max_reps;
};

#define EMUL_REP_DEFAULT 64

/* Exception vectors the emulator raises */
#define EMUL_VEC_UD 6
#define EMUL_VEC_SS 12
#define EMUL_VEC_GP 13
#define EMUL_VEC_PF 14

enum emul_status {
	/* done: the registers (GPRs, RIP past the instruction, RFLAGS) are
	 * updated and must be written back */
	EMUL_OK,
	/* a REP instruction did some iterations (RCX, RSI, RDI updated), RIP
	 * still at it: write back, enter the guest (interrupts may come in),
	 * it exits again for the rest */
	EMUL_CONTINUE,
	/* nothing done: a guest page-table entry or a LOCKed operand changed
	 * under the emulator more often than it retries; enter the guest
	 * again unchanged, it re-executes the instruction */
	EMUL_RETRY,
	/* inject vector (with error_code if has_error_code; cr2 for #PF).
	 * The registers hold the iterations a REP instruction completed
	 * before it; write them back, RIP stays at the instruction */
	EMUL_EXCEPTION,
	/* an instruction or an access the emulator does not do; bytes holds
	 * what was fetched, why says what */
	EMUL_UNSUPPORTED,
	/* a callback failed with error; the registers may be partly updated */
	EMUL_ERROR,
};

struct emul_result {
	enum emul_status status;
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;
	uint64_t cr2;
	int error;
	uint8_t len;			/* bytes valid in bytes[] */
	uint8_t bytes[EMUL_MAX_LEN];
	const char *why;		/* a short reason, for a log line */
};

#endif
