// SPDX-License-Identifier: GPL-2.0

//! Read-only views of sockets and socket addresses.
//!
//! These views are meant for code that is called by the networking core with raw pointers, such
//! as LSM socket hooks: they expose the few fields such code needs to read, with the same access
//! rules as the C code (`READ_ONCE()` where the field may change concurrently, the socket lock
//! where a lockless read would not be enough), and they are the only place where the (pointer,
//! length) pair describing a socket address is turned into a byte slice.
//!
//! C headers: [`include/linux/net.h`](srctree/include/linux/net.h),
//! [`include/linux/socket.h`](srctree/include/linux/socket.h) and
//! [`include/net/sock.h`](srctree/include/net/sock.h).

use crate::{
    bindings,
    ffi::c_int,
    types::{
        NotThreadSafe,
        Opaque, //
    },
};

/// Size of `struct sockaddr_storage`, the largest socket address the kernel copies from user
/// space (see `move_addr_to_kernel()` and `copy_msghdr_from_user()`): 128 bytes.
pub const SOCKADDR_STORAGE_SIZE: usize =
    core::mem::size_of::<bindings::__kernel_sockaddr_storage>();

/// Address families (`AF_*`), as the `sa_family_t` values that [`Sock::family()`] and
/// [`SockAddrRef::family()`] return.
///
/// # Examples
///
/// ```
/// use kernel::net::socket::{family::AF_INET6, SockAddrRef};
///
/// let bytes = AF_INET6.to_ne_bytes();
/// assert_eq!(SockAddrRef::from_bytes(&bytes).family(), Some(AF_INET6));
/// ```
pub mod family {
    use crate::{bindings, num::casts::u32_into_u16};

    /// Unspecified family: e.g. `connect(2)` to an `AF_UNSPEC` address disconnects a socket.
    pub const AF_UNSPEC: u16 = u32_into_u16::<{ bindings::AF_UNSPEC }>();
    /// UNIX domain sockets.
    pub const AF_UNIX: u16 = u32_into_u16::<{ bindings::AF_UNIX }>();
    /// IPv4.
    pub const AF_INET: u16 = u32_into_u16::<{ bindings::AF_INET }>();
    /// IPv6.
    pub const AF_INET6: u16 = u32_into_u16::<{ bindings::AF_INET6 }>();
}

/// Socket types (`SOCK_*`), as the values that [`Sock::sk_type()`] returns.
pub mod sock_type {
    use crate::{bindings, num::casts::u32_into_u16};

    /// Byte stream (e.g. TCP).
    pub const SOCK_STREAM: u16 = u32_into_u16::<{ bindings::sock_type_SOCK_STREAM }>();
    /// Datagrams (e.g. UDP).
    pub const SOCK_DGRAM: u16 = u32_into_u16::<{ bindings::sock_type_SOCK_DGRAM }>();
}

/// IP protocols (`IPPROTO_*`), as the values that [`Sock::protocol()`] returns.
pub mod ip_proto {
    use crate::{bindings, num::casts::u32_into_u16};

    /// TCP.
    pub const IPPROTO_TCP: u16 = u32_into_u16::<{ bindings::IPPROTO_TCP }>();
    /// UDP.
    pub const IPPROTO_UDP: u16 = u32_into_u16::<{ bindings::IPPROTO_UDP }>();
}

/// Message flags (`MSG_*`), as in the `msg_flags` of a `struct msghdr`.
pub mod msg_flags {
    use crate::bindings;

    /// TCP Fast Open: `sendmsg(2)` connects the socket, and sends data with the SYN.
    pub const MSG_FASTOPEN: u32 = bindings::MSG_FASTOPEN;
}

