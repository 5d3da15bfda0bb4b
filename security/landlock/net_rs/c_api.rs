// SPDX-License-Identifier: GPL-2.0-only

//! Landlock's C interface of the network hooks (`net_rs.h`), wrapped.
//!
//! This is the only module of the Rust hooks that names `kernel::bindings`: Landlock's own C
//! interface is not a kernel abstraction.  It holds:
//! - the entry point that `net.c` calls, [`landlock_rs_net_decide()`], which turns its raw
//!   arguments into views, asks [`decide()`], and writes the verdict back for C to log: it calls
//!   no C function of Landlock's;
//! - the C types that the views read ([`RawPortSets`], [`PortSlot`]) and the constants of the C
//!   side;
//! - the build-time checks of bindgen's view of every C structure the hooks read (`layout`).
//!
//! Everything else reaches the kernel through `kernel::` abstractions.
//!
//! C header: [`security/landlock/net_rs.h`](srctree/security/landlock/net_rs.h)

use crate::{
    access::Operation,
    addr::IpAddr,
    decide::{
        decide,
        Call,
        Checks,
        Denial,
        Verdict, //
    },
    ports::PortSets,
};
use kernel::{
    bindings,
    ffi::c_int,
    net::socket::{
        family::{
            AF_INET,
            AF_UNSPEC, //
        },
        Sock,
        SockAddrRef, //
    },
    prelude::*,
};

#[path = "c_api/layout.rs"]
mod layout;

/// The `LANDLOCK_ACCESS_NET_*` rights (`include/uapi/linux/landlock.h`).
pub(crate) mod access {
    use kernel::bindings;

    /// `LANDLOCK_ACCESS_NET_BIND_TCP`.
    pub(crate) const BIND_TCP: u32 = bindings::LANDLOCK_ACCESS_NET_BIND_TCP;
    /// `LANDLOCK_ACCESS_NET_CONNECT_TCP`.
    pub(crate) const CONNECT_TCP: u32 = bindings::LANDLOCK_ACCESS_NET_CONNECT_TCP;
    /// `LANDLOCK_ACCESS_NET_BIND_UDP`.
    pub(crate) const BIND_UDP: u32 = bindings::LANDLOCK_ACCESS_NET_BIND_UDP;
    /// `LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP`.
    pub(crate) const CONNECT_SEND_UDP: u32 = bindings::LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP;
}

/// Number of network access rights (`LANDLOCK_NET_PORTS_NUM_ACCESS`).
pub(crate) const NUM_ACCESS: usize = bindings::LANDLOCK_NET_PORTS_NUM_ACCESS as usize;
/// Multiplier of the port table's hash (`LANDLOCK_NET_PORTS_HASH`).
pub(crate) const PORTS_HASH: u32 = bindings::LANDLOCK_NET_PORTS_HASH;

// Each right indexes the port rules by its bit number (`NetAccess::bit()`).
static_assert!(access::BIND_TCP.trailing_zeros() < NUM_ACCESS as u32);
static_assert!(access::CONNECT_TCP.trailing_zeros() < NUM_ACCESS as u32);
static_assert!(access::BIND_UDP.trailing_zeros() < NUM_ACCESS as u32);
static_assert!(access::CONNECT_SEND_UDP.trailing_zeros() < NUM_ACCESS as u32);

/// The rules of a domain for one port (`struct landlock_net_port_slot`).
pub(crate) type PortSlot = bindings::landlock_net_port_slot;

/// The header of a domain's port rules (`struct landlock_net_ports`), read by [`PortSets`].
pub(crate) type RawPortSets = bindings::landlock_net_ports;

/// The most port checks of a request (`LANDLOCK_NET_MAX_CHECKS`).
pub(crate) const MAX_CHECKS: usize = bindings::LANDLOCK_NET_MAX_CHECKS as usize;

/// The answer of a decision that denies a port (`LANDLOCK_NET_DENIED`).
const DENIED: c_int = bindings::LANDLOCK_NET_DENIED as c_int;

