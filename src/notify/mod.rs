//! `incsite notify`: the public events between two versions of a site ([`events`]), as each
//! kind of channel wants them ([`formats`]), sent with timeouts and retries ([`send`]).

pub mod events;
pub mod formats;
pub mod send;
