//! Packing a staged install tree into a wheel.

#[derive(Debug, thiserror::Error)]
pub enum Error {}