/// The Rust implementation of `landlock_net_decide()` (`net.c`), which the hooks of `net.c` call
/// with the same arguments: decides `call` on the socket `sk` under the port rules `ports`, and
/// returns 0, the error code the network stack would return, or `LANDLOCK_NET_DENIED` with the
/// denied request in `verdict.denied`.  Lists the ports it checks in `verdict.checks` if
/// `call.trace` asks for them.
///
/// # Safety
///
/// For the duration of the call:
/// - `ports` points to the port rules of a domain, as `landlock_build_net_ports()` built them
///   (they do not change while the domain lives);
/// - `sk` is a valid socket;
/// - `call` is valid for reads and not written, and `call.address`, if not null, is valid for
///   reads of `min(max(call.addrlen, 0), sizeof(struct sockaddr_storage))` bytes, which are not
///   written (the hooks' addresses are kernel copies, cf. `move_addr_to_kernel()` and
///   `copy_msghdr_from_user()`), and stays so while C reads `verdict.denied`;
/// - `verdict` is valid for writes.
#[export]
pub(crate) unsafe extern "C" fn landlock_rs_net_decide(
    ports: *const bindings::landlock_net_ports,
    sk: *mut bindings::sock,
    call: *const bindings::landlock_net_call,
    verdict: *mut bindings::landlock_net_verdict,
) -> c_int {
    // SAFETY: `call` is valid for reads and not written during the call, per the safety
    // requirements.
    let raw = unsafe { &*call };
    let mut checks = Checks::new(raw.trace);
    let op = match raw.op {
        bindings::landlock_net_op_LANDLOCK_NET_OP_BIND => Some(Operation::Bind),
        bindings::landlock_net_op_LANDLOCK_NET_OP_CONNECT => Some(Operation::Connect),
        bindings::landlock_net_op_LANDLOCK_NET_OP_SENDMSG => Some(Operation::SendMsg),
        // Never given by the hooks: refused, as `landlock_net_decide()` refuses it.
        _ => None,
    };
    // SAFETY: Per the safety requirements, `ports` points to a domain's port rules as
    // `landlock_build_net_ports()` built them, which do not change for the duration of the call,
    // the lifetime of the view.
    let ports = unsafe { PortSets::from_raw(ports) };
    // SAFETY: Per the safety requirements, `sk` is valid for the duration of the call, the
    // lifetime of the view.
    let sk = unsafe { Sock::from_raw(sk) };
    let addr = if raw.address.is_null() {
        None
    } else {
        // SAFETY: Per the safety requirements, the non-null `call.address` is valid for reads of
        // the bytes that `SockAddrRef::from_raw()` reads, which are not written for the duration
        // of the call, the lifetime of the view.
        Some(unsafe { SockAddrRef::from_raw(raw.address, raw.addrlen) })
    };
    let decision = match op {
        Some(op) => {
            let call = Call {
                addr,
                op,
                msg_flags: raw.msg_flags,
            };
            decide(ports, sk, &call, &mut checks)
        }
        None => Verdict::Fail(EINVAL),
    };
    if raw.trace {
        // SAFETY: `verdict` is valid for writes, per the safety requirements.
        unsafe { write_checks(verdict, &checks) };
    }
    match decision {
        Verdict::Allow => 0,
        Verdict::Fail(err) => err.to_errno(),
        Verdict::Deny(denial) => {
            // SAFETY: `verdict` is valid for writes, per the safety requirements; the field is
            // written through a raw pointer, as the rest of `*verdict` may be uninitialised.
            unsafe { (&raw mut (*verdict).denied).write(c_request(sk, &denial)) };
            DENIED
        }
    }
}

/// Writes `checks` to `verdict.checks` and `verdict.num_checks`.
///
/// # Safety
///
/// `verdict` is valid for writes.
#[cold]
unsafe fn write_checks(verdict: *mut bindings::landlock_net_verdict, checks: &Checks) {
    let mut list = [bindings::landlock_net_check {
        access: 0,
        port: 0,
        autobind: false,
    }; MAX_CHECKS];
    let mut num = 0;
    for (i, check) in checks.iter().enumerate() {
        list[i] = bindings::landlock_net_check {
            access: check.access.mask(),
            port: check.port,
            autobind: check.autobind,
        };
        num = i + 1;
    }
    // SAFETY: `verdict` is valid for writes, per the safety requirements; the fields are written
    // through raw pointers, as the rest of `*verdict` may be uninitialised.
    unsafe {
        (&raw mut (*verdict).checks).write(list);
        // CAST: At most `MAX_CHECKS` (2) checks.
        (&raw mut (*verdict).num_checks).write(num as u8);
    }
}

/// Returns the C description of `denial`, a request on `sk` (`struct landlock_net_request`), as
/// `landlock_net_decide()` fills it: the address and its length are the ones given to the hook
/// (null and 0 for an autobind); C clamps the length to `sizeof(struct sockaddr_storage)` where
/// it copies the address, for the trace event.
fn c_request(sk: &Sock, denial: &Denial<'_>) -> bindings::landlock_net_request {
    let req = &denial.request;
    let mut ip = [0u8; 16];
    let ipv6 = match req.addr {
        IpAddr::V4(v4) => {
            ip[..4].copy_from_slice(v4);
            false
        }
        IpAddr::V6(v6) => {
            ip = *v6;
            true
        }
    };
    let (address, addrlen) = match denial.addr {
        Some(addr) => (addr.as_ptr(), addr.addrlen()),
        None => (core::ptr::null(), 0),
    };
    // The record gives the family the stack uses: an AF_UNSPEC address that is checked is read
    // as AF_INET, so that the record shows its address and port.
    let family = if req.family == AF_UNSPEC {
        AF_INET
    } else {
        req.family
    };
    bindings::landlock_net_request {
        address,
        addrlen,
        sk: sk.as_ptr(),
        access: denial.access.mask(),
        socket_family: denial.sock_family,
        family,
        port: req.port,
        bind: denial.access.is_bind(),
        ipv6,
        ip,
    }
}
