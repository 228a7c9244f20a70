#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Print the strings derived from the release version.
#
#   release/version.sh                 every field as field=value
#   release/version.sh FIELD...        the named fields, one per line
#   release/version.sh -v 2026.12-rc1 tag subject
#   release/version.sh -f other/VERSION tag
#
# Fields: version tag series year month type number subject body tag-message
# notes-title notes-file milestone prefix tarball next planned planned-rule
# c-define. The version comes from release/VERSION next to this script
# unless -v or -f says otherwise; name and tarball base come from
# release/config.
# shellcheck source-path=SCRIPTDIR
set -eu
PROG=version.sh
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/version.sh"

CONFIG_FILE=${SVSM_RELEASE_CONFIG:-$HERE/config}
version_init
file=$HERE/VERSION
ver=
ver_set=0
while [ $# -gt 0 ]; do
	case $1 in
	-f)
		[ $# -ge 2 ] || usage_die "-f needs a file"
		file=$2
		shift 2
		;;
	-v)
		[ $# -ge 2 ] || usage_die "-v needs a version"
		ver=$2
		ver_set=1
		shift 2
		;;
	-h | --help)
		sed -n '3,15s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	--)
		shift
		break
		;;
	-*) usage_die "unknown option $1" ;;
	*) break ;;
	esac
done
if [ "$ver_set" = 0 ]; then
	[ -r "$file" ] || die "cannot read $file"
	ver=$(tr -d ' \t\r\n' <"$file")
fi
version_parse "$ver"

if [ $# -eq 0 ]; then
	for f in $(version_fields); do
		printf '%s=%s\n' "$f" "$(version_field "$ver" "$f")"
	done
	exit 0
fi
for f in "$@"; do
	version_field "$ver" "$f" || usage_die "unknown field '$f' (known: $(version_fields))"
done
