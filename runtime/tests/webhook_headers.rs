//! Fuzzes the webhook verifier's header parsing: seeded mutants of a genuine
//! delivery's `webhook-id`, `webhook-timestamp` and `webhook-signature`
//! values (and body) through `verify_at`, `verify_pairs` and `verify`. None
//! may panic, and none may verify unless the genuine signature, id,
//! timestamp and body are all still there (only whitespace and other
//! signature entries may be added). `FUZZ_WEBHOOK_ROUNDS` sets the count
//! (50,000 by default).

use std::time::{Duration, UNIX_EPOCH};

use openapi_runtime::webhooks::{KeyMode, Verifier};
use openapi_runtime::HeaderMap;

/// The example of the Standard Webhooks specification.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// xorshift64*, seeded: the same mutants on every machine.
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

/// One mutation of `text`: a byte changed, dropped or repeated, a span cut
/// or doubled, something from the headers' alphabet put in.
fn mutate(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    const BITS: [&[u8]; 12] = [
        b" ",
        b"\t",
        b",",
        b"v1,",
        b"v2,",
        b"=",
        b"-",
        b"99999999999999999999",
        b"\xff",
        b"\xc3\xa9",
        b"+/",
        b"\0",
    ];
    let mut out = text.to_vec();
    let at = rng.below(out.len() + 1);
    match rng.below(6) {
        0 if !out.is_empty() => {
            let i = at.min(out.len() - 1);
            out[i] = (rng.next() & 0xff) as u8;
        }
        1 if !out.is_empty() => {
            out.remove(at.min(out.len() - 1));
        }
        2 => {
            let end = (at + rng.below(16)).min(out.len());
            out.drain(at..end);
        }
        3 => {
            let end = (at + rng.below(16)).min(out.len());
            let span = out[at..end].to_vec();
            out.splice(at..at, span);
        }
        4 => {
            let bit = BITS[rng.below(BITS.len())];
            out.splice(at..at, bit.iter().copied());
        }
        _ => out.truncate(at),
    }
    out
}

#[test]
fn mutated_webhook_headers_never_panic_and_never_verify_a_forgery() {
    let rounds: u64 = std::env::var("FUZZ_WEBHOOK_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50_000);
    let verifier = Verifier::new(SECRET, KeyMode::Standard).unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(1614265330 + 10);
    let genuine = |body: &[u8], id: &str, ts: &str, sig: &str| {
        body == BODY
            && id == ID
            && ts.trim() == TIMESTAMP
            && sig.split_whitespace().any(|s| s == SIGNATURE)
    };
    let (mut rejected, mut accepted) = (0u64, 0u64);
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    for _ in 0..rounds {
        // Mutate one or two of the four parts, now and then all of them.
        let mut parts = [BODY.to_vec(), ID.into(), TIMESTAMP.into(), SIGNATURE.into()];
        for _ in 0..1 + rng.below(2) {
            let k = rng.below(4);
            parts[k] = mutate(&parts[k], &mut rng);
        }
        let [body, id, ts, sig] = &parts;
        // Header values are text: what is not UTF-8 cannot reach verify_at.
        let (Ok(id), Ok(ts), Ok(sig)) = (
            std::str::from_utf8(id),
            std::str::from_utf8(ts),
            std::str::from_utf8(sig),
        ) else {
            rejected += 1;
            continue;
        };
        let at = verifier.verify_at(body, id, ts, sig, now);
        let pairs = verifier.verify_pairs(
            body,
            [
                ("Webhook-Id", id),
                ("webhook-timestamp", ts),
                ("WEBHOOK-SIGNATURE", sig),
            ],
        );
        // The real clock is years past the example: only the age may fail.
        assert!(pairs.is_err(), "{id:?} {ts:?} {sig:?}");
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("webhook-id", id),
            ("webhook-timestamp", ts),
            ("webhook-signature", sig),
        ] {
            if let Ok(v) = value.parse() {
                headers.insert(name, v);
            }
        }
        assert!(verifier.verify(body, &headers).is_err());
        match at {
            Ok(()) => {
                assert!(
                    genuine(body, id, ts, sig),
                    "a forgery verified: id {id:?}, timestamp {ts:?}, signature {sig:?}, body {:?}",
                    String::from_utf8_lossy(body)
                );
                accepted += 1;
            }
            Err(_) => rejected += 1,
        }
    }
    println!(
        "fuzz-webhook-headers: {rounds} inputs, {rejected} rejected with an error, {accepted} verified (each with the genuine id, timestamp, body and signature), no panic"
    );
    // Some mutants keep the delivery genuine (whitespace, an added entry):
    // the verifier must take those, or it refuses everything.
    assert!(
        accepted > 0 && rejected > rounds / 2,
        "{accepted} / {rejected}"
    );
}
