#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rustdoc-crate.sh BUILD_DIR OBJECT OUT_DIR: document the Rust crate that
# Kbuild compiled into OBJECT (e.g. security/landlock/net_rs.o), private
# items included (so links to them are not warned about), with the rustc
# flags of its .cmd file and -Dwarnings.
# "make rustdoc" only documents the crates of rust/.
set -euo pipefail
B=$1 obj=$2 out=$3
cmdfile=$B/$(dirname "$obj")/.$(basename "$obj").cmd
[ -f "$cmdfile" ] || { echo "error: no $cmdfile (build first)" >&2; exit 1; }
cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
# rustc's (or clippy-driver's) command line, as rustdoc takes it: the same
# flags, but nothing about its outputs.
cmd=$(sed -E 's/ (rustc|clippy-driver) / rustdoc /; s/ (--emit=|-Zbinary_dep_depinfo=|--remap-path-(scope|prefix)=)[^ ]*//g;
	s/ --out-dir [^ ]*//' <<<"$cmd")
mkdir -p "$out"
cd "$B"
eval "RUSTC_BOOTSTRAP=1 $cmd --document-private-items -Dwarnings -Arustdoc::private_intra_doc_links --output $(printf '%q' "$out")"