/// Layout of the inet socket addresses, `struct sockaddr_in` and `struct sockaddr_in6`, for code
/// that reads them as bytes (see [`SockAddrRef::as_bytes()`]).
///
/// # Examples
///
/// ```
/// use kernel::net::socket::{inet_addr, SockAddrRef, SOCKADDR_STORAGE_SIZE};
///
/// let mut storage = [0u8; SOCKADDR_STORAGE_SIZE];
/// storage[inet_addr::PORT_OFFSET..][..2].copy_from_slice(&80u16.to_be_bytes());
/// let bytes = SockAddrRef::from_storage(&storage, 16).as_bytes();
/// assert_eq!(bytes.len(), inet_addr::SOCKADDR_IN_SIZE);
/// assert_eq!(bytes[inet_addr::PORT_OFFSET..][..2], [0, 80]);
/// ```
pub mod inet_addr {
    use crate::bindings;
    use core::mem::{offset_of, size_of};

    /// `offsetofend(struct sockaddr, sa_family)`: the length needed to read `sa_family`.
    pub const SA_FAMILY_END: usize = size_of::<bindings::sa_family_t>();
    /// `sizeof(struct sockaddr_in)`: the minimal length of an IPv4 address.
    pub const SOCKADDR_IN_SIZE: usize = size_of::<bindings::sockaddr_in>();
    /// `SIN6_LEN_RFC2133`: the minimal length of an IPv6 address, i.e. the size of an RFC 2133
    /// `struct sockaddr_in6`, which had no `sin6_scope_id`.
    pub const SIN6_LEN_RFC2133: usize = offset_of!(bindings::sockaddr_in6, sin6_scope_id);
    /// Offset of `sin_port` and of `sin6_port` (both in network byte order).
    pub const PORT_OFFSET: usize = offset_of!(bindings::sockaddr_in, sin_port);
    /// Offset of `sin_addr`.
    pub const SIN_ADDR_OFFSET: usize = offset_of!(bindings::sockaddr_in, sin_addr);
    /// Offset of `sin6_addr`.
    pub const SIN6_ADDR_OFFSET: usize = offset_of!(bindings::sockaddr_in6, sin6_addr);

    crate::static_assert!(offset_of!(bindings::sockaddr, sa_family) == 0);
    crate::static_assert!(offset_of!(bindings::sockaddr_in, sin_family) == 0);
    crate::static_assert!(offset_of!(bindings::sockaddr_in6, sin6_family) == 0);
    crate::static_assert!(offset_of!(bindings::sockaddr_in6, sin6_port) == PORT_OFFSET);
    // The values of the uapi (`SIN6_LEN_RFC2133` is a C macro that bindgen cannot translate).
    crate::static_assert!(SOCKADDR_IN_SIZE == 16 && SIN6_LEN_RFC2133 == 24);
}

/// Wraps the kernel's `struct sock`, the network layer representation of a socket.
///
/// Only read accessors are provided, and the socket lock ([`Sock::lock_fast()`]) for the fields
/// that need it.
///
/// # Invariants
///
/// The wrapped `struct sock` is valid (allocated and initialised) for the lifetime of any
/// reference to this type.
#[repr(transparent)]
pub struct Sock(Opaque<bindings::sock>);

impl Sock {
    /// Creates a reference to a [`Sock`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` is valid and remains valid for the lifetime of the
    /// returned [`Sock`] reference.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::sock) -> &'a Sock {
        // INVARIANT: The safety requirements guarantee that `ptr` is valid for `'a`.
        // SAFETY: The safety requirements guarantee the validity of the dereference, while the
        // `Sock` type being transparent makes the cast ok.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner `struct sock`.
    #[inline]
    pub fn as_ptr(&self) -> *const bindings::sock {
        self.0.get()
    }

    /// Returns the address family of the socket (`sk_family`).
    ///
    /// This is a `READ_ONCE()`: the family of an unlocked socket may change concurrently, e.g.
    /// from `AF_INET6` to `AF_INET` with `setsockopt(IPV6_ADDRFORM)`, so two calls may return
    /// different values.
    #[inline]
    pub fn family(&self) -> u16 {
        let sk = self.as_ptr();
        // A `READ_ONCE()`, matching the `WRITE_ONCE()` of the writers (e.g. `IPV6_ADDRFORM`).
        // Not `kernel::sync::atomic::atomic_load()`: its `i16` load is a call to a C helper
        // (`rust_helper_atomic_i16_read()`) unless the helpers are inlined
        // (`CONFIG_RUST_INLINE_HELPERS`, clang only), and this load is on the path of every
        // socket LSM hook.
        //
        // SAFETY: `sk` is valid by the type invariant, hence the field pointer is valid and
        // aligned for a read of a `u16`, and every value of it is a valid `u16`; its concurrent
        // stores are `WRITE_ONCE()`s, which a volatile load does not tear.
        unsafe { (&raw const (*sk).__sk_common.skc_family).read_volatile() }
    }

