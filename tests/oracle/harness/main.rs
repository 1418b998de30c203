//! The oracle harness (copied by `cargo xtask oracle`): reads
//! `<target>\t<json>` lines on standard input and answers each with one
//! JSON line (see `support::Outcome`). The generated module is `api`, the
//! oracle's dispatch and traces `oracle`; warnings are not the point here.

#![allow(warnings)]

mod api;
mod oracle;
mod support;

use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.split_once('\t') {
            Some((target, json)) => match target.parse::<usize>() {
                Ok(t) => crate::oracle::round_trip(t, json.as_bytes()).line(),
                Err(_) => crate::support::Outcome::NoTarget.line(),
            },
            None => crate::support::Outcome::NoTarget.line(),
        };
        if writeln!(out, "{answer}").is_err() {
            break;
        }
    }
    let _ = out.flush();
}
