# SPDX-License-Identifier: MIT
#
# kbs-proxy: the host's HTTP pipe between the SVSM and a KBS (libcurl).
kbs-proxy-srcs := tools/kbs-proxy/main.c svsm/kbs/frame.c svsm/kbs/sock.c
KBS_PROXY := $(BUILD)/bin/kbs-proxy

$(KBS_PROXY): $(call objs,hosted,$(kbs-proxy-srcs))
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ -lcurl

ALL_TARGETS += $(KBS_PROXY)
HELP += kbs-proxy|build $(O)/bin/kbs-proxy, the host's pipe to a KBS
.PHONY: kbs-proxy
kbs-proxy: $(KBS_PROXY)
