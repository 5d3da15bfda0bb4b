# Pinned inputs, in one place. Read by the Makefile and by scripts/*.sh.
#
# The base kernel: Debian's linux-source-7.3 from trixie-backports.
# If this exact version is gone from the archive, scripts/deps.sh falls
# back to the newest 7.3.x it can find and warns.
LINUX_SOURCE_VERSION = 7.3.4-1~bpo13+1
LINUX_SOURCE_SHA256 = 703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3
# bindgen-cli from crates.io (the kernel wants >= 0.65.1).
BINDGEN_VERSION = 0.72.1
# libclang used by bindgen (bookworm).
LLVM_VERSION = 19
