//! One module per operation: a marker type carrying the operation's facts, and its error enum.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{error_predicate, type_name};
use super::structs::StructInfo;
use super::{Cx, docs};
use crate::model::{Auth, Operation};

pub fn emit(cx: &Cx, op: &Operation, structs: &BTreeMap<String, StructInfo>) -> TokenStream {
    let types_rt = &cx.types_rt;
    let marker = format_ident!("{}", type_name(&op.name));
    let error = format_ident!("{}Error", type_name(&op.name));
    let name = &op.name;
    let input = format_ident!("{}", type_name(&op.input));
    let output = match &op.output {
        Some(o) => {
            let o = format_ident!("{}", type_name(o));
            quote!(crate::types::#o)
        }
        None => quote!(#types_rt::Empty),
    };
    let auth = match op.auth {
        Auth::SigV4 => quote!(#types_rt::AuthScheme::SigV4),
        Auth::None => quote!(#types_rt::AuthScheme::None),
    };
    let pagination = match &op.pagination {
        Some(p) => {
            let (it, ot) = (&p.input_token, &p.output_token);
            let opt = |v: &Option<String>| match v {
                Some(v) => quote!(Some(#v)),
                None => quote!(None),
            };
            let (limit, items) = (opt(&p.limit_key), opt(&p.items));
            quote!(Some(#types_rt::Pagination { input_token: #it, output_token: #ot, limit_key: #limit, items: #items }))
        }
        None => quote!(None),
    };
    // Only operations with a prefix say so: the trait's default is `None`.
    let host_prefix =
        op.host_prefix.as_ref().map(|p| quote!(const HOST_PREFIX: ::std::option::Option<&'static str> = Some(#p);));
    let fill_tokens = fill_idempotency_tokens(cx, op, structs);
    let marker_doc = docs::outer(&format!("The `{name}` operation.\n\n{}", docs::operation_doc(cx.service, op)));
    let error_enum = error_enum(cx, op, &error);
    quote! {
        #marker_doc
        #[derive(Clone, Copy, Default, PartialEq, Eq)]
        pub struct #marker;

        impl ::std::fmt::Debug for #marker {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#name)
            }
        }

        impl #types_rt::Operation for #marker {
            const NAME: &'static str = #name;
            const AUTH: #types_rt::AuthScheme = #auth;
            const PAGINATION: ::std::option::Option<#types_rt::Pagination> = #pagination;
            #host_prefix
            type Input = crate::types::#input;
            type Output = #output;
            type Error = #error;
            fn service() -> &'static #types_rt::ServiceInfo {
                &crate::SERVICE
            }
            #fill_tokens
        }

        #error_enum
    }
}

/// The operation's `fill_idempotency_tokens` when its input has idempotency-token members (the
/// trait's default does nothing): each one the caller left unset (or empty, when required) gets
/// a fresh token.
fn fill_idempotency_tokens(cx: &Cx, op: &Operation, structs: &BTreeMap<String, StructInfo>) -> Option<TokenStream> {
    let info = &structs[&op.input];
    let fills: Vec<TokenStream> = cx
        .service
        .shape(&op.input)
        .members()
        .iter()
        .filter(|m| m.idempotency_token)
        .map(|m| {
            let field = info.fields.iter().find(|f| f.wire_name == m.name).expect("typify emitted every member");
            let f: syn::Ident = syn::parse_str(&field.ident).unwrap_or_else(|_| format_ident!("{}", field.ident));
            if field.required {
                // A required member is a plain `String`, empty until set.
                quote!(if input.#f.is_empty() { input.#f = ::std::convert::Into::into(token()); })
            } else {
                quote!(if input.#f.is_none() { input.#f = Some(::std::convert::Into::into(token())); })
            }
        })
        .collect();
    if fills.is_empty() {
        return None;
    }
    Some(quote! {
        fn fill_idempotency_tokens(
            input: &mut Self::Input,
            token: &mut dyn ::std::ops::FnMut() -> ::std::string::String,
        ) {
            #(#fills)*
        }
    })
}

fn error_enum(cx: &Cx, op: &Operation, error: &syn::Ident) -> TokenStream {
    let types_rt = &cx.types_rt;
    let doc = docs::outer(&format!(
        "Errors of the `{}` operation: one variant per modeled error, and `Unhandled` for any other.",
        op.name
    ));
    let variants: Vec<_> = op.errors.iter().map(|e| format_ident!("{}", type_name(e))).collect();
    let codes: Vec<&String> = op.errors.iter().collect();
    let predicates = op.errors.iter().zip(&variants).map(|(e, v)| {
        let predicate = format_ident!("{}", error_predicate(e));
        let doc = docs::outer(&format!("Whether the error is `{e}`."));
        quote! {
            #doc
            pub fn #predicate(&self) -> bool {
                matches!(self, Self::#v(_))
            }
        }
    });
    let variant_docs = op.errors.iter().map(|e| docs::outer(&format!("`{e}`")));
    let not_implemented = not_implemented(cx, op);
    // Only reading and listing the variants is written per enum; code, message, fault, body and
    // Display come from the runtime through `variant()` (one `match` instead of one per method).
    quote! {
        #doc
        // `Debug` from the runtime, not derived: a derived `fmt` is not `#[inline]`, so it
        // would be compiled here for every operation (see `inline.rs`). No `PartialEq`: errors
        // are told apart with `is_*()`, `matches!` or `variant()`, as in AWS's SDKs, and the
        // derived comparison was about 8 % of this crate's build.
        #[derive(Clone)]
        #[non_exhaustive]
        pub enum #error {
            #( #variant_docs #variants(crate::types::#variants), )*
            /// An error the model does not list for this operation.
            Unhandled(#types_rt::UnhandledError),
        }

        impl #error {
            #(#predicates)*
        }

        impl ::std::fmt::Debug for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #types_rt::error::debug(self, f)
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #types_rt::error::display(self, f)
            }
        }

        impl ::std::error::Error for #error {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                Some(#types_rt::ModeledError::variant(self).as_error())
            }
        }

        impl #types_rt::ModeledError for #error {
            fn from_body(code: &str, body: &#types_rt::serde_json::Value) -> Self {
                let modeled = match code {
                    #( #codes => #types_rt::error::decode(body).map(Self::#variants), )*
                    _ => None,
                };
                modeled.unwrap_or_else(|| Self::Unhandled(#types_rt::UnhandledError::from_body(code, body)))
            }

            fn unhandled(error: #types_rt::UnhandledError) -> Self {
                Self::Unhandled(error)
            }

            fn variant(&self) -> #types_rt::ErrorVariant<'_> {
                match self {
                    #( Self::#variants(e) => #types_rt::ErrorVariant::Modeled(e), )*
                    Self::Unhandled(e) => #types_rt::ErrorVariant::Unhandled(e),
                }
            }

            #not_implemented
        }
    }
}

/// The error a backend answers for an operation it does not implement: always the code
/// `UnsupportedOperationException` with HTTP 400 (never a 5xx, which SDKs retry). Operations that
/// model that error get its modeled variant (so typed clients match it); the others keep the
/// trait's default, the `Unhandled` variant with the same code. Other modeled errors are not
/// reused for this: `InvalidParameterException` or `OperationNotEnabledException` would make a
/// missing implementation look like a real answer about the request or the pool.
fn not_implemented(cx: &Cx, op: &Operation) -> TokenStream {
    if !op.errors.iter().any(|e| e == NOT_IMPLEMENTED_CODE) {
        return TokenStream::new();
    }
    let types_rt = &cx.types_rt;
    quote! {
        fn not_implemented(operation: &str) -> Self {
            let error = #types_rt::UnhandledError::not_implemented(operation);
            Self::from_body(error.code(), &#types_rt::serde_json::json!({ "message": error.message() }))
        }
    }
}

/// The code of the "not implemented by this backend" answer.
const NOT_IMPLEMENTED_CODE: &str = "UnsupportedOperationException";
