/* SPDX-License-Identifier: MIT */
/*
 * Finding VMs by name: the hypervisor names VMs by id, so the shell lists
 * the ids (VM_LIST) and asks about each (VM_INFO). On failure these print
 * the error line themselves.
 */
#ifndef KEEL_MGMT_VMS_H
#define KEEL_MGMT_VMS_H

#include <stdbool.h>

#include <keel/abi.h>

/*
 * The most VMs the shell shows (the hypervisor has no limit but memory:
 * 1024 VMs' descriptions are 128 KiB of this VM's memory).
 */
#define VMS_MAX 1024

/* Every VM, in id order, into vis[VMS_MAX]; the count or -1. */
int vms_snapshot(struct keel_vm_info *vis);
/* The VM named name into *vi: true, or "error: no VM named ..." and false. */
bool vms_find(const char *name, struct keel_vm_info *vi);
/* Whether a VM has that name (-1: the hypervisor did not answer). */
int vms_exists(const char *name);
/* HOST_INFO, or the error line and false. */
bool host_info(struct keel_host_info *hi);

#endif
