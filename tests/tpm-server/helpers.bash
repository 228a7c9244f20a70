# SPDX-License-Identifier: MIT
#
# Helpers for svsm-sim tpm-server's bats tests and benchmark: free ports,
# starting and stopping servers, raw mssim frames.

# A free pair of ports N, N + 1 on 127.0.0.1.
free_port_pair() {
	local p
	for p in $(seq $((20000 + RANDOM % 20000)) 2 45000); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null &&
			! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_server LOG ARGS...: svsm-sim tpm-server ARGS in the background;
# its pid in $SERVER_PID once it printed "listening on".
start_server() {
	local log=$1 i
	shift
	rm -f "$log" # not an old server's "listening on"
	"${SVSM_SIM:?}" tpm-server "$@" >"$log" 2>&1 3>&- &
	SERVER_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -qs '^listening on' "$log" && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# mssim PORT HEX...: send each u32 command, print each u32 answer (hex).
mssim() {
	python3 - "$@" <<'PY'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for c in sys.argv[2:]:
    s.sendall(struct.pack(">I", int(c, 16)))
    b = b""
    while len(b) < 4:
        k = s.recv(4 - len(b))
        if not k:
            raise SystemExit("closed")
        b += k
    print("%x" % struct.unpack(">I", b)[0])
PY
}

# wait_gone PID: until the process is gone (it need not be our child).
wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# stop_server PORT: STOP on the platform port, wait for the exit; its
# status in SERVER_STATUS when the server is this shell's child (else 127).
# shellcheck disable=SC2034 # SERVER_STATUS is read by the callers
stop_server() {
	printf '\0\0\0\025' >"/dev/tcp/127.0.0.1/$(($1 + 1))" 2>/dev/null
	SERVER_STATUS=0
	wait "$SERVER_PID" 2>/dev/null || SERVER_STATUS=$?
	wait_gone "$SERVER_PID"
}

# PCR sha256 value, lower-case hex.
pcr_sha256() {
	tpm2_pcrread "sha256:$1" | awk -v p="$1:" '$1 == p { print tolower(substr($2, 3)) }'
}
