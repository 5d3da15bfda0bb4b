# SPDX-License-Identifier: GPL-2.0
# Sourced by the ws/ scripts: the kernel configuration variant to build or
# test (VARIANT=name, default none), cf. ws/variants/*.config.
#
# Sets variant_suffix ("" or "-name"), variant_config (the fragment, or ""),
# variant_make (extra make arguments, from "#make: ..." lines) and
# variant_cmdline (extra kernel arguments, from "#cmdline: ..." lines).
VARIANT=${VARIANT:-}
variant_suffix= variant_config= variant_make=() variant_cmdline=
if [ -n "$VARIANT" ]; then
	variant_config=$repo/ws/variants/$VARIANT.config
	if [ ! -f "$variant_config" ]; then
		printf 'unknown VARIANT=%s (known: %s)\n' "$VARIANT" \
			"$(cd "$repo/ws/variants" && ls *.config | sed 's/\.config$//' | tr '\n' ' ')" >&2
		exit 2
	fi
	variant_suffix=-$VARIANT
	read -r -a variant_make <<<"$(sed -n 's/^#make: *//p' "$variant_config" | tr '\n' ' ')"
	variant_cmdline=$(sed -n 's/^#cmdline: *//p' "$variant_config" | tr '\n' ' ')
fi
