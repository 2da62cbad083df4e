//! From the intermediate model to Rust source.
//!
//! The crate it produces has these modules: `types` (one module per structure or enum, typify
//! for structures), `operation` (a marker type and error enum per operation), `shapes`
//! (validation tables), `client` and `server` (optional, behind cargo features).

mod client;
mod rust_types;
pub(crate) mod docs;
mod enums;
pub mod names;
mod operations;
pub mod render;
mod server;
mod shapes;
mod structs;

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
    let path = |p: &str| {
        syn::parse_str::<syn::Path>(p).map(|p| quote!(#p)).map_err(|_| EmitError::CratePath(p.to_string()))
    };
    let cx = Cx {
        service,
        options,
        types_rt: path(&options.types_crate)?,
        client_rt: path(&options.client_crate)?,
        server_rt: path(&options.server_crate)?,
    };
    check_names(service)?;
    let root = crate_root(&cx)?;
    render::render(&root, options.layout)
}

fn check_names(service: &Service) -> Result<(), EmitError> {
    let mut seen = BTreeMap::new();
    for shape in service.shapes.values().filter(|s| s.is_structure() || s.is_enum()) {
        if seen.insert(names::module_name(&shape.name), &shape.name).is_some() {
            return Err(EmitError::NameClash(names::type_name(&shape.name)));
        }
    }
    Ok(())
}

fn crate_root(cx: &Cx) -> Result<Module, EmitError> {
    let service = cx.service;
    let mut structs = structs::emit(cx)?;
    let infos: BTreeMap<String, StructInfo> = structs.iter().map(|(k, (_, info))| (k.clone(), info.clone())).collect();
    let mut type_modules = Vec::new();
    let mut reexports = Vec::new();
    for shape in service.shapes.values() {
        let items = if shape.is_enum() {
            enums::emit(cx, shape)
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
    let types = Module::new("types", quote! {
        #types_doc
        #(#reexports)*
    })
    .with_children(type_modules);

    let mut op_modules = Vec::new();
    let mut op_reexports = Vec::new();
    for op in service.operations.values() {
        let module = format_ident!("{}", names::module_name(&op.name));
        let marker = format_ident!("{}", names::type_name(&op.name));
        let error = format_ident!("{}Error", names::type_name(&op.name));
        op_reexports.push(quote!(pub use #module::{#marker, #error};));
        op_modules.push(Module::new(module.to_string(), operations::emit(cx, op)).private());
    }
    let markers = service.operations.keys().map(|op| format_ident!("{}", names::type_name(op)));
    let types_rt = &cx.types_rt;
    let operation_doc =
        docs::inner("One marker type per operation (its name, auth, pagination, input and output types) and its error enum.");
    let operation = Module::new("operation", quote! {
        #operation_doc
        #(#op_reexports)*

        /// Calls `visitor.visit::<Op>()` for every operation, in name order.
        pub fn visit_all<V: #types_rt::OperationVisitor>(visitor: &mut V) {
            #( visitor.visit::<#markers>(); )*
        }
    })
    .with_children(op_modules);

    let shapes = Module::new("shapes", shapes::emit(cx));
    let client = client::module(cx, &infos).with_attrs(feature_gate(&cx.options.client_feature));
    let server = Module::new("server", server::emit(cx)).with_attrs(feature_gate(&cx.options.server_feature));
    Ok(Module::new("lib", lib_items(cx)).with_children(vec![types, operation, shapes, client, server]))
}

fn lib_items(cx: &Cx) -> TokenStream {
    let s = cx.service;
    let (types_rt, client_rt) = (&cx.types_rt, &cx.client_rt);
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
    let reference = s.api_reference.as_deref().map(|r| format!("\n\nAWS API reference: <{r}>")).unwrap_or_default();
    let doc = docs::inner(&format!(
        "Typed models, client and server trait for the {title} API (`{name}`{}), generated from its JSON Schemas.\n\n\
         {} operations, {} types. Requests are `POST /` with `X-Amz-Target: {prefix}.<Operation>` and \
         `Content-Type: {content_type}`.{reference}",
        s.api_version.as_deref().map(|v| format!(", {v}")).unwrap_or_default(),
        s.operations.len(),
        s.shapes.values().filter(|x| x.is_structure() || x.is_enum()).count(),
    ));
    let client_gate = feature_gate(&cx.options.client_feature);
    let trait_ident = format_ident!("{}", server::trait_name(cx));
    let server_gate = feature_gate(&cx.options.server_feature);
    quote! {
        #doc
        #![allow(clippy::all, rustdoc::bare_urls, rustdoc::broken_intra_doc_links)]

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

        pub use #types_rt::{Blob, Timestamp, Validate, ValidationError};
        #client_gate
        pub use client::Client;
        #client_gate
        pub use #client_rt::{Config, Credentials, RetryConfig, SdkError, TimeoutConfig};
        #server_gate
        pub use server::#trait_ident;
    }
}

/// `#[cfg(feature = "...")]` for an optional module, or nothing when it is always compiled.
fn feature_gate(feature: &Option<String>) -> TokenStream {
    match feature {
        Some(f) => quote!(#[cfg(feature = #f)]),
        None => quote!(),
    }
}
