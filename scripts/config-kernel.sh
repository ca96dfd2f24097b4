#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# config-kernel.sh [--lenient] OBJDIR BASECONFIG FRAGMENT...
#
# Make OBJDIR/.config from BASECONFIG (a make target such as tinyconfig, or a
# config file) and the fragments, then check that every option the fragments
# set has the value they asked for (the last fragment wins): merge_config
# only warns.  --lenient skips the check, for trees that lack some options.

. "$(dirname "$0")/lib.sh"

lenient=0
[ "$1" = --lenient ] && { lenient=1; shift; }
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

[ "$lenient" = 1 ] && exit 0

# What the fragments ask for, the last one winning, as merge_config does.
declare -A want
for frag in "$@"; do
	while read -r line; do
		case $line in
		CONFIG_*=*) want[${line%%=*}]=${line#*=} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; want[${opt%% *}]=n ;;
		esac
	done <"$frag"
done

bad=()
for opt in "${!want[@]}"; do
	got=$(sed -n "s/^$opt=//p" "$o/.config")
	if [ "${want[$opt]}" = n ]; then
		[ -z "$got" ] || bad+=("$opt: wanted off, got '$got'")
	elif [ "${want[$opt]}" != "$got" ]; then
		bad+=("$opt: wanted '${want[$opt]}', got '${got:-unset}'")
	fi
done
if [ ${#bad[@]} -gt 0 ]; then
	printf 'error: %s\n' "${bad[@]}" >&2
	die "configuration in $o does not have what $* asked for"
fi
