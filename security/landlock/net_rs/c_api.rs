// SPDX-License-Identifier: GPL-2.0-only

//! Landlock's C interface of the network hooks (`net_rs.h`), wrapped.
//!
//! This is the only module of the Rust hooks that names `kernel::bindings`: Landlock's own C
//! interface is not a kernel abstraction.  It holds:
//! - the entry points that `net.c` calls, which turn their raw arguments into the views of
//!   `kernel::net::socket` and a [`Subject`], and the hooks' [`Result`] into an error code;
//! - the views of the structures `net.c` passes ([`Subject`], [`PortSets`]);
//! - the C functions the hooks call back, only to emit the trace event when it is enabled
//!   ([`Subject::emit_trace_port`], [`Subject::emit_trace_autobind`]) and to log a denial
//!   ([`Subject::deny`], with a [`NetRequest`]);
//! - the build-time checks of bindgen's view of every C structure the hooks read (`layout`).
//!
//! Everything else reaches the kernel through `kernel::` abstractions.
//!
//! C header: [`security/landlock/net_rs.h`](srctree/security/landlock/net_rs.h)

use super::*;
use core::marker::PhantomData;
use kernel::{
    bindings,
    error::{
        from_result,
        to_result, //
    },
};

#[path = "c_api/layout.rs"]
mod layout;

/// The `LANDLOCK_ACCESS_NET_*` rights (`include/uapi/linux/landlock.h`).
pub(crate) mod access {
    use super::bindings;

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

/// Runs `hook` on the views of the arguments of the `socket_bind` or `socket_connect` entry
/// point, which are the same, and returns its result as an error code.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_bind` or `socket_connect` hook (`net.c`),
/// with its subject (`subject`, valid for the duration of the call), and the hook's arguments:
/// `sock` is a valid socket with a `struct sock`, and `address` is valid for reads of `addrlen`
/// bytes (or of `sizeof(struct sockaddr_storage)` bytes if `addrlen` is larger), which are not
/// written for the duration of the call.
#[inline(always)]
unsafe fn addr_hook(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
    hook: fn(&Subject<'_>, &Socket, SockAddrRef<'_>) -> Result,
) -> c_int {
    // SAFETY: Per the safety requirements, the arguments are the hook's, valid for the duration
    // of the call: `subject` as `NET_SUBJECT()` filled it, `sock` and its `sk` (the hook's caller
    // holds a reference on the socket's file), and `address`, a kernel copy of the address (cf.
    // `move_addr_to_kernel()`).
    let (subject, sock, addr) = unsafe {
        (
            Subject::from_raw(subject),
            Socket::from_raw(sock),
            SockAddrRef::from_raw(address, addrlen),
        )
    };
    from_result(|| hook(&subject, sock, addr).map(|()| 0))
}

/// The `socket_bind` LSM hook.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_bind` hook, as [`addr_hook()`] requires.
#[export]
pub(crate) unsafe extern "C" fn landlock_rs_socket_bind(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements.
    unsafe { addr_hook(subject, sock, address, addrlen, socket_bind) }
}

/// The `socket_connect` LSM hook.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_connect` hook, as [`addr_hook()`] requires.
#[export]
pub(crate) unsafe extern "C" fn landlock_rs_socket_connect(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements.
    unsafe { addr_hook(subject, sock, address, addrlen, socket_connect) }
}

/// The `socket_sendmsg` LSM hook.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_sendmsg` hook (`net.c`), with its subject
/// (`subject`, valid for the duration of the call), and the hook's arguments: `sock` is a valid
/// socket with a `struct sock`, and `msg` is a valid message header whose `msg_name`, if not
/// null, is a kernel buffer valid for reads of `msg_namelen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `msg_namelen` is larger), which are not written
/// for the duration of the call.
#[export]
pub(crate) unsafe extern "C" fn landlock_rs_socket_sendmsg(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    msg: *mut bindings::msghdr,
    _size: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements, the arguments are the hook's, valid for the duration
    // of the call: `subject` as `NET_SUBJECT()` filled it, `sock` and its `sk` (the hook's caller
    // holds a reference on the socket's file), and `msg`, whose `msg_name` is a kernel copy of
    // the destination address (cf. `copy_msghdr_from_user()`, `__sys_sendto()` and
    // `sock_sendmsg()`).
    let (subject, sock, msg) = unsafe {
        (
            Subject::from_raw(subject),
            Socket::from_raw(sock),
            MsgHdr::from_raw(msg),
        )
    };
    from_result(|| socket_sendmsg(&subject, sock, msg).map(|()| 0))
}

/// The rules of a domain for one port (`struct landlock_net_port_slot`).
pub(crate) type PortSlot = bindings::landlock_net_port_slot;

/// The network port rules of a domain (`struct landlock_net_ports`): which network rights the
/// domain handles, by which layers, and for each port with a rule, which layers allow each right.
/// The fields are read when a check needs them, as the C reader (`landlock_net_ports_allow()`)
/// does.
///
/// # Invariants
///
/// During `'a`, neither `raw`, nor `table`, nor what they point to changes, and `table` has
/// `raw.slots` slots: the table that the readers probe (after `raw` in memory when C built it).
#[derive(Clone, Copy)]
pub(crate) struct PortSets<'a> {
    raw: &'a RawPortSets,
    table: &'a [PortSlot],
}

