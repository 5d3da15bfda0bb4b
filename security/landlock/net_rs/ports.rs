// SPDX-License-Identifier: GPL-2.0-only

//! The port rules of a domain, as `landlock_build_net_ports()` builds them, and their lookups.

use crate::{
    access::NetAccess,
    c_api::{
        PortSlot,
        RawPortSets,
        PORTS_HASH, //
    },
};

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

impl<'a> PortSets<'a> {
    /// Returns the view of the table at `raw`.
    ///
    /// # Safety
    ///
    /// During `'a`, `raw` points to a table as `landlock_build_net_ports()` builds it: its header
    /// followed by `slots` initialised slots, none of which changes.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(raw: *const RawPortSets) -> Self {
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

    /// Returns the view of a header and a table held apart (for the tests), or `None` if the
    /// header does not give the table's length.
    #[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
    pub(crate) fn from_parts(raw: &'a RawPortSets, table: &'a [PortSlot]) -> Option<Self> {
        // INVARIANT: Both are borrowed (thus not written) for `'a`, and `table` has `raw.slots`
        // slots.
        (raw.slots as usize == table.len()).then_some(Self { raw, table })
    }

    /// Returns whether the domain restricts `access`.
    #[inline(always)]
    pub(crate) fn handles(&self, access: NetAccess) -> bool {
        u32::from(self.raw.handled) & access.mask() != 0
    }

    /// Returns the rules of `port` (network byte order), if some slot holds them: port 0's are
    /// in the header, the others in the table, probed from the slot that [`slot()`] gives (cf.
    /// `landlock_net_ports_find()`).  A table without an empty slot (which the C side never
    /// builds) ends the probe after one round.
    #[inline(always)]
    pub(crate) fn find(&self, port: u16) -> Option<&'a PortSlot> {
        if port == 0 {
            // The autobind check of every send without a destination.
            return Some(&self.raw.port0);
        }
        let table = self.table;
        let mut i = slot(port, table.len());
        for _ in 0..table.len() {
            let s = table.get(i)?;
            if s.key == port {
                return Some(s);
            }
            if s.key == 0 {
                return None;
            }
            i = if i + 1 == table.len() { 0 } else { i + 1 };
        }
        None
    }

    /// Returns whether the domain allows `port` (network byte order) for `access`: whether every
    /// layer handling `access` allows it (cf. `landlock_net_ports_allow()`).  A right that the
    /// domain does not handle is allowed.
    #[inline(always)]
    pub(crate) fn allows(&self, access: NetAccess, port: u16) -> bool {
        if !self.handles(access) {
            return true;
        }
        let handling = self.raw.handling[access.bit()];
        self.find(port)
            .is_some_and(|s| s.layers[access.bit()] == handling)
    }
}

/// Returns the slot of a table of `slots` slots where `key` is first looked for (cf.
/// `landlock_net_ports_slot()`).
#[inline(always)]
pub(crate) fn slot(key: u16, slots: usize) -> usize {
    let hash = u32::from(key).wrapping_mul(PORTS_HASH);
    // The product of two 32-bit numbers fits in 64 bits; the result is below `slots`.
    ((u64::from(hash) * slots as u64) >> 32) as usize
}
