#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# config-kernel.sh OBJDIR BASECONFIG FRAGMENT...
#
# Make OBJDIR/.config from BASECONFIG (a make target such as tinyconfig, or a
# config file) and the fragments, then check that every option the fragments
# set has the value they asked for: merge_config only warns.

. "$(dirname "$0")/lib.sh"

o=$1 base=$2; shift 2
mkdir -p "$o"
o=$(cd "$o" && pwd)
if [ -f "$base" ]; then
	cp "$base" "$o/.config"
else
	kmake "$o" -s "$base" >/dev/null
fi
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$@" >/dev/null
kmake "$o" -s olddefconfig >/dev/null

bad=()
for frag in "$@"; do
	while read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
		*) continue ;;
		esac
		got=$(grep -E "^($opt=|# $opt is not set)" "$o/.config" || true)
		case $line in
		"$got") ;;
		*=n | "# "*) [ -z "$got" ] || [ "$got" = "# $opt is not set" ] ||
			bad+=("$opt: wanted off, got '$got'") ;;
		*) bad+=("$opt: wanted '${line#$opt=}', got '${got:-unset}'") ;;
		esac
	done <"$frag"
done
if [ ${#bad[@]} -gt 0 ]; then
	printf 'error: %s\n' "${bad[@]}" >&2
	die "configuration in $o does not have what $* asked for"
fi
