/*
 * void svm_vmrun(struct vcpu *v, uint64_t vmcb_pa, uint64_t host_vmcb_pa,
 *                struct vm_exit *exit);
 *
 * Runs the guest (APM 15.5) until an exit that svm_exit() does not
 * handle on the fast path: after each #VMEXIT the guest's registers go
 * to v->regs (the first member of struct vcpu) and svm_exit(v, exit)
 * decodes the exit into *exit; when it returns true (a CPUID or
 * hypercall exit handled, nothing else to do) the guest is entered
 * again from here, without returning through the scheduler, and without
 * loading RBP and R12-R15, which svm_exit preserved (guest_gprs.inc).
 *
 * GIF is cleared around the world switch and host IF set, so a physical
 * interrupt arriving in the guest causes an INTR exit and is taken by
 * the host only after STGI (with IF clear again: it stays pending, and
 * the next VMRUN exits at once). VMLOAD/VMSAVE move the state VMRUN does
 * not (FS, GS, TR, LDTR, KernelGSBase, STAR, LSTAR, CSTAR, SFMASK,
 * SYSENTER_*); the host's copy lives in host_vmcb_pa. Guest RAX and RSP
 * live in the VMCB.
 */
#include <core/vcpu.h>
#include <arch/guest_gprs.inc>

/* the frame below the saved host registers */
#define SLOT_VCPU      0
#define SLOT_EXIT      8
#define SLOT_VMCB      16
#define SLOT_HOST_VMCB 24
#define FRAME          32

	.text
	.code64
	.globl svm_vmrun
svm_vmrun:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$FRAME, %rsp
	movq	%rdi, SLOT_VCPU(%rsp)
	movq	%rcx, SLOT_EXIT(%rsp)
	movq	%rsi, SLOT_VMCB(%rsp)
	movq	%rdx, SLOT_HOST_VMCB(%rsp)
	LOAD_GUEST_KEPT_GPRS %rdi	/* kept in the CPU across fast exits */

1:	clgi
	sti
	movq	SLOT_VMCB(%rsp), %rax
	vmload	%rax

	LOAD_GUEST_ENTRY_GPRS %rdi
	movq	GREG_RDI(%rdi), %rdi

	vmrun	%rax
	/* #VMEXIT: RAX = guest VMCB again (host RAX restored), RSP as before */
	vmsave	%rax

	/* RAX is free: VMLOAD below takes the host's VMCB from the frame */
	movq	SLOT_VCPU(%rsp), %rax
	movq	%rdi, GREG_RDI(%rax)
	STORE_GUEST_GPRS %rax
	movq	%rax, %rdi

	movq	SLOT_HOST_VMCB(%rsp), %rax
	vmload	%rax
	cli
	stgi

	movq	SLOT_EXIT(%rsp), %rsi
	call	svm_exit
	movq	SLOT_VCPU(%rsp), %rdi
	testb	%al, %al
	jnz	1b

	addq	$FRAME, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.section .note.GNU-stack, "", @progbits
