//! `cargo xtask fetch [API]`: downloads each API's live document from its
//! `upstream` URL, checks that it parses and generates, writes it to the
//! specs folder as `<api>-<year>-<month>.<json|yaml>`, updates the pin in
//! `specs/apis.toml`, and prints the change report's summary against the
//! document pinned before. On a network failure, a non-200 answer or a
//! document that does not generate, nothing is written.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use openapi_generator::{changes, generate, Options};

use openapi_runtime::transport::one_line;

use crate::manifest;
use crate::regen::sha256_hex;

pub fn run(manifest_path: &Path, specs_dir: &Path, only: Option<&str>) -> Result<(), String> {
    let (mut text, manifest) = manifest::read(manifest_path)?;
    let apis: Vec<_> = manifest
        .api
        .iter()
        .filter(|a| only.is_none_or(|o| o == a.name))
        .collect();
    if apis.is_empty() {
        return Err(format!(
            "no API named {:?} in {}",
            only.unwrap_or(""),
            manifest_path.display()
        ));
    }
    let mut updates = Vec::new();
    for api in apis {
        println!("{}: fetching {}", api.name, api.upstream);
        let bytes =
            download(&api.upstream).map_err(|e| format!("{}: {e}; nothing written", api.name))?;
        let options = Options {
            source_label: api.upstream.clone(),
            ..api.options.clone()
        };
        let new = generate(&bytes, &options).map_err(|e| {
            format!(
                "{}: the document from {} does not generate: {e}; nothing written",
                api.name, api.upstream
            )
        })?;
        let sha = sha256_hex(&bytes);
        if sha == api.sha256 {
            println!("{}: unchanged (sha256 {sha})", api.name);
            continue;
        }
        // The document pinned until now, for the report.
        let old_path = specs_dir.join(&api.file);
        let old = std::fs::read(&old_path)
            .ok()
            .and_then(|b| generate(&b, &options).ok())
            .map(|g| g.surface)
            .unwrap_or_default();
        let report = changes::compare(&old, &new.surface);
        let ext = if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            "json"
        } else {
            "yaml"
        };
        let file = format!("{}-{}.{ext}", api.name, year_month());
        updates.push((
            api.name.clone(),
            api.file.clone(),
            api.sha256.clone(),
            file,
            sha,
            bytes,
            report,
        ));
    }
    // Everything fetched and checked: now write.
    for (name, old_file, old_sha, file, sha, bytes, report) in updates {
        let path = specs_dir.join(&file);
        std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        text = manifest::with_pin(
            &manifest::with_file(&text, &old_file, &file),
            &old_sha,
            &sha,
        );
        println!(
            "{name}: wrote {} ({} bytes), pinned sha256 {sha}",
            path.display(),
            bytes.len()
        );
        println!("{name}: {}", report.summary());
        println!(
            "{name}: run `cargo xtask regen` to regenerate and write generated/CHANGES-{name}.md"
        );
    }
    std::fs::write(manifest_path, text).map_err(|e| format!("{}: {e}", manifest_path.display()))
}

/// GETs `url`; the body of a 200 answer.
fn download(url: &str) -> Result<Vec<u8>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = openapi_runtime::transport::http_client_builder()
            .map_err(|e| e.to_string())?
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("network failure fetching {url}: {}", one_line(&e)))?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(format!("{url} answered {}, not 200 OK", response.status()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("network failure reading {url}: {}", one_line(&e)))?;
        Ok(body.to_vec())
    })
}

/// `2026-12`, today in UTC.
fn year_month() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year}-{month:02}")
}
