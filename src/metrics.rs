//! MTTD / MTTA / MTTM / MTTR and the other figures, as plain functions over a [`crate::site::View`].