/// Landlock's C representation of [`PortSets`].
type RawPortSets = bindings::landlock_net_ports;

impl<'a> PortSets<'a> {
    /// Returns the view of the table at `raw`.
    ///
    /// # Safety
    ///
    /// During `'a`, `raw` points to a table as `landlock_build_net_ports()` builds it: its header
    /// followed by `slots` initialised slots, none of which changes.
    unsafe fn from_raw(raw: *const RawPortSets) -> Self {
        // SAFETY: Per the safety requirements, `raw` is valid for reads for `'a`, and its table
        // holds `slots` initialised slots, aligned for their type, which do not change during
        // `'a`; the pointer to the table derives from `raw`, which covers the whole allocation.
        let (raw, table) = unsafe {
            (
                &*raw,
                core::slice::from_raw_parts(
                    core::ptr::addr_of!((*raw).table).cast::<PortSlot>(),
                    (*raw).slots as usize,
                ),
            )
        };
        // INVARIANT: Per the safety requirements.
        Self { raw, table }
    }

    /// Returns the `LANDLOCK_ACCESS_NET_*` rights that the domain handles.
    #[inline(always)]
    pub(crate) fn handled(&self) -> u32 {
        u32::from(self.raw.handled)
    }

    /// Returns the layers of the domain that handle `access` (bit `level - 1`).
    #[inline(always)]
    pub(crate) fn handling(&self, access: NetAccess) -> u16 {
        self.raw.handling[access.bit()]
    }

    /// Returns the rules of port 0 (not in the table).
    #[inline(always)]
    pub(crate) fn port0(&self) -> &'a PortSlot {
        &self.raw.port0
    }

    /// Returns the slots of the table (key 0: empty).
    #[inline(always)]
    pub(crate) fn table(&self) -> &'a [PortSlot] {
        self.table
    }
}

/// The current task, whose domain handles some network access right, as the C side of a hook
/// describes it (`struct landlock_net_rs_subject`).
///
/// # Invariants
///
/// `raw` was filled by `NET_SUBJECT()` (`net.c`) for the current hook call, which `'a` does
/// not outlive: `raw.cred` points into the current task's credentials, which the task cannot
/// replace while running the hook, `raw.ports` to the port rules of its domain (as immutable and
/// long-lived as the domain, which the credentials reference).
pub(crate) struct Subject<'a> {
    raw: &'a bindings::landlock_net_rs_subject,
    sets: PortSets<'a>,
}

