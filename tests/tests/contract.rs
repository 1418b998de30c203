//! Contract tests: operations called through the generated clients against
//! Prism serving the real spec, in dynamic mode (random schema-valid answers,
//! extra properties included). Prism rejects requests that violate the spec
//! (`sl-violations`), so these prove the client agrees with the spec, not
//! only with its authors.
//!
//! Today: the member operations of both APIs (Polar 13, ConfigCat 10); GETs
//! are called five times for varied data. Every operation is next.

mod common;

use std::fmt::Debug;

use api_clients::{configcat, polar};
use common::prism::Prism;
use openapi_runtime::{Error, HeaderMap, Patch, Response, RetryPolicy};

const GET_ROUNDS: usize = 5;
const PRISM_ERRORS: &str = "stoplight.io/prism/errors#";

#[derive(Default)]
struct Tally {
    passed: Vec<String>,
    skipped: Vec<(String, String)>,
    failed: Vec<(String, String)>,
}

enum Verdict {
    Pass,
    Skip(String),
    Fail(String),
}

fn violations(headers: &HeaderMap) -> Option<String> {
    headers
        .get("sl-violations")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn excerpt(s: &str) -> String {
    s.chars().take(400).collect()
}

/// Judges one call: no request violation, and the answer decoded into the
/// documented success or error type.
fn judge<T, E: Debug>(result: Result<Response<T>, Error<E>>) -> Verdict {
    match result {
        Ok(r) => match violations(&r.headers) {
            Some(v) => Verdict::Fail(format!("request violation: {v}")),
            None => Verdict::Pass,
        },
        Err(Error::Api(api)) => match violations(&api.headers) {
            Some(v) => Verdict::Fail(format!("request violation ({}): {v}", api.status)),
            None => Verdict::Pass,
        },
        Err(Error::UnexpectedStatus(r)) => {
            if let Some(v) = violations(&r.headers) {
                Verdict::Fail(format!("request violation ({}): {v}", r.status))
            } else if r.status.as_u16() == 500 && r.body.contains(PRISM_ERRORS) {
                Verdict::Skip(excerpt(&r.body))
            } else {
                Verdict::Fail(format!(
                    "undocumented status {}: {}",
                    r.status,
                    excerpt(&r.body)
                ))
            }
        }
        Err(Error::Decode(d)) => Verdict::Fail(format!(
            "did not decode ({}): {}; body: {}",
            d.status,
            d.source,
            excerpt(&d.body)
        )),
        Err(other) => Verdict::Fail(other.to_string()),
    }
}

impl Tally {
    /// Records an operation from the verdicts of its calls: any failure fails it,
    /// else any skip skips it.
    fn record(&mut self, id: &str, verdicts: Vec<Verdict>) {
        let mut skip = None;
        for v in verdicts {
            match v {
                Verdict::Pass => {}
                Verdict::Skip(why) => skip = Some(why),
                Verdict::Fail(why) => {
                    self.failed.push((id.to_owned(), why));
                    return;
                }
            }
        }
        match skip {
            Some(why) => self.skipped.push((id.to_owned(), why)),
            None => self.passed.push(id.to_owned()),
        }
    }

    fn report(&self, api: &str) {
        let total = self.passed.len() + self.skipped.len() + self.failed.len();
        println!(
            "contract {api}: {}/{total} operations passed, {} skipped (prism could not generate), {} failed",
            self.passed.len(),
            self.skipped.len(),
            self.failed.len()
        );
        for (id, why) in &self.skipped {
            println!("  skipped {id}: {why}");
        }
        for (id, why) in &self.failed {
            println!("  FAILED {id}: {why}");
        }
        assert!(
            self.failed.is_empty(),
            "contract {api}: {} operation(s) failed",
            self.failed.len()
        );
    }
}

/// Calls `$call` (a request builder expression) `$rounds` times and records it.
macro_rules! check {
    ($tally:expr, $id:literal, $rounds:expr, $call:expr) => {{
        let mut verdicts = Vec::new();
        for _ in 0..$rounds {
            let request = $call;
            verdicts.push(judge(request.clone().send_with_response().await));
        }
        $tally.record($id, verdicts);
    }};
}

fn uuid(s: &str) -> uuid::Uuid {
    s.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polar_member_operations_agree_with_the_spec() {
    let prism = Prism::start(&common::specs_dir().join("polar-2026-10.json"));
    let client = polar::Client::builder(prism.url())
        .bearer_auth("polar_oat_contract")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let customer = uuid("9c8b7a69-5d4e-4f3a-8b2c-1d0e9f8a7b6c");
    let member = uuid("4b5d1a36-0f6b-4b7e-9a2b-0d1c2e3f4a5b");
    let create = polar::types::MemberCreateFromCustomer {
        email: "member@example.com".into(),
        name: Patch::Set("Jane Doe".into()),
        external_id: Patch::Null,
        role: Some(polar::types::MemberCreateFromCustomerRole::Member),
    };
    let update = polar::types::MemberUpdate {
        name: Patch::Null,
        role: Patch::Set(polar::types::MemberRole::BillingManager),
        ..Default::default()
    };
    let portal_create = polar::types::CustomerPortalMemberCreate {
        email: "new@example.com".into(),
        name: Patch::Absent,
        role: Some(polar::types::MemberRole::Member),
    };
    let portal_update = polar::types::CustomerPortalMemberUpdate {
        role: Patch::Set(polar::types::MemberRole::Member),
        ..Default::default()
    };
    let mut t = Tally::default();
    let members = client.members();
    let customer_members = client.customers().members();
    let portal = client.customer_portal().members();
    check!(
        t,
        "members:list_members",
        GET_ROUNDS,
        members
            .list_members()
            .customer_id(customer)
            .page(1)
            .limit(10)
    );
    check!(
        t,
        "customers:members:create",
        1,
        customer_members.create(customer, create.clone())
    );
    check!(
        t,
        "customers:members:create_external",
        1,
        customer_members.create_external("cus_1", create.clone())
    );
    check!(
        t,
        "customers:members:get",
        GET_ROUNDS,
        customer_members.get(customer, member)
    );
    check!(
        t,
        "customers:members:update",
        1,
        customer_members.update(customer, member, update.clone())
    );
    check!(
        t,
        "customers:members:delete",
        1,
        customer_members.delete(customer, member)
    );
    check!(
        t,
        "customers:members:get_external",
        GET_ROUNDS,
        customer_members.get_external("cus_1", "usr_1")
    );
    check!(
        t,
        "customers:members:update_external",
        1,
        customer_members.update_external("cus_1", "usr_1", update.clone())
    );
    check!(
        t,
        "customers:members:delete_external",
        1,
        customer_members.delete_external("cus_1", "usr_1")
    );
    check!(
        t,
        "customer_portal:members:list_members",
        GET_ROUNDS,
        portal.list_members().limit(5)
    );
    check!(
        t,
        "customer_portal:members:add_member",
        1,
        portal.add_member(portal_create.clone())
    );
    check!(
        t,
        "customer_portal:members:update_member",
        1,
        portal.update_member(member, portal_update.clone())
    );
    check!(
        t,
        "customer_portal:members:remove_member",
        1,
        portal.remove_member(member)
    );
    t.report("polar");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configcat_member_operations_agree_with_the_spec() {
    let prism = Prism::start(&common::specs_dir().join("configcat-2026-08.yaml"));
    let client = configcat::Client::builder(prism.url())
        .basic_auth("contract-user", "contract-pass")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let org = uuid("08d8b5b5-7a44-4e2a-8d1c-0f6f1a2b3c4d");
    let product = uuid("046b6c7f-0b8a-43b9-b35d-6489e6daee91");
    let invitation = uuid("5f0c3e2a-1b4d-4c6e-8f7a-9b0c1d2e3f4a");
    let invite = configcat::types::InviteMembersRequest {
        emails: vec!["a@example.com".into()],
        permission_group_id: 5,
    };
    let permissions = configcat::types::UpdateMemberPermissionsRequest {
        permission_group_ids: Patch::Set(vec![1, 2]),
        is_admin: Patch::Set(false),
        ..Default::default()
    };
    let mut t = Tally::default();
    let m = client.members();
    #[allow(deprecated)]
    let v1 = m.get_organization_members(org);
    check!(t, "get-organization-members", GET_ROUNDS, v1.clone());
    check!(
        t,
        "get-organization-members-v2",
        GET_ROUNDS,
        m.get_organization_members_v2(org)
    );
    check!(
        t,
        "get-pending-invitations-org",
        GET_ROUNDS,
        m.get_pending_invitations_org(org)
    );
    check!(
        t,
        "get-pending-invitations",
        GET_ROUNDS,
        m.get_pending_invitations(product)
    );
    check!(
        t,
        "get-product-members",
        GET_ROUNDS,
        m.get_product_members(product)
    );
    check!(
        t,
        "invite-member",
        1,
        m.invite_member(product, invite.clone())
    );
    check!(
        t,
        "add-member-to-group",
        1,
        m.add_member_to_group(org, "user-1", permissions.clone())
    );
    check!(
        t,
        "delete-organization-member",
        1,
        m.delete_organization_member(org, "user-1")
    );
    check!(t, "delete-invitation", 1, m.delete_invitation(invitation));
    check!(
        t,
        "delete-product-member",
        1,
        m.delete_product_member(product, "user-1")
    );
    t.report("configcat");
}
