//! Integration tests of the generator and the generated clients.

#![forbid(unsafe_code)]

pub mod fixtures;

/// The README's examples, compiled (not run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
