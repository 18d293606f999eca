/* Guest entry: RDI = start-info page, RSP = top of memory (§5). */
	.section .text.entry, "ax"
	.globl _start
_start:
	cld
	andq	$-16, %rsp
	call	guest_start
1:	cli
	hlt
	jmp	1b

/* Secondary vCPUs (KEEL_HC_VCPU_START): RSP given, RDI = argument. */
	.globl ap_start
ap_start:
	cld
	andq	$-16, %rsp
	call	guest_ap_main
1:	cli
	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
