//! Generates the client of `tests/fixtures/overlaid/openapi.yaml`, with the
//! overlay beside it, into `OUT_DIR` at build time with the generator's
//! library API: `generate_with` maps the spec's bytes (and the overlays',
//! and any other document the spec refers to, read by the closure) to files
//! in memory, with no IO of its own; this script writes them and a one-line
//! module declaration that `src/lib.rs` includes. Warnings are printed as
//! cargo warnings; an error fails the build with the place it is about.

use std::path::{Path, PathBuf};

use openapi_generator::overlay::Overlay;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new("../fixtures/overlaid");
    println!("cargo::rerun-if-changed={}", dir.display());
    let options = openapi_generator::Options {
        writer: "the build script of `tests/build-script`".into(),
        source_label: "tests/fixtures/overlaid".into(),
        ..openapi_generator::Options::default()
    };
    let overlay = Overlay::parse("overlay.yaml", &std::fs::read(dir.join("overlay.yaml"))?)?;
    let mut read = |file: &str| std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"));
    let spec = std::fs::read(dir.join("openapi.yaml"))?;
    let (generated, _) =
        openapi_generator::generate_with(&spec, "openapi.yaml", &mut read, &[overlay], &options)?;
    for warning in &generated.summary.warnings {
        println!("cargo::warning={warning}");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let module = out.join("pets");
    for (file, text) in &generated.files {
        let path = module.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    // `include!` takes one file; the module's own files sit in `pets/`.
    let root = module.join("mod.rs");
    std::fs::write(
        out.join("pets.rs"),
        format!(
            "#[path = {:?}]\npub mod pets;\n",
            root.display().to_string()
        ),
    )?;
    Ok(())
}
