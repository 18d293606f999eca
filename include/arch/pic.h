/* SPDX-License-Identifier: MIT */
#ifndef KEEL_ARCH_PIC_H
#define KEEL_ARCH_PIC_H

void pic_disable(void);

#endif
