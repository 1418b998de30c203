//! The oracle harness's binary (written by `cargo xtask oracle`, the
//! library's name put in for `oracle_lib`): reads `<target>\t<json>` lines
//! on standard input for the spec its argument names (`0` by default) and
//! answers each with one JSON line (see `support::Outcome`).
//!
//! Then it fuzzes the decoders: each instance, mutated `FUZZ_DECODE_ROUNDS`
//! times (4 by default; seeded by its line, so a run is repeatable), goes
//! through the same decode and re-encode. No mutant may panic, and every
//! one accepted must encode again; the figures go to standard error as
//! `fuzz-decode: ...` (the oracle prints them), and a panic or an
//! unencodable value fails the harness.

use std::io::{BufRead, Write};

use oracle_lib::support::Outcome;

fn main() {
    let spec: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let rounds: u64 = std::env::var("FUZZ_DECODE_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(4);
    let mut fuzz = Fuzz::default();
    // Panics are counted and reported below, not printed one by one.
    std::panic::set_hook(Box::new(|_| {}));
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.split_once('\t') {
            Some((target, json)) => match target.parse::<usize>() {
                Ok(t) => {
                    fuzz.instance(spec, t, json.as_bytes(), rounds);
                    oracle_lib::round_trip(spec, t, json.as_bytes()).line()
                }
                Err(_) => Outcome::NoTarget.line(),
            },
            None => Outcome::NoTarget.line(),
        };
        if writeln!(out, "{answer}").is_err() {
            break;
        }
    }
    let _ = out.flush();
    eprintln!(
        "fuzz-decode: {} inputs, {} rejected with an error, {} accepted and re-encoded, {} panics, {} accepted but not re-encodable",
        fuzz.inputs, fuzz.rejected, fuzz.accepted, fuzz.panics, fuzz.unencodable
    );
    for example in &fuzz.examples {
        eprintln!("fuzz-decode: {example}");
    }
    if fuzz.panics > 0 || fuzz.unencodable > 0 {
        std::process::exit(3);
    }
}

/// The decoders fuzzed: counts, and the first few failures.
#[derive(Default)]
struct Fuzz {
    inputs: u64,
    rejected: u64,
    accepted: u64,
    panics: u64,
    unencodable: u64,
    examples: Vec<String>,
}

impl Fuzz {
    /// `rounds` mutants of `bytes` decoded as target `target`.
    fn instance(&mut self, spec: usize, target: usize, bytes: &[u8], rounds: u64) {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (self.inputs + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
        for _ in 0..rounds {
            let mutant = mutate(bytes, &mut rng);
            self.inputs += 1;
            let run = std::panic::catch_unwind(|| oracle_lib::round_trip(spec, target, &mutant));
            let failure = match run {
                Ok(Outcome::Ok { .. }) => {
                    self.accepted += 1;
                    None
                }
                Ok(Outcome::Refused(_)) | Ok(Outcome::NoTarget) => {
                    self.rejected += 1;
                    None
                }
                Ok(Outcome::Unencodable(e)) => {
                    self.unencodable += 1;
                    Some(format!("not re-encodable ({e})"))
                }
                Err(_) => {
                    self.panics += 1;
                    Some("panicked".to_owned())
                }
            };
            if let Some(what) = failure.filter(|_| self.examples.len() < 10) {
                let text = String::from_utf8_lossy(&mutant);
                let text: String = text.chars().take(300).collect();
                self.examples.push(format!("target {target}: {what}: {text}"));
            }
        }
    }
}

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `bytes`: a byte changed, dropped or repeated; a span cut
/// or doubled; a token from JSON's alphabet put in; a number made huge; a
/// value nested deep.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    const TOKENS: [&[u8]; 14] = [
        b"{", b"}", b"[", b"]", b",", b":", b"\"", b"null", b"true", b"-0", b"1e999",
        b"18446744073709551616", b"\"\\ud800\"", b"\xff",
    ];
    let mut out = bytes.to_vec();
    let at = rng.below(out.len() + 1);
    match rng.below(8) {
        0 if !out.is_empty() => {
            let i = at.min(out.len() - 1);
            out[i] = (rng.next() & 0xff) as u8;
        }
        1 if !out.is_empty() => {
            out.remove(at.min(out.len() - 1));
        }
        2 => {
            let end = (at + rng.below(32)).min(out.len());
            out.drain(at..end);
        }
        3 => {
            let end = (at + rng.below(64)).min(out.len());
            let span = out[at..end].to_vec();
            out.splice(at..at, span);
        }
        4 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            out.splice(at..at, token.iter().copied());
        }
        5 => {
            // A digit run made long.
            if let Some(i) = out.iter().position(|b| b.is_ascii_digit()) {
                out.splice(i..i, std::iter::repeat(b'9').take(40));
            }
        }
        6 => {
            let depth = 1 + rng.below(300);
            let mut deep = vec![b'['; depth];
            deep.extend_from_slice(&out);
            deep.extend(std::iter::repeat(b']').take(depth));
            out = deep;
        }
        _ => out.truncate(at),
    }
    out
}
