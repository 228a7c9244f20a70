# SPDX-License-Identifier: MIT
#
# The vTPM service over libtpms and its protocol (58019 protocol 2).
# Hosted build for now: the kernel links Debian's static libtpms.a and
# libcrypto.a through svsm/lib later.
svsm-vtpm-y := svsm/vtpm/vtpm.c svsm/vtpm/ek.c svsm/vtpm/nv_mem.c
svsm-hosted-y += $(svsm-vtpm-y) svsm/vtpm/protocol.c
VTPM_LDLIBS := -ltpms -lcrypto
