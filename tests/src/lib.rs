//! Integration tests of the generator and the generated clients.

#![forbid(unsafe_code)]

pub mod fixtures;
