//! From the intermediate model to Rust source.
//!
//! The crate it produces has these modules: `types` (one module per structure or enum, typify
//! for structures), `operation` (a marker type and error enum per operation), `error_code` (the
//! `ErrorCode` enum of every error the model defines, re-exported at the root), `shapes`
//! (validation tables), `client` and `server` (optional, behind cargo features).

mod client;
pub(crate) mod docs;
mod enums;
mod error_codes;
mod inline;
pub mod names;
mod operations;
pub mod render;
mod rust_types;
mod server;
mod shapes;
mod structs;
mod unions;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub use render::{HEADER, Layout};
pub use structs::{FieldInfo, StructInfo};

use crate::model::Service;
use render::Module;

/// Where the generated code finds its runtimes, and how it is laid out.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Path of the shared model runtime crate.
    pub types_crate: String,
    /// Path of the client runtime crate.
    pub client_crate: String,
    /// Path of the server runtime crate.
    pub server_crate: String,
    /// Cargo feature gating the client module (`None`: always compiled).
    pub client_feature: Option<String>,
    /// Cargo feature gating the server module (`None`: always compiled).
    pub server_feature: Option<String>,
    /// With [`Layout::Files`]: put `types`, `operation` and `shapes` in a crate of their own,
    /// written under `models/`, which the main crate re-exports (`crate::types` keeps working).
    /// The value is that crate's name as Rust spells it (`cognito_idp_models`). The models are
    /// most of the code but need no HTTP stack, so cargo compiles them while it compiles the
    /// client's network stack instead of after it.
    pub models_crate: Option<String>,
    pub layout: Layout,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            types_crate: "::awsjson_types".into(),
            client_crate: "::awsjson_client".into(),
            server_crate: "::awsjson_server".into(),
            client_feature: Some("client".into()),
            server_feature: Some("server".into()),
            models_crate: None,
            layout: Layout::Files,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("typify: {0}")]
    Typify(String),
    #[error("generated {file} does not parse (a generator bug): {message}")]
    Syntax { file: String, message: String },
    #[error("invalid runtime crate path `{0}`")]
    CratePath(String),
    #[error("two shapes map to the Rust name `{0}`")]
    NameClash(String),
}

/// Everything an emitter needs: the model, options, and the runtime paths as tokens.
pub struct Cx<'a> {
    pub service: &'a Service,
    pub options: &'a EmitOptions,
    pub types_rt: TokenStream,
    pub client_rt: TokenStream,
    pub server_rt: TokenStream,
}

/// The generated crate: relative path -> file content.
pub type Files = BTreeMap<String, String>;

