/* SPDX-License-Identifier: MIT */
#ifndef KEEL_CORE_EXIT_H
#define KEEL_CORE_EXIT_H

#include <core/vcpu.h>
#include <core/vm_exit.h>

/* Handles one exit of v; afterwards v->state says whether it runs on. */
void exit_dispatch(struct vcpu *v, const struct vm_exit *e);

/* The per-reason handlers exit_dispatch calls. */
void cpuid_handle(struct vcpu *v, const struct vm_exit *e);
void io_handle(struct vcpu *v, const struct vm_exit *e);
void hypercall_handle(struct vcpu *v, const struct vm_exit *e);

#define VECTOR_UD 6
#define VECTOR_GP 13

#endif
