//! Integration tests of the generator and the generated clients.

pub mod fixtures;
