/* SPDX-License-Identifier: MIT */
/*
 * The instruction emulator (core/emul/) on a real vCPU: core/emulate.c
 * gives it the vCPU's registers through the vendor ops, guest RAM through
 * the VM's stage-2 tables (guest_mem_*), and the VM's device registry
 * (core/dev/io_bus.h) for MMIO and ports, and carries out its verdict:
 * write the registers back, inject the exception it raised, or stop the
 * VM with the instruction's bytes in the log.
 */
#ifndef KEEL_CORE_EMULATE_H
#define KEEL_CORE_EMULATE_H

#include <core/vcpu.h>
#include <core/vm_exit.h>

/*
 * A stage-2 fault at a guest-physical address that is not the VM's RAM
 * (a device's MMIO, or nothing): emulate the faulting instruction. An
 * access nobody claims, or an instruction the emulator does not do,
 * stops the VM.
 */
void emulate_mmio(struct vcpu *v, const struct vm_exit *e);

/* INS or OUTS (with or without REP): emulated, the ports on the registry. */
void emulate_string_io(struct vcpu *v, const struct vm_exit *e);

/*
 * LMSW at RIP, which the exit does not decode (SVM without decode
 * assists, a memory operand): the CR0 it asks for (its operand read
 * through the guest's paging and segments, bits 3:0, PE not cleared) and
 * its length; nothing written back. 0, or -1 when it is taken care of:
 * the exception it raised injected, or the VM stopped.
 */
int emulate_lmsw(struct vcpu *v, uint64_t *cr0, uint32_t *len);

struct emul_walk;
/*
 * The guest's own page tables, read now, for a fetch at CS:RIP (*la: that
 * linear address): EMUL_WALK_OK with w->gpa, EMUL_WALK_FAULT with the #PF
 * error code, or another code when the tables are not in its RAM. Sets no
 * accessed bits. v loaded.
 */
int emulate_walk_rip(struct vcpu *v, uint64_t *la, struct emul_walk *w);

#endif
