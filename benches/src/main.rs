//! Decode benchmark for `cargo xtask bench`: a page of 1,000 Polar members
//! (the response of `client.members().list_members()`), decoded into the
//! generated types and into hand-written `#[derive(Deserialize)]` structs of
//! the same shape, alternately in the same process. Prints one `decode:` line.
//!
//! Run it optimised: `cargo run --release -p benches --bin benches`.

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use api_clients::polar::types::{ListResourceMember, MemberRole};
use serde::Deserialize;

/// What a person would write by hand for the same response.
mod hand {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    pub struct ListResourceMember {
        pub items: Vec<Member>,
        pub pagination: Pagination,
    }

    #[derive(Debug, Deserialize)]
    pub struct Pagination {
        pub total_count: i64,
        pub max_page: i64,
    }

    #[derive(Debug, Deserialize)]
    pub struct Member {
        pub id: uuid::Uuid,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub modified_at: Option<chrono::DateTime<chrono::Utc>>,
        pub customer_id: uuid::Uuid,
        pub email: String,
        pub name: Option<String>,
        pub external_id: Option<String>,
        pub role: MemberRole,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MemberRole {
        Owner,
        BillingManager,
        Member,
    }
}

const MEMBERS: usize = 1000;

/// A page of members with the variety a real one has: nulls, three roles,
/// names of different lengths, most keys in the spec's order.
fn page() -> String {
    page_of(MEMBERS)
}

/// A `list_members` page of `members` members.
fn page_of(members: usize) -> String {
    let roles = ["owner", "billing_manager", "member"];
    let names = ["Jane Doe", "Ada", "Grace Brewster Murray Hopper", "Linus"];
    let items: Vec<String> = (0..members)
        .map(|i| {
            let id = uuid::Uuid::from_u128(0x9f3a_0000_0000_4000_8000_0000_0000_0000 + i as u128);
            let customer = uuid::Uuid::from_u128(0x1c0f_0000_0000_4000_8000_0000_0000_0000 + (i / 7) as u128);
            let modified = if i % 3 == 0 {
                "null".to_owned()
            } else {
                format!("\"2025-03-{:02}T08:{:02}:00.123456Z\"", 1 + i % 28, i % 60)
            };
            let name = if i % 5 == 0 {
                "null".to_owned()
            } else {
                format!("\"{}\"", names[i % names.len()])
            };
            let external = if i % 2 == 0 {
                "null".to_owned()
            } else {
                format!("\"usr_{i}\"")
            };
            format!(
                r#"{{"id":"{id}","created_at":"2024-11-{:02}T12:{:02}:30Z","modified_at":{modified},"customer_id":"{customer}","email":"member{i}@example.com","name":{name},"external_id":{external},"role":"{}"}}"#,
                1 + i % 28,
                i % 60,
                roles[i % roles.len()],
            )
        })
        .collect();
    format!(
        r#"{{"items":[{}],"pagination":{{"total_count":{MEMBERS},"max_page":1}}}}"#,
        items.join(",")
    )
}

/// The fastest of `rounds` timings of `f`, each over `iterations` calls.
fn best<T>(rounds: usize, iterations: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..iterations {
                black_box(f());
            }
            started.elapsed() / iterations as u32
        })
        .min()
        .unwrap_or_default()
}

fn main() -> Result<(), serde_json::Error> {
    let json = page();
    // Both decode the same data.
    let generated: ListResourceMember = serde_json::from_str(&json)?;
    let hand: hand::ListResourceMember = serde_json::from_str(&json)?;
    assert_eq!(generated.items.len(), MEMBERS);
    for (g, h) in generated.items.iter().zip(&hand.items) {
        assert_eq!(
            (g.id, g.created_at, g.modified_at, g.customer_id),
            (h.id, h.created_at, h.modified_at, h.customer_id)
        );
        assert_eq!(
            (&g.email, &g.name, &g.external_id),
            (&h.email, &h.name, &h.external_id)
        );
        let role = match h.role {
            hand::MemberRole::Owner => MemberRole::Owner,
            hand::MemberRole::BillingManager => MemberRole::BillingManager,
            hand::MemberRole::Member => MemberRole::Member,
        };
        assert_eq!(g.role, role);
    }
    assert_eq!(
        (
            generated.pagination.total_count,
            generated.pagination.max_page
        ),
        (hand.pagination.total_count, hand.pagination.max_page)
    );

    // Alternate the two so drift in the machine's speed hits both alike.
    let (mut gen_best, mut hand_best) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        // As a call decodes a body: the runtime's reader.
        gen_best = gen_best.min(best(5, 20, || {
            openapi_runtime::json::from_str::<ListResourceMember>(&json)
        }));
        hand_best = hand_best.min(best(5, 20, || {
            hand::ListResourceMember::deserialize(&mut serde_json::Deserializer::from_str(&json))
        }));
    }
    let mb = json.len() as f64 / 1e6;
    let rate = |d: Duration| mb / d.as_secs_f64();
    println!(
        "decode: members={MEMBERS} bytes={} generated_us={:.1} handwritten_us={:.1} generated_mb_s={:.1} handwritten_mb_s={:.1} ratio={:.3}",
        json.len(),
        gen_best.as_secs_f64() * 1e6,
        hand_best.as_secs_f64() * 1e6,
        rate(gen_best),
        rate(hand_best),
        hand_best.as_secs_f64() / gen_best.as_secs_f64()
    );

    // Large bodies through the runtime's decode (what a call does with a
    // response): time per byte should not grow with the size.
    let time = |members: usize| {
        let body = openapi_runtime::Bytes::from(page_of(members));
        let bytes = body.len();
        let took = (0..3)
            .map(|_| {
                let raw = openapi_runtime::RawResponse {
                    status: openapi_runtime::StatusCode::OK,
                    headers: openapi_runtime::HeaderMap::new(),
                    body: body.clone(),
                };
                let started = Instant::now();
                let page = raw.json::<ListResourceMember, std::convert::Infallible>();
                let took = started.elapsed();
                assert_eq!(page.map(|p| p.body.items.len()).ok(), Some(members));
                took
            })
            .min()
            .unwrap_or_default();
        (bytes, took)
    };
    let (small_bytes, small) = time(20_000);
    let (large_bytes, large) = time(200_000);
    let per_mb = |bytes: usize, d: Duration| d.as_secs_f64() * 1e3 / (bytes as f64 / 1e6);
    println!(
        "large: small_bytes={small_bytes} small_ms={:.1} large_bytes={large_bytes} large_ms={:.1} small_ms_per_mb={:.2} large_ms_per_mb={:.2}",
        small.as_secs_f64() * 1e3,
        large.as_secs_f64() * 1e3,
        per_mb(small_bytes, small),
        per_mb(large_bytes, large),
    );
    Ok(())
}
