# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Shared helpers of the release tooling: messages, configuration, dry-run
# execution and calendar arithmetic. Sourced by release/svsm-release and
# release/version.sh; POSIX sh.

# Print a message to stderr, prefixed with the program name.
msg() {
	printf '%s: %s\n' "${PROG:-svsm-release}" "$*" >&2
}

# Print an error and exit with status $2 (default 1).
die() {
	msg "error: $1"
	exit "${2:-1}"
}

# Usage errors exit 2.
usage_die() {
	msg "$1"
	msg "try '${PROG:-svsm-release} help'"
	exit 2
}

# cfg_get KEY DEFAULT: the value of `KEY = value` in $CONFIG_FILE, else DEFAULT.
# The file is parsed, never sourced: it is data.
cfg_get() {
	_v=
	if [ -n "${CONFIG_FILE-}" ] && [ -r "$CONFIG_FILE" ]; then
		_v=$(awk -v key="$1" '
			/^[ \t]*(#|$)/ { next }
			{
				line = $0
				eq = index(line, "=")
				if (eq == 0) next
				k = substr(line, 1, eq - 1)
				v = substr(line, eq + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", k)
				gsub(/^[ \t]+|[ \t]+$/, "", v)
				if (k == key) val = v
			}
			END { printf "%s", val }' "$CONFIG_FILE")
	fi
	if [ -n "$_v" ]; then
		printf '%s\n' "$_v"
	else
		printf '%s\n' "$2"
	fi
}

# Quote one argument for display so a printed command can be pasted back.
shquote() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=@%+,^-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
		;;
	*) printf '%s' "$1" ;;
	esac
}

# run CMD ARGS...: run a command that changes something, or print it under
# --dry-run. Printed commands go to fd 3 (the script's stdout, also from
# inside command substitutions) prefixed with "dry-run: ".
run() {
	if [ "${DRY_RUN:-0}" = 1 ]; then
		_line=
		for _a in "$@"; do
			_line="$_line${_line:+ }$(shquote "$_a")"
		done
		printf 'dry-run: %s\n' "$_line" >&3
		return 0
	fi
	"$@"
}

# is_leap YEAR
is_leap() {
	[ $(($1 % 4)) -eq 0 ] && { [ $(($1 % 100)) -ne 0 ] || [ $(($1 % 400)) -eq 0 ]; }
}

# days_in_month YEAR MONTH
days_in_month() {
	case $2 in
	1 | 3 | 5 | 7 | 8 | 10 | 12) echo 31 ;;
	4 | 6 | 9 | 11) echo 30 ;;
	2) if is_leap "$1"; then echo 29; else echo 28; fi ;;
	*) return 1 ;;
	esac
}

# day_of_week YEAR MONTH DAY: 0 = Sunday ... 6 = Saturday (Sakamoto's method).
day_of_week() {
	_y=$1
	_m=$2
	_d=$3
	[ "$_m" -lt 3 ] && _y=$((_y - 1))
	set -- 0 3 2 5 0 3 5 1 4 6 2 4
	shift $((_m - 1))
	echo $(((_y + _y / 4 - _y / 100 + _y / 400 + $1 + _d) % 7))
}

# weekday_number NAME: mon..sun (any case, 3+ letters) -> 1..6,0
weekday_number() {
	case $(printf '%s' "$1" | tr '[:upper:]' '[:lower:]') in
	sun*) echo 0 ;;
	mon*) echo 1 ;;
	tue*) echo 2 ;;
	wed*) echo 3 ;;
	thu*) echo 4 ;;
	fri*) echo 5 ;;
	sat*) echo 6 ;;
	*) return 1 ;;
	esac
}

# weekday_name NUMBER
weekday_name() {
	set -- "$1" Sunday Monday Tuesday Wednesday Thursday Friday Saturday
	shift $(($1 + 1))
	echo "$1"
}

# month_name MONTH
month_name() {
	set -- "$1" January February March April May June July August September \
		October November December
	shift "$1"
	echo "$1"
}

# last_weekday YEAR MONTH WEEKDAY(0-6): YYYY-MM-DD of the last such day.
last_weekday() {
	_last=$(days_in_month "$1" "$2")
	_dow=$(day_of_week "$1" "$2" "$_last")
	_back=$(((_dow - $3 + 7) % 7))
	printf '%04d-%02d-%02d\n' "$1" "$2" $((_last - _back))
}
