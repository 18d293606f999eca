/*
 * int vmx_enter(struct vcpu *v, int launched, struct vm_exit *exit,
 *               uint64_t deadline_tsc);
 *
 * Enters the guest whose VMCS is current (VMLAUNCH the first time, then
 * VMRESUME) and runs it until an exit that vmx_exit() does not handle
 * on the fast path: after each VM exit the guest's registers go to
 * v->regs (the first member of struct vcpu) and vmx_exit(v, exit,
 * deadline_tsc) decodes the exit into *exit; when it returns true (a
 * CPUID or hypercall exit handled, nothing else to do) the guest is
 * resumed from here, without returning through the scheduler.
 * Returns 0 after such an exit, or 1 (VMfailInvalid) / 2 (VMfailValid,
 * see the VM-instruction error field) when an entry failed (SDM 31.2).
 * HOST_RSP is written on every call, so exits land on this frame;
 * HOST_RIP is vmx_exit_stub.
 */
#include <core/vcpu.h>
#include <arch/guest_gprs.inc>

#define VMCS_HOST_RSP 0x6c14

/* the frame below the saved host registers */
#define SLOT_VCPU     0
#define SLOT_EXIT     8
#define SLOT_DEADLINE 16
#define FRAME         32

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
	subq	$FRAME, %rsp
	movq	%rdi, SLOT_VCPU(%rsp)
	movq	%rdx, SLOT_EXIT(%rsp)
	movq	%rcx, SLOT_DEADLINE(%rsp)

	movl	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax

	testl	%esi, %esi		/* flags survive the movs below */
	movq	GREG_RAX(%rdi), %rax
	LOAD_GUEST_KEPT_GPRS %rdi	/* kept in the CPU across fast exits */
	LOAD_GUEST_ENTRY_GPRS %rdi
	movq	GREG_RDI(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	/* entry failed: CF = VMfailInvalid, ZF = VMfailValid */
	movl	$1, %eax
	jc	3f
	movl	$2, %eax
3:	addq	$FRAME, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

vmx_exit_stub:
	xchgq	%rdi, SLOT_VCPU(%rsp)	/* RDI = v, the slot = guest RDI */
	movq	%rax, GREG_RAX(%rdi)
	STORE_GUEST_GPRS %rdi
	movq	SLOT_VCPU(%rsp), %rax
	movq	%rax, GREG_RDI(%rdi)
	movq	%rdi, SLOT_VCPU(%rsp)

	movq	SLOT_EXIT(%rsp), %rsi
	movq	SLOT_DEADLINE(%rsp), %rdx
	call	vmx_exit
	testb	%al, %al
	jz	4f

	movq	SLOT_VCPU(%rsp), %rdi
	movq	GREG_RAX(%rdi), %rax
	LOAD_GUEST_ENTRY_GPRS %rdi	/* RBP, R12-R15: vmx_exit kept them */
	movq	GREG_RDI(%rdi), %rdi
	vmresume
	jmp	2b

4:	xorl	%eax, %eax
	jmp	3b

	.section .note.GNU-stack, "", @progbits