    /// Returns the socket type (`sk_type`, e.g. `SOCK_STREAM`).
    #[inline]
    pub fn sk_type(&self) -> u16 {
        // SAFETY: `self.0` is valid by the type invariant.  `sk_type` is set when the socket is
        // created and read without synchronisation by the C code as well.
        unsafe { (*self.as_ptr()).sk_type }
    }

    /// Returns the socket protocol (`sk_protocol`, e.g. `IPPROTO_TCP`).
    #[inline]
    pub fn protocol(&self) -> u16 {
        // SAFETY: `self.0` is valid by the type invariant.  `sk_protocol` is set when the socket
        // is created and read without synchronisation by the C code as well.
        unsafe { (*self.as_ptr()).sk_protocol }
    }

    /// Returns whether this is an inet socket, as the C `sk_is_inet()`: its family (read once)
    /// is `AF_INET` or `AF_INET6`.
    #[inline]
    pub fn is_inet(&self) -> bool {
        matches!(self.family(), family::AF_INET | family::AF_INET6)
    }

    /// Returns whether the socket's local port was chosen by an explicit `bind(2)` to a non-zero
    /// port (`SOCK_BINDPORT_LOCK` in `sk_userlocks`), read without the socket lock.
    ///
    /// The inet stacks set this flag under the socket lock once the port is bound
    /// (`__inet_bind()`, `__inet6_bind()`), and nothing clears it on a bound socket (a disconnect
    /// keeps such a port, cf. `__udp_disconnect()`; `SO_BUF_LOCK` keeps the bits it does not
    /// own): once read as set, it stays set and the socket keeps a port until it is released.  A
    /// concurrent bind may make it read as unset.
    #[cfg(CONFIG_INET)]
    #[inline]
    pub fn bindport_locked(&self) -> bool {
        let sk = self.as_ptr();
        // A `READ_ONCE()`: this reader does not hold the socket lock, under which the inet binds
        // and the socket options write the field with `WRITE_ONCE()`.  A few kernel users (e.g.
        // MPTCP subflows, SUNRPC) still set the buffer lock bits of their own sockets with a
        // plain store of the byte, which the kernel's memory model tools take as atomic
        // (`CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC`), as for the C `READ_ONCE()` readers.  Not
        // `kernel::sync::atomic::atomic_load()`, for the reason given in [`Sock::family()`].
        //
        // SAFETY: `sk` is valid by the type invariant, hence the field pointer is valid and
        // aligned for a read of a `u8`, and every value of it is a valid `u8`.
        let userlocks = unsafe { (&raw const (*sk).sk_userlocks).read_volatile() };
        u32::from(userlocks) & bindings::SOCK_BINDPORT_LOCK != 0
    }

    /// Takes the socket lock, as `lock_sock_fast()` does, until the returned guard is dropped.
    ///
    /// If no task owns the socket, the guard holds the socket's spinlock, with bottom halves
    /// disabled; otherwise, it waits for the owner and owns the socket itself.
    ///
    /// # Context
    ///
    /// Process context: it may sleep.
    #[inline]
    pub fn lock_fast(&self) -> SockGuard<'_> {
        // SAFETY: `self.as_ptr()` is valid by the type invariant.
        let slow = unsafe { bindings::lock_sock_fast(self.as_ptr().cast_mut()) };
        // INVARIANT: The lock of `self` is held, as `lock_sock_fast()` returned `slow`.
        SockGuard {
            sock: self,
            slow,
            _not_send: NotThreadSafe,
        }
    }
}

