# SPDX-License-Identifier: MIT
#
# svsm/kbs: the SVSM's client of a Trustee-compatible KBS (docs/KBS.md).
# The protocol, its JSON, base64, the JWE and the frames are common code
# over libcrypto: the hosted build lists them here and the kernel compiles
# the same files with the system's OpenSSL headers, as it does the vTPM's.
# The socket transport (sock.c) is hosted only; the proxy links it too.
svsm-kbs-y := svsm/kbs/json_write.c svsm/kbs/json_read.c svsm/kbs/b64.c \
              svsm/kbs/jwe.c svsm/kbs/evidence.c svsm/kbs/rcar.c \
              svsm/kbs/frame.c
svsm-hosted-y += $(svsm-kbs-y) svsm/kbs/sock.c
svsm-kernel-y += $(svsm-kbs-y)
$(call objs,kernel,$(svsm-kbs-y)): EXTRA_CFLAGS += $(KERNEL_SYSINC)
# The in-kernel tests run the unit tests' vectors over the kernel's libcrypto.
$(call objs,kernel,svsm/kernel/tests/test_kbs.c): \
	EXTRA_CFLAGS += $(KERNEL_SYSINC) -I$(SRCDIR)/svsm -I$(SRCDIR)/tests/unit/kbs
