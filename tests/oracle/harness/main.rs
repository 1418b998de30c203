//! The oracle harness's binary (written by `cargo xtask oracle`, the
//! library's name put in for `oracle_lib`): reads `<target>\t<json>` lines
//! on standard input for the spec its argument names (`0` by default) and
//! answers each with one JSON line (see `support::Outcome`).

use std::io::{BufRead, Write};

use oracle_lib::support::Outcome;

fn main() {
    let spec: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.split_once('\t') {
            Some((target, json)) => match target.parse::<usize>() {
                Ok(t) => oracle_lib::round_trip(spec, t, json.as_bytes()).line(),
                Err(_) => Outcome::NoTarget.line(),
            },
            None => Outcome::NoTarget.line(),
        };
        if writeln!(out, "{answer}").is_err() {
            break;
        }
    }
    let _ = out.flush();
}
