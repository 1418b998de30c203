//! The README's code blocks as doctests of a crate whose only dependencies
//! are the README's own lines (`api-clients` with its default features, and
//! tokio): an example that needs a crate the README does not tell users to
//! add does not compile here.

#![forbid(unsafe_code)]

/// The README's examples.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExamples;
