/* SPDX-License-Identifier: MIT */
/* Names and human-readable renderings of what the hypervisor reports. */
#ifndef KEEL_MGMT_SHOW_H
#define KEEL_MGMT_SHOW_H

#include <stddef.h>
#include <stdint.h>

/* "created", "running", ... (docs/hypercalls.md §4.6); "unknown" else. */
const char *show_vm_state(uint32_t state);
const char *show_vcpu_state(uint32_t state);
/* "svm", "vmx" */
const char *show_vendor(uint32_t vendor);
/* KEEL_EXIT_NAMES[reason], or NULL past the named ones. */
const char *show_exit_name(unsigned int reason);
/* "EPERM" for -KEEL_EPERM, ... or "error N". */
const char *show_errno(long err);

/* "16 MiB", "1 GiB", "1.5 MiB", "512 KiB", "100 B" into buf. */
void show_size(char *buf, size_t size, uint64_t bytes);
/* "0-3,6"; "all" for 0. */
void show_cpulist(char *buf, size_t size, uint64_t mask);

#endif
