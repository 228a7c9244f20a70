# SPDX-License-Identifier: MIT
#
# Attestation: the guest-request message channel and the services manifest.
# The channel uses OpenSSL's EVP AES-GCM: hosted for now, the kernel links
# libcrypto.a later. The manifest is plain C and builds everywhere.
svsm-attest-y := svsm/attest/greq.c svsm/attest/manifest.c
svsm-hosted-y += svsm/attest/greq.c svsm/attest/protocol.c
svsm-common-y += svsm/attest/manifest.c
