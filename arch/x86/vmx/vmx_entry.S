/*
 * int vmx_enter(struct guest_regs *regs, int launched);
 *
 * Enters the guest whose VMCS is current (VMLAUNCH the first time, then
 * VMRESUME) and returns 0 after the next VM exit, or 1 (VMfailInvalid) /
 * 2 (VMfailValid, see the VM-instruction error field) when entry failed
 * (SDM 31.2). HOST_RSP is written on every entry, so the exit lands on
 * this frame; HOST_RIP is vmx_exit_stub.
 */
#include <core/vcpu.h>
#include <arch/guest_gprs.inc>

#define VMCS_HOST_RSP 0x6c14

	.text
	.code64
	.globl vmx_enter, vmx_exit_stub
vmx_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* regs, found again at exit */

	movl	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax

	testl	%esi, %esi		/* flags survive the movs below */
	movq	GREG_RAX(%rdi), %rax
	LOAD_GUEST_GPRS %rdi
	movq	GREG_RDI(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	/* entry failed: CF = VMfailInvalid, ZF = VMfailValid */
	movl	$1, %eax
	jc	3f
	movl	$2, %eax
3:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

vmx_exit_stub:
	pushq	%rdi
	movq	8(%rsp), %rdi		/* regs */
	movq	%rax, GREG_RAX(%rdi)
	STORE_GUEST_GPRS %rdi
	popq	%rax
	movq	%rax, GREG_RDI(%rdi)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	xorl	%eax, %eax
	ret

	.section .note.GNU-stack, "", @progbits
