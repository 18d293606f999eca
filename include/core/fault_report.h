/* SPDX-License-Identifier: MIT */
/* Extra lines for a guest's fatal exit report (core/fault_report.c). */
#ifndef KEEL_CORE_FAULT_REPORT_H
#define KEEL_CORE_FAULT_REPORT_H

struct vcpu;

/* Logs whether the guest's page tables map its RIP for a fetch. v loaded. */
void fault_report_fetch(struct vcpu *v);

#endif