/// The socket lock of a [`Sock`], taken by [`Sock::lock_fast()`] and released when dropped, by
/// the task that took it (the guard is not [`Send`]).
///
/// # Invariants
///
/// The lock of `sock` is held, as `lock_sock_fast()` returned `slow` for it.
#[must_use = "the socket lock is released at once if the guard is dropped"]
pub struct SockGuard<'a> {
    sock: &'a Sock,
    slow: bool,
    _not_send: NotThreadSafe,
}

impl SockGuard<'_> {
    /// Returns whether an inet socket has a local port (`inet_num`), as read under the lock;
    /// `false` for other sockets.
    ///
    /// The lock excludes the `inet_num` that `udp_lib_get_port()` sets before a reuseport bind
    /// that may still fail (and then resets), and a disconnection in progress
    /// (`__udp_disconnect()`), which releases an autobound port.
    #[cfg(CONFIG_INET)]
    #[inline]
    pub fn has_port(&self) -> bool {
        // `skc_num` is the local port of inet sockets only (a socket never changes to another
        // family than `AF_INET` and `AF_INET6`); other families give it other meanings.
        if !self.sock.is_inet() {
            return false;
        }
        let sk = self.sock.as_ptr();
        // SAFETY: `sk` is valid by the type invariant of `Sock`, and the socket lock is held by
        // the type invariant, which excludes the writers of `inet_num` (the C macro for
        // `sk.__sk_common.skc_num`).
        let num = unsafe { (*sk).__sk_common.__bindgen_anon_3.__bindgen_anon_1.skc_num };
        num != 0
    }
}

impl Drop for SockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The socket is valid, and its lock is held as `lock_sock_fast()` returned
        // `self.slow`, by the type invariant.
        unsafe { bindings::unlock_sock_fast(self.sock.as_ptr().cast_mut(), self.slow) };
    }
}

/// A read-only view of a socket address, as given to `bind(2)`, `connect(2)` or `sendmsg(2)`.
///
/// The view keeps the length as given by the caller (`addrlen`), which may be negative or larger
/// than the bytes actually readable, and a byte slice bounded to what can be read.
///
/// # Examples
///
/// ```
/// use kernel::net::socket::{family::AF_INET, SockAddrRef, SOCKADDR_STORAGE_SIZE};
///
/// let mut buf = [0u8; SOCKADDR_STORAGE_SIZE];
/// buf[..2].copy_from_slice(&AF_INET.to_ne_bytes());
///
/// // A claimed length larger than the kernel ever copies: only the storage is readable.
/// // SAFETY: `buf` is valid for reads of `SOCKADDR_STORAGE_SIZE` initialised bytes, which are not
/// // written while `addr` is alive.
/// let addr = unsafe { SockAddrRef::from_raw(buf.as_ptr().cast(), 1000) };
/// assert_eq!(addr.addrlen(), 1000);
/// assert_eq!(addr.as_bytes().len(), SOCKADDR_STORAGE_SIZE);
/// assert_eq!(addr.family(), Some(AF_INET));
///
/// // A negative length, or a null pointer: nothing is readable.
/// // SAFETY: Nothing is read for a negative length.
/// let addr = unsafe { SockAddrRef::from_raw(buf.as_ptr().cast(), -1) };
/// assert!(addr.as_bytes().is_empty());
/// assert_eq!(addr.family(), None);
/// // SAFETY: A null pointer is accepted.
/// let addr = unsafe { SockAddrRef::from_raw(core::ptr::null(), 16) };
/// assert!(addr.as_bytes().is_empty());
///
/// // One byte: too short for the family.
/// assert_eq!(SockAddrRef::from_bytes(&buf[..1]).family(), None);
/// ```
///
/// # Invariants
///
/// `bytes` holds the first `min(max(addrlen, 0), SOCKADDR_STORAGE_SIZE)` bytes of the address,
/// except when the view was built from a null pointer, in which case `bytes` is empty.
#[derive(Clone, Copy)]
pub struct SockAddrRef<'a> {
    bytes: &'a [u8],
    addrlen: c_int,
}

