//! A client generated when this crate builds (see `build.rs`), used like
//! any other: the module `pets` is what `openapi_generator::generate_with`
//! wrote for `tests/fixtures/overlaid` with its overlay.

include!(concat!(env!("OUT_DIR"), "/pets.rs"));

#[cfg(test)]
mod tests {
    use super::pets;
    use openapi_runtime::{mock::MockTransport, StatusCode};

    #[tokio::test]
    async fn the_generated_client_calls_and_decodes() {
        let mock = MockTransport::new();
        let client = pets::Client::builder("http://pets.test")
            .transport(mock.clone())
            .build()
            .unwrap();
        // `bird` is there because of the overlay.
        let pet = pets::types::Pet::new("p-1", pets::types::PetKind::Bird);
        mock.on(&client.get_pet("p-1"))
            .respond(StatusCode::OK, &pet);
        assert_eq!(client.get_pet("p-1").await.unwrap(), pet);
        assert_eq!(mock.requests()[0].url.path(), "/pets/p-1");
    }
}
