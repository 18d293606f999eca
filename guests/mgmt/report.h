/* SPDX-License-Identifier: MIT */
/* Turning a hypercall's error into the shell's one "error:" line. */
#ifndef KEEL_MGMT_REPORT_H
#define KEEL_MGMT_REPORT_H

/*
 * "error: WHAT failed: what it means and what to do (EXXX)". what is
 * e.g. "start web".
 */
void report_hv_error(const char *what, long err);

#endif
