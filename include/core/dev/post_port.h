/* SPDX-License-Identifier: MIT */
/* The POST diagnostic port 0x80 (core/dev/post_port.c). */
#ifndef KEEL_CORE_DEV_POST_PORT_H
#define KEEL_CORE_DEV_POST_PORT_H

#include <core/dev/io_bus.h>

#define POST_PORT 0x80

extern const struct io_bus_ops post_port_ops;

#endif
