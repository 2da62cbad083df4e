//! `awsjson-codegen`: import an AWS model into a schema directory, generate Rust from one, or
//! check that generated code is up to date.

use std::path::PathBuf;
use std::process::ExitCode;

use awsjson_codegen::emit::{EmitOptions, Layout};
use awsjson_codegen::import_botocore::{ImportOptions, import_botocore};
use awsjson_codegen::load::LoadOptions;
use awsjson_codegen::write::{check_dir, write_dir};
use awsjson_codegen::{Error, generate_dir};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Rust SDK generator for AWS JSON 1.0/1.1 services, from JSON Schema")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a botocore model (service-2.json[.gz]) into a schema directory.
    ImportBotocore {
        /// The model file, e.g. botocore/data/cognito-idp/2016-04-18/service-2.json.gz.
        model: PathBuf,
        /// The schema directory to write (files that changed are rewritten, stale ones removed).
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
        /// paginators-1.json (default: the one next to the model, if present).
        #[arg(long)]
        paginators: Option<PathBuf>,
        /// Base URL of the service's API reference (default: keep the one in service.json).
        #[arg(long)]
        api_reference: Option<String>,
    },
    /// Generate Rust from a schema directory into an output directory.
    Generate {
        #[command(flatten)]
        input: Input,
        /// Directory to write (only changed files are written; stale ones are removed).
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Put every module in one lib.rs instead of one file per module.
        #[arg(long)]
        single_file: bool,
    },
    /// Exit non-zero if the output directory differs from what `generate` would write.
    Check {
        #[command(flatten)]
        input: Input,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct Input {
    /// The schema directory.
    #[arg(default_value = "schemas")]
    schemas: PathBuf,
    /// Target prefix, for directories without a service.json.
    #[arg(long)]
    target_prefix: Option<String>,
    /// API reference base URL, when the directory does not give one.
    #[arg(long)]
    api_reference: Option<String>,
    /// Write the models (types, operations, validation tables) as a crate of their own, with
    /// this Rust name, under OUT/models/ (this repository: cognito_idp_models).
    #[arg(long)]
    models_crate: Option<String>,
}

impl Input {
    fn load_options(&self) -> LoadOptions {
        LoadOptions { name: None, target_prefix: self.target_prefix.clone(), api_reference: self.api_reference.clone() }
    }

    fn emit_options(&self) -> EmitOptions {
        EmitOptions { models_crate: self.models_crate.clone(), ..EmitOptions::default() }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::ImportBotocore { model, out, paginators, api_reference } => {
            let paginators = paginators.or_else(|| {
                let sibling = model.with_file_name("paginators-1.json");
                sibling.exists().then_some(sibling)
            });
            let report = import_botocore(&model, &out, &ImportOptions { paginators, api_reference })?;
            println!(
                "{} operations ({} public), {} types: {} files written, {} removed, {} unchanged",
                report.operations,
                report.public_operations,
                report.types,
                report.written.len(),
                report.removed.len(),
                report.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { input, out, single_file } => {
            let options = EmitOptions {
                layout: if single_file { Layout::SingleFile } else { Layout::Files },
                ..input.emit_options()
            };
            let files = generate_dir(&input.schemas, &input.load_options(), &options)?;
            let report = write_dir(&out, &files)?;
            println!(
                "{} files: {} written, {} removed, {} unchanged",
                files.len(),
                report.written.len(),
                report.removed.len(),
                report.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { input, out } => {
            let files = generate_dir(&input.schemas, &input.load_options(), &input.emit_options())?;
            let report = check_dir(&out, &files)?;
            if report.is_clean() {
                println!("{} is up to date ({} files)", out.display(), files.len());
                return Ok(ExitCode::SUCCESS);
            }
            for f in &report.written {
                println!("stale: {f}");
            }
            for f in &report.removed {
                println!("not generated: {f}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
