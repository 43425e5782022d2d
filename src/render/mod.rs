//! Rendering a [`crate::site::View`] into pages: a map from output path to bytes.

pub mod charts;