impl<'a> SockAddrRef<'a> {
    /// Creates a view of the socket address `addr` of claimed length `addrlen`.
    ///
    /// At most [`SOCKADDR_STORAGE_SIZE`] bytes are covered by the view, which is the size of the
    /// kernel buffer socket addresses are copied into, and nothing is covered if `addrlen` is not
    /// positive or `addr` is null.
    ///
    /// # Safety
    ///
    /// If `addr` is not null, it must be valid for reads of
    /// `min(max(addrlen, 0), SOCKADDR_STORAGE_SIZE)` initialised bytes, which must not be written
    /// during `'a`.
    ///
    /// This is the case for the addresses given to the socket LSM hooks: they are kernel copies
    /// of `addrlen` bytes made by `move_addr_to_kernel()` or `copy_msghdr_from_user()` (which
    /// reject or truncate lengths larger than [`SOCKADDR_STORAGE_SIZE`]), or buffers provided by
    /// in-kernel callers.
    #[inline]
    pub unsafe fn from_raw(addr: *const bindings::sockaddr, addrlen: c_int) -> Self {
        let len = usize::try_from(addrlen)
            .unwrap_or(0)
            .min(SOCKADDR_STORAGE_SIZE);
        let bytes = if addr.is_null() {
            &[]
        } else {
            // SAFETY: `addr` is not null, and the safety requirements guarantee that it is valid
            // for reads of `len` initialised bytes that are not written during `'a`.  `u8` has no
            // alignment requirement, and `len` is at most `SOCKADDR_STORAGE_SIZE`, which is far
            // below `isize::MAX`.
            unsafe { core::slice::from_raw_parts(addr.cast::<u8>(), len) }
        };

        // INVARIANT: `bytes` holds the first `len` bytes of the address, or is empty for a null
        // `addr`.
        Self { bytes, addrlen }
    }

    /// Creates a view of a socket address held in a byte slice, with `addrlen` being the length
    /// of the slice (truncated to [`SOCKADDR_STORAGE_SIZE`]).
    #[inline]
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
        let bytes = &bytes[..bytes.len().min(SOCKADDR_STORAGE_SIZE)];

        // INVARIANT: `bytes.len()` is at most `SOCKADDR_STORAGE_SIZE`, so it fits in a `c_int`
        // and `bytes` holds the first `addrlen` bytes.
        Self {
            bytes,
            addrlen: bytes.len() as c_int,
        }
    }

    /// Creates a view of the socket address held in `storage`, of claimed length `addrlen`, as
    /// [`Self::from_raw()`] would for a kernel copy of the address.
    #[inline]
    pub fn from_storage(storage: &'a [u8; SOCKADDR_STORAGE_SIZE], addrlen: c_int) -> Self {
        // SAFETY: `storage` is valid for reads of `SOCKADDR_STORAGE_SIZE` initialised bytes, the
        // most that `from_raw()` reads, and is borrowed (so not written) for `'a`.
        unsafe { Self::from_raw(storage.as_ptr().cast(), addrlen) }
    }

    /// Returns the readable bytes of the address.
    ///
    /// Their number may be lower than [`Self::addrlen`] (see the type's invariants).
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Returns the length of the address as given by the caller.
    #[inline]
    pub fn addrlen(&self) -> c_int {
        self.addrlen
    }

    /// Returns the address family (`sa_family`), or `None` if fewer than 2 bytes are readable.
    #[inline]
    pub fn family(&self) -> Option<u16> {
        match self.bytes {
            [b0, b1, ..] => Some(u16::from_ne_bytes([*b0, *b1])),
            _ => None,
        }
    }

    /// Returns a pointer to the start of the address, e.g. to pass it back to C code.
    ///
    /// The pointer is valid for reads of `self.as_bytes().len()` bytes, and no more: C code must
    /// not be given [`Self::addrlen`] as its length, which may be larger.  It is the pointer the
    /// view was created from, unless that pointer was null (the returned pointer is then
    /// dangling, and nothing is readable).
    #[inline]
    pub fn as_ptr(&self) -> *const bindings::sockaddr {
        self.bytes.as_ptr().cast()
    }
}
