# SPDX-License-Identifier: MIT
#
# svsm/platform/native: the platform for machines without SEV (kernel only).

svsm-kernel-y += svsm/platform/native/native.c
