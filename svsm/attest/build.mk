# SPDX-License-Identifier: MIT
#
# Attestation: the guest-request message channel and the services manifest.
# The channel uses OpenSSL's EVP AES-GCM (the kernel compiles greq.c and
# protocol.c into its own list over libcrypto.a); the manifest is plain C
# and is common code.
svsm-attest-y := svsm/attest/greq.c svsm/attest/manifest.c
svsm-hosted-y += svsm/attest/greq.c svsm/attest/protocol.c
svsm-common-y += svsm/attest/manifest.c