/// Emits the whole crate for `service`.
pub fn emit(service: &Service, options: &EmitOptions) -> Result<Files, EmitError> {
    let path =
        |p: &str| syn::parse_str::<syn::Path>(p).map(|p| quote!(#p)).map_err(|_| EmitError::CratePath(p.to_string()));
    let cx = Cx {
        service,
        options,
        types_rt: path(&options.types_crate)?,
        client_rt: path(&options.client_crate)?,
        server_rt: path(&options.server_crate)?,
    };
    check_names(service)?;
    let parts = crate_parts(&cx)?;
    let client = client::module(&cx, &parts.infos).with_attrs(feature_gate(&options.client_feature));
    let server = Module::new("server", server::emit(&cx)).with_attrs(feature_gate(&options.server_feature));
    let models = vec![parts.types, parts.operation, parts.shapes, parts.error_code];
    match (&options.models_crate, options.layout) {
        (Some(models_crate), Layout::Files) => {
            let ident =
                syn::parse_str::<syn::Ident>(models_crate).map_err(|_| EmitError::CratePath(models_crate.clone()))?;
            let models_root = Module::new("lib", models_lib_items(&cx)).with_children(models);
            let main_root = Module::new("lib", lib_items(&cx, Some(&ident))).with_children(vec![client, server]);
            let mut files = render::render(&main_root, Layout::Files)?;
            for (path, content) in render::render(&models_root, Layout::Files)? {
                files.insert(format!("{MODELS_DIR}/{path}"), content);
            }
            Ok(files)
        }
        _ => {
            let mut children = models;
            children.extend([client, server]);
            render::render(&Module::new("lib", lib_items(&cx, None)).with_children(children), options.layout)
        }
    }
}

/// Where [`EmitOptions::models_crate`] puts the models crate, relative to the output directory.
pub const MODELS_DIR: &str = "models";

/// The modules every layout has, and what the client emitter needs to know of the structures.
struct CrateParts {
    types: Module,
    operation: Module,
    shapes: Module,
    error_code: Module,
    infos: BTreeMap<String, StructInfo>,
}

fn check_names(service: &Service) -> Result<(), EmitError> {
    let mut seen = BTreeMap::new();
    for shape in service.shapes.values().filter(|s| s.is_structure() || s.is_enum() || s.is_union()) {
        if seen.insert(names::module_name(&shape.name), &shape.name).is_some() {
            return Err(EmitError::NameClash(names::type_name(&shape.name)));
        }
    }
    Ok(())
}

fn crate_parts(cx: &Cx) -> Result<CrateParts, EmitError> {
    let service = cx.service;
    let mut structs = structs::emit(cx)?;
    let infos: BTreeMap<String, StructInfo> = structs.iter().map(|(k, (_, info))| (k.clone(), info.clone())).collect();
    let mut type_modules = Vec::new();
    let mut reexports = Vec::new();
    for shape in service.shapes.values() {
        let items = if shape.is_enum() {
            enums::emit(cx, shape)
        } else if shape.is_union() {
            unions::emit(cx, shape)
        } else if let Some((tokens, _)) = structs.remove(&shape.name) {
            tokens
        } else {
            continue;
        };
        let module = format_ident!("{}", names::module_name(&shape.name));
        let ty = format_ident!("{}", names::type_name(&shape.name));
        reexports.push(quote!(pub use #module::#ty;));
        type_modules.push(Module::new(module.to_string(), items).private());
    }
    let types_doc = docs::inner("The service's data types: requests, responses, errors, structures and enums.");
    let types = Module::new(
        "types",
        quote! {
            #types_doc
            #(#reexports)*
        },
    )
    .with_children(type_modules);

    let mut op_modules = Vec::new();
    let mut op_reexports = Vec::new();
    for op in service.operations.values() {
        let module = format_ident!("{}", names::module_name(&op.name));
        let marker = format_ident!("{}", names::type_name(&op.name));
        let error = format_ident!("{}Error", names::type_name(&op.name));
        op_reexports.push(quote!(pub use #module::{#marker, #error};));
        op_modules.push(Module::new(module.to_string(), operations::emit(cx, op, &infos)).private());
    }
    let markers = service.operations.keys().map(|op| format_ident!("{}", names::type_name(op)));
    let types_rt = &cx.types_rt;
    let operation_doc = docs::inner(
        "One marker type per operation (its name, auth, pagination, input and output types) and its error enum.",
    );
    let operation = Module::new(
        "operation",
        quote! {
            #operation_doc
            #(#op_reexports)*

            /// Calls `visitor.visit::<Op>()` for every operation, in name order.
            pub fn visit_all<V: #types_rt::OperationVisitor>(visitor: &mut V) {
                #( visitor.visit::<#markers>(); )*
            }
        },
    )
    .with_children(op_modules);

    let shapes = Module::new("shapes", shapes::emit(cx));
    let error_code = Module::new(error_codes::MODULE, error_codes::emit(cx));
    Ok(CrateParts { types, operation, shapes, error_code, infos })
}

/// The service's protocol facts as a static.
fn service_static(cx: &Cx) -> TokenStream {
    let s = cx.service;
    let types_rt = &cx.types_rt;
    let (name, title, prefix, signing, endpoint) =
        (&s.name, &s.title, &s.target_prefix, &s.signing_name, &s.endpoint_prefix);
    let content_type = s.protocol.content_type();
    // The service's own name for invalid input, if it models one.
    let validation_error = s.validation_error.as_deref().unwrap_or_else(|| {
        ["InvalidParameterException", "ValidationException"]
            .into_iter()
            .find(|e| s.shapes.get(*e).is_some_and(|shape| shape.error.is_some()))
            .unwrap_or("ValidationException")
    });
    let api_version = match &s.api_version {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    quote! {
        /// Protocol facts of the service.
        pub static SERVICE: #types_rt::ServiceInfo = #types_rt::ServiceInfo {
            name: #name,
            title: #title,
            api_version: #api_version,
            target_prefix: #prefix,
            signing_name: #signing,
            endpoint_prefix: #endpoint,
            content_type: #content_type,
            validation_error: #validation_error,
        };
    }
}

/// The root of the models crate (see [`EmitOptions::models_crate`]).
fn models_lib_items(cx: &Cx) -> TokenStream {
    let s = cx.service;
    let types_rt = &cx.types_rt;
    let doc = docs::inner(&format!(
        "The models of the {} API (`{}`): its data types, one marker type and error enum per operation, \
         the error codes its model defines, and the validation tables, generated from its JSON Schemas.\n\n\
         Use them through the main crate, which re-exports these modules next to its client and server. \
         They are a crate of their own because they need no HTTP stack: cargo compiles them alongside it.",
        s.title, s.name
    ));
    let service = service_static(cx);
    quote! {
        #doc
        #![allow(clippy::all, rustdoc::bare_urls, rustdoc::broken_intra_doc_links)]

        #service

        pub use error_code::ErrorCode;
        pub use #types_rt::{Blob, Empty, Timestamp, Validate, ValidationError};
    }
}

/// The main crate's root items; `models` names the models crate when there is one.
fn lib_items(cx: &Cx, models: Option<&syn::Ident>) -> TokenStream {
    let s = cx.service;
    let (types_rt, client_rt) = (&cx.types_rt, &cx.client_rt);
    let (name, title, prefix) = (&s.name, &s.title, &s.target_prefix);
    let content_type = s.protocol.content_type();
    let reference = s.api_reference.as_deref().map(|r| format!("\n\nAWS API reference: <{r}>")).unwrap_or_default();
    let doc = docs::inner(&format!(
        "Typed models, client and server trait for the {title} API (`{name}`{}), generated from its JSON Schemas.\n\n\
         {} operations, {} types. Requests are `POST /` with `X-Amz-Target: {prefix}.<Operation>` and \
         `Content-Type: {content_type}`.{reference}{}",
        s.api_version.as_deref().map(|v| format!(", {v}")).unwrap_or_default(),
        s.operations.len(),
        s.shapes.values().filter(|x| x.is_structure() || x.is_enum() || x.is_union()).count(),
        limitations(s),
    ));
    let client_gate = feature_gate(&cx.options.client_feature);
    let trait_ident = format_ident!("{}", server::trait_name(cx));
    let server_gate = feature_gate(&cx.options.server_feature);
    let models_items = match models {
        Some(models) => quote!(pub use ::#models::{error_code, operation, shapes, types, ErrorCode, SERVICE};),
        None => {
            let service = service_static(cx);
            quote! {
                #service
                pub use error_code::ErrorCode;
            }
        }
    };
    quote! {
        #doc
        #![allow(clippy::all, rustdoc::bare_urls, rustdoc::broken_intra_doc_links)]

        #models_items

        pub use #types_rt::{Blob, Empty, Timestamp, Validate, ValidationError};
        #client_gate
        pub use client::Client;
        #client_gate
        pub use #client_rt::{Config, Credentials, RetryConfig, SdkError, TimeoutConfig};
        #server_gate
        pub use server::#trait_ident;
    }
}

/// The doc paragraphs naming operations left out and paginators not followed (empty when none).
fn limitations(s: &Service) -> String {
    let list =
        |ops: &BTreeMap<String, String>| ops.iter().map(|(op, why)| format!("\n* `{op}`: {why}")).collect::<String>();
    let mut text = String::new();
    if !s.left_out.is_empty() {
        text.push_str(
            "\n\nOperations left out (the generated code speaks request/response JSON only; for an \
             event stream, `awsjson_client::event_stream` reads the frames of the response, and the \
             stream's event structures are among the generated types):",
        );
        text.push_str(&list(&s.left_out));
    }
    if !s.not_paginated.is_empty() {
        text.push_str("\n\nOperations AWS pages that have no paginator here (call them page by page):");
        text.push_str(&list(&s.not_paginated));
    }
    text
}

/// `#[cfg(feature = "...")]` for an optional module, or nothing when it is always compiled.
fn feature_gate(feature: &Option<String>) -> TokenStream {
    match feature {
        Some(f) => quote!(#[cfg(feature = #f)]),
        None => quote!(),
    }
}
