// SPDX-License-Identifier: GPL-2.0-only

//! Landlock - Network hooks: the decision, in Rust.
//!
//! The `socket_bind`, `socket_connect` and `socket_sendmsg` LSM hooks restrict TCP and UDP
//! sockets according to the `LANDLOCK_ACCESS_NET_*` rights of the current task's domain.  Their C
//! side (`net.c`) registers them, finds the domain, skips kernel sockets, and asks one function
//! what to answer: `landlock_net_decide()` in C, or with `CONFIG_SECURITY_LANDLOCK_NET_RUST`
//! [`landlock_rs_net_decide()`](c_api::landlock_rs_net_decide), which decides here.  The
//! decision returns a verdict (allowed, the network stack's error, or denied with what the
//! record needs) and C logs and traces it: no call goes from Rust back to Landlock's C code.  Both
//! implementations give the same verdicts: the C KUnit suite `landlock_net_decide` runs both over
//! the same requests, on real sockets in every state.
//!
//! The modules, in the order of a request:
//! - `c_api`: the entry point, which turns C's arguments into views and the verdict into C's;
//! - `decide`: the decision of a request ([`decide::decide()`]), and the verdict;
//! - `access`: the right that an operation needs on a kind of socket;
//! - `addr`: the one parser of addresses ([`addr::parse()`]), and the parsed request;
//! - `ports`: the domain's port rules, and their lookups.
//!
//! A port is checked against the domain's port rules ([`ports::PortSets`]: one or two probes of
//! a hash table).  A send without a destination, most datagrams' path, only needs the autobind
//! check: a socket bound explicitly to a port (`SOCK_BINDPORT_LOCK`) and a domain that allows any
//! autobind need no more; an autobound socket, by a domain that does not allow port 0, has its
//! port (`inet_num`) read under the socket lock, as the C hooks do, and only an unbound one is
//! checked as a bind to port 0.
//!
//! # Threat model
//!
//! The sandboxed task is malicious and controls the timing of its threads; tasks that share its
//! sockets without being restricted for UDP (no domain, or a domain that does not handle
//! `LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP`) are not colluding, but may do anything legitimate at
//! any time, such as converting an IPv6 socket to IPv4 with `setsockopt(IPV6_ADDRFORM)`.  A task
//! is only ever restricted for the rights its own domain handles.  So the decision never relies
//! on the socket's family staying what it read, on any architecture: a destination whose port
//! one of the stacks may use has that port checked, whatever the socket's family reads as (an
//! `AF_UNSPEC` destination with a non-zero port as an IPv4 one, an `AF_INET6` destination on a
//! socket read as IPv4 as an IPv6 one), and it never writes to its arguments.
//!
//! The autobind check has windows that the socket lock does not close: it reads the local port
//! under the lock, and the stack autobinds later; a sibling's `connect(AF_UNSPEC)` that starts in
//! between releases an autobound port (`__udp_disconnect()`), and the send then autobinds again
//! without a second check.  Only a port the socket already had, that the domain allowed or that
//! predates the sandbox, can be given back, and the new ephemeral port is chosen by the kernel.
//! `sendmmsg(2)` calls the hook once for consecutive messages to the same destination, and
//! `sendfile(2)` of a file shorter than asked ends in `sock_splice_eof()`, whose
//! `inet_send_prepare()` autobinds with no hook at all (`race.sendfile_eof_autobind` and
//! `race_autobind.disconnect` in `udp_state_test` measure how often).
//!
//! The decision reaches the kernel through `kernel::` abstractions only; `c_api` is the one
//! module that names `kernel::bindings`.
//!
//! C header: [`security/landlock/net_rs.h`](srctree/security/landlock/net_rs.h)

/// Log prefix of the `pr_*!` macros, which only the KUnit tests use: Landlock's (its C code's
/// `pr_fmt()`).  A crate that is not a module has no `module!` to define it (cf. the kernel
/// crate's own, in `rust/kernel/lib.rs`).
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
const __LOG_PREFIX: &[u8] = b"landlock\0";

#[path = "net_rs/access.rs"]
mod access;
#[path = "net_rs/addr.rs"]
mod addr;
#[path = "net_rs/c_api.rs"]
mod c_api;
#[path = "net_rs/decide.rs"]
mod decide;
#[path = "net_rs/ports.rs"]
mod ports;
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
#[path = "net_rs/tests.rs"]
mod test;
