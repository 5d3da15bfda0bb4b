// SPDX-License-Identifier: GPL-2.0-only

//! The network access rights, and which one a request needs.

use crate::c_api::access;

/// Socket operation checked by a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    /// `bind(2)`.
    Bind,
    /// `connect(2)`.
    Connect,
    /// `sendmsg(2)` and friends.
    SendMsg,
}

/// Kind of socket that Landlock restricts, cf. `sk_is_tcp()` and `sk_is_udp()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SockKind {
    Tcp,
    Udp,
}

/// Network access right (one `LANDLOCK_ACCESS_NET_*` bit) required by a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NetAccess {
    BindTcp,
    ConnectTcp,
    BindUdp,
    ConnectSendUdp,
}

impl NetAccess {
    /// Returns the access right required by `op` on a socket of kind `kind`.
    pub(crate) fn of(op: Operation, kind: SockKind) -> Self {
        match (op, kind) {
            (Operation::Bind, SockKind::Tcp) => Self::BindTcp,
            (Operation::Bind, SockKind::Udp) => Self::BindUdp,
            // TCP Fast Open connects with sendmsg(2).
            (Operation::Connect | Operation::SendMsg, SockKind::Tcp) => Self::ConnectTcp,
            (Operation::Connect | Operation::SendMsg, SockKind::Udp) => Self::ConnectSendUdp,
        }
    }

    /// Returns the `LANDLOCK_ACCESS_NET_*` bit.
    pub(crate) fn mask(self) -> u32 {
        match self {
            Self::BindTcp => access::BIND_TCP,
            Self::ConnectTcp => access::CONNECT_TCP,
            Self::BindUdp => access::BIND_UDP,
            Self::ConnectSendUdp => access::CONNECT_SEND_UDP,
        }
    }

    /// Returns the bit number of the `LANDLOCK_ACCESS_NET_*` bit (the index of the right in the
    /// domain's port rules).
    pub(crate) fn bit(self) -> usize {
        self.mask().trailing_zeros() as usize
    }

    /// Returns whether the checked port is the local one (otherwise, it is the remote one).
    pub(crate) fn is_bind(self) -> bool {
        matches!(self, Self::BindTcp | Self::BindUdp)
    }
}
