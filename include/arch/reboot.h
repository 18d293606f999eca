/* SPDX-License-Identifier: MIT */
/* Resetting the machine. */
#ifndef KEEL_ARCH_REBOOT_H
#define KEEL_ARCH_REBOOT_H

/* Resets the machine: PCI reset control, keyboard controller, triple fault. */
__attribute__((noreturn)) void machine_reboot(void);

#endif