impl<'a> Subject<'a> {
    /// Returns the view of `raw`.
    ///
    /// # Safety
    ///
    /// For `'a`, which does not outlive the current hook call:
    /// - `raw` is valid for reads and not written;
    /// - `raw.cred` points to the current task's Landlock credential, whose domain handles at
    ///   least one network right;
    /// - `raw.ports` points to that domain's port rules, as `landlock_build_net_ports()` built
    ///   them (they do not change while the domain lives).
    ///
    /// This is what `NET_SUBJECT()` (`net.c`) fills for the current hook call.
    unsafe fn from_raw(raw: *const bindings::landlock_net_rs_subject) -> Self {
        // SAFETY: Per the safety requirements, `raw` is valid for reads for `'a`.
        let raw = unsafe { &*raw };
        // SAFETY: Per the safety requirements, `raw.ports` points to a table as
        // `landlock_build_net_ports()` builds it, which does not change during `'a`: what
        // `PortSets::from_raw()` requires.
        let sets = unsafe { PortSets::from_raw(raw.ports) };
        // INVARIANT: Per the safety requirements.
        Self { raw, sets }
    }

    /// Returns the domain's port rules.
    #[inline(always)]
    pub(crate) fn sets(&self) -> PortSets<'a> {
        self.sets
    }

    /// Returns whether the `check_rule_net_port` trace event is enabled: the hooks then also ask
    /// C to emit it.
    #[inline(always)]
    pub(crate) fn tracing(&self) -> bool {
        self.raw.trace
    }

    /// Emits the trace event of the check of `port` (network byte order) for `access`, which the
    /// domain handles, if some layer has a rule for `port`.
    pub(crate) fn emit_trace_port(&self, access: NetAccess, port: u16) {
        // SAFETY: `self.raw.cred` is a valid Landlock credential by the type invariant, whose
        // domain has port rules (it handles a network right).
        unsafe { bindings::landlock_net_trace_port(self.raw.cred, access.mask(), port) }
    }

    /// Emits the trace event of the autobind check of `sk`, if it has no local port.
    #[inline(never)]
    pub(crate) fn emit_trace_autobind(&self, sk: &Sock) {
        // `landlock_net_trace_autobind()` reads the port of an inet socket, and only inet sockets
        // autobind: a socket read as inet here is one for good (`IPV6_ADDRFORM` only changes
        // `AF_INET6` to `AF_INET`).
        if !sk.is_inet() {
            return;
        }
        // SAFETY: `self.raw.cred` is a valid Landlock credential by the type invariant (C allows
        // a right that its domain does not handle), and `sk` is a valid inet socket (checked
        // above), i.e. a `struct inet_sock`.
        unsafe { bindings::landlock_net_trace_autobind(self.raw.cred, sk.as_ptr().cast_mut()) };
    }

    /// Logs the denial of `req`, whose access the domain handles, and returns `EACCES`.
    ///
    /// The C side reads the port's slot again to find the denying layers: if it allowed the port
    /// (which [`PortSets::allows`] then does too), it would log nothing and return `Ok(())`, as
    /// the C hooks do.
    pub(crate) fn deny(&self, req: &NetRequest<'_>) -> Result {
        // SAFETY: `self.raw.cred` is a valid Landlock credential by the type invariant (C allows,
        // without logging, a right that its domain does not handle).  `req.raw.sk` is a valid
        // socket and `req.raw.address` null or valid for reads of `req.raw.addrlen` bytes, by
        // `NetRequest`'s invariant.
        to_result(unsafe { bindings::landlock_net_deny_port(self.raw.cred, &req.raw) })
    }
}

/// The description of a denied request, as `landlock_net_deny_port()` logs it
/// (`struct landlock_net_request`).
///
/// # Invariants
///
/// `raw.sk` is a valid socket, and `raw.address` is null or valid for reads of `raw.addrlen`
/// bytes, during `'a`.
pub(crate) struct NetRequest<'a> {
    raw: bindings::landlock_net_request,
    _views: PhantomData<&'a Sock>,
}

