//! OpenAPI 3.2's additions (fixture `openapi_32`) on a loopback server: the
//! `query` method with a body, an `additionalOperations` method, an
//! `in: querystring` parameter written as the query string, `itemSchema`
//! typing event data and JSON lines, a tag's `parent` as the outer group,
//! and `defaultMapping` deciding where an unmapped tag goes.

use futures_util::StreamExt;
use integration_tests::fixtures::openapi_32::{self, types};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> openapi_32::Client {
    openapi_32::Client::builder(server.uri())
        .bearer_auth("device-token")
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_query_method_sends_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/books"))
        .and(body_json(json!({"text": "dragons"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "b1", "title": "Tehanu"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let search = types::Search::default().with_text("dragons");
    // Grouped by the tag `books` under its parent `catalog`.
    let books = client(&server)
        .await
        .catalog()
        .books()
        .search_books(search)
        .await
        .unwrap();
    assert_eq!(books[0].title.as_deref(), Some("Tehanu"));
}

#[tokio::test]
async fn an_additional_operation_uses_its_own_method() {
    let server = MockServer::start().await;
    Mock::given(method("LINK"))
        .and(path("/books"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).await.catalog().link_books().await.unwrap();
}

#[tokio::test]
async fn a_querystring_parameter_is_the_query_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/books"))
        .and(query_param("author", "Le Guin"))
        .and(query_param("year", "1990"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let filter = types::ListBooksFilter::default()
        .with_author("Le Guin")
        .with_year(1990)
        .with_tag(vec!["fantasy".to_owned(), "sea".to_owned()]);
    let books = client(&server)
        .await
        .catalog()
        .books()
        .list_books()
        .filter(filter)
        .await
        .unwrap();
    assert!(books.is_empty());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("author=Le+Guin&year=1990&tag=fantasy&tag=sea"),
        "every property a pair, a list property repeated"
    );
}

#[tokio::test]
async fn item_schemas_type_events_and_lines_and_default_mapping_takes_unmapped_tags() {
    let server = MockServer::start().await;
    let events = "event: change\ndata: {\"kind\": \"added\", \"book\": {\"id\": \"b1\"}}\n\n\
                  event: change\ndata: {\"kind\": \"renamed\", \"note\": \"was Tehanu\"}\n\n";
    Mock::given(method("GET"))
        .and(path("/books/changes"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(events, "text/event-stream"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/books/export"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"id\": \"b1\"}\n{\"id\": \"b2\"}\n", "application/jsonl"),
        )
        .mount(&server)
        .await;
    let client = client(&server).await;
    let changes: Vec<types::Change> = client
        .catalog()
        .books()
        .watch_changes()
        .await
        .unwrap()
        .map(|e| e.unwrap().data)
        .collect()
        .await;
    assert!(matches!(&changes[0], types::Change::Added(a) if a.book.id == "b1"));
    // `renamed` is mapped to nothing: `defaultMapping` makes it an `OtherChange`.
    match &changes[1] {
        types::Change::OtherChange(o) => assert_eq!(o.note.as_deref(), Some("was Tehanu")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        serde_json::to_value(&changes[1]).unwrap(),
        json!({"kind": "renamed", "note": "was Tehanu"}),
        "re-encodes unchanged"
    );
    let ids: Vec<String> = client
        .catalog()
        .books()
        .export_books()
        .await
        .unwrap()
        .map(|b| b.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, vec!["b1".to_owned(), "b2".to_owned()]);
}
