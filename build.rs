//! Regenerates `generated/` from `schemas/` whenever either the schemas or the generator change.
//!
//! It is the build script of the models crate (`models/Cargo.toml`), the first of the generated
//! crates to build, so it runs before anything compiles `generated/`; paths here are relative to
//! `models/`. Files are written only when their content differs, so a build with nothing new
//! recompiles nothing. Crates that depend on this one turn the `regenerate` feature off and never
//! build the generator: they compile the checked-in `generated/` as it is.

fn main() {
    println!("cargo:rerun-if-changed=../schemas");
    println!("cargo:rerun-if-changed=../codegen/src");
    println!("cargo:rerun-if-changed=../build.rs");
    #[cfg(feature = "regenerate")]
    regenerate();
}

#[cfg(feature = "regenerate")]
fn regenerate() {
    use awsjson_codegen::{emit::EmitOptions, generate_dir, load::LoadOptions, write::write_dir};

    let manifest =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("models/ is inside the repository");
    // The same options as tests/generated.rs, which checks that generated/ is fresh.
    let options = EmitOptions { models_crate: Some("cognito_idp_models".into()), ..EmitOptions::default() };
    let files = generate_dir(&root.join("schemas"), &LoadOptions::default(), &options)
        .unwrap_or_else(|e| fail(&format!("cannot generate from schemas/: {e}")));
    let report = write_dir(&root.join("generated"), &files).unwrap_or_else(|e| fail(&e.to_string()));
    if !report.is_clean() {
        println!(
            "cargo:warning=generated/ regenerated: {} file(s) written, {} removed (review and commit them)",
            report.written.len(),
            report.removed.len()
        );
    }
}

#[cfg(feature = "regenerate")]
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
