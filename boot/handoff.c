// SPDX-License-Identifier: MIT
/*
 * The jump into the hypervisor, after ExitBootServices: interrupts off,
 * the transitional tables in CR3, a stack in hypervisor memory, RDI =
 * physical address of boot_info (identity mapped). The entry is called
 * as a System V function that never returns: RSP + 8 is 16-byte aligned
 * at its first instruction, with a zero return address.
 */
#include "loader.h"

void handoff_jump(uint64_t cr3, uint64_t entry, struct boot_info *bi,
		  uint64_t stack_top)
{
	__asm__ volatile("cli\n\t"
			 "mov %0, %%cr3\n\t"
			 "mov %1, %%rsp\n\t"
			 "pushq $0\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "jmp *%2"
			 :
			 : "r"(cr3), "r"(stack_top), "r"(entry), "D"(bi)
			 : "memory");
	__builtin_unreachable();
}
