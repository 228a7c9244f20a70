# SPDX-License-Identifier: MIT
#
# The vTPM service over libtpms and its protocol (58019 protocol 2). The
# hosted build links the shared libraries; the kernel compiles the same
# files into its own list and links Debian's static libtpms.a and
# libcrypto.a over its libc shim (svsm/lib/tpm, svsm/kernel/build.mk).
svsm-vtpm-y := svsm/vtpm/vtpm.c svsm/vtpm/ek.c svsm/vtpm/nv_mem.c
svsm-hosted-y += $(svsm-vtpm-y) svsm/vtpm/protocol.c
VTPM_LDLIBS := -ltpms -lcrypto
# The state key handed over from the KBS secret (svsm/vtpm_key.h): common
# code over libcrypto, compiled by the kernel with the system's headers.
svsm-hosted-y += svsm/vtpm/state_key.c
svsm-kernel-y += svsm/vtpm/state_key.c
$(call objs,kernel,svsm/vtpm/state_key.c): EXTRA_CFLAGS += $(KERNEL_SYSINC)
# The persistent, encrypted NV store (svsm/vtpm_store.h) over a medium
# given as ops: common code; the hosted file medium is svsm/sim/nv_file.c.
svsm-vtpm-store-y := svsm/vtpm/nv_store.c svsm/vtpm/state_key.c
svsm-hosted-y += svsm/vtpm/nv_store.c
svsm-kernel-y += svsm/vtpm/nv_store.c
$(call objs,kernel,svsm/vtpm/nv_store.c): EXTRA_CFLAGS += $(KERNEL_SYSINC)