impl<'a> NetRequest<'a> {
    /// Describes the request `fields`, of the socket `sk`, read as being of the family
    /// `socket_family`, to the address `addr`.
    ///
    /// The C side reads the address (for the trace event) as `addrlen` bytes: it is given the
    /// readable bytes of `addr` only, i.e. the length given to the hook unless it is larger than
    /// `sizeof(struct sockaddr_storage)` (which only in-kernel callers can give).  A parsed
    /// request always has readable bytes (at least a `struct sockaddr_in`); the null address is
    /// a fallback, which the C side reports with a warning.
    pub(crate) fn new(
        sk: &'a Sock,
        addr: SockAddrRef<'a>,
        socket_family: u16,
        fields: &RequestFields,
    ) -> Self {
        let bytes = addr.as_bytes();
        let (address, addrlen) = match c_int::try_from(bytes.len()) {
            Ok(len) if len > 0 => (addr.as_ptr(), len),
            _ => (core::ptr::null(), 0),
        };
        // INVARIANT: `sk` outlives `'a`, and `address` is null or valid for reads of `addrlen`
        // bytes during `'a` (cf. `SockAddrRef::as_ptr()`).
        Self {
            raw: bindings::landlock_net_request {
                address,
                addrlen,
                sk: sk.as_ptr(),
                access: fields.access,
                socket_family,
                family: fields.family,
                port: fields.port,
                bind: fields.bind,
                ipv6: fields.ipv6,
                ip: fields.ip,
            },
            _views: PhantomData,
        }
    }
}

/// Port rules built from Rust data, for the KUnit tests.
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
pub(crate) struct TestPortSets<'a> {
    raw: RawPortSets,
    table: &'a [PortSlot],
}

#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
impl<'a> TestPortSets<'a> {
    /// Returns port rules handling `handled`, by the layers `handling` (indexed by
    /// [`NetAccess::bit()`]), with the rules `port0` of port 0 and the table `table`.
    pub(crate) fn new(
        handled: u8,
        handling: [u16; NUM_ACCESS],
        port0: PortSlot,
        table: &'a [PortSlot],
    ) -> Self {
        // SAFETY: `struct landlock_net_ports` is a plain C structure of integers and an empty
        // array, for which all-zero bytes are valid.
        let mut raw: RawPortSets = unsafe { core::mem::zeroed() };
        raw.handled = handled;
        raw.handling = handling;
        raw.port0 = port0;
        raw.slots = u32::try_from(table.len()).unwrap_or(0);
        Self { raw, table }
    }

    /// Returns the view of these port rules.
    pub(crate) fn sets(&self) -> PortSets<'_> {
        // INVARIANT: `self.raw` and `self.table` are borrowed (thus not written) for as long as
        // the view, and `raw.slots` is the length of `table` (or 0 if it is longer than
        // `u32::MAX`, then an empty table).
        let table = &self.table[..self.raw.slots as usize];
        PortSets {
            raw: &self.raw,
            table,
        }
    }
}

/// Returns the answer of the C implementation of [`parse`] (`landlock_net_parse()`, the hooks of
/// kernels built without Rust) to the same request, for the KUnit tests: 0 (allowed), 1 (a
/// port to check, described by the fields) or an error code.
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
pub(crate) fn c_parse(
    addr: &[u8; kernel::net::socket::SOCKADDR_STORAGE_SIZE],
    addrlen: c_int,
    sock_family: u16,
    op: Operation,
    kind: SockKind,
) -> (c_int, RequestFields) {
    let access = NetAccess::of(op, kind);
    let op = match op {
        Operation::Bind => bindings::landlock_net_op_LANDLOCK_NET_OP_BIND,
        Operation::Connect => bindings::landlock_net_op_LANDLOCK_NET_OP_CONNECT,
        Operation::SendMsg => bindings::landlock_net_op_LANDLOCK_NET_OP_SENDMSG,
    };
    // SAFETY: `struct landlock_net_request` is a plain C structure of scalars, pointers and
    // arrays, for which all-zero bytes are valid.
    let mut req: bindings::landlock_net_request = unsafe { core::mem::zeroed() };
    // SAFETY: `landlock_net_parse()` reads fixed fields within the first
    // `sizeof(struct sockaddr_in6)` bytes of the address, and only those that `addrlen` covers:
    // `addr` is valid for reads of `SOCKADDR_STORAGE_SIZE` bytes, more than these, whatever
    // `addrlen`.  `req` is valid for writes.
    let ret = unsafe {
        bindings::landlock_net_parse(
            addr.as_ptr().cast(),
            addrlen,
            sock_family,
            access.mask(),
            op,
            &mut req,
        )
    };
    let fields = RequestFields {
        access: req.access,
        family: req.family,
        port: req.port,
        bind: req.bind,
        ipv6: req.ipv6,
        ip: req.ip,
    };
    (ret, fields)
}
