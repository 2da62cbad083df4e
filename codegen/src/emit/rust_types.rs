//! The Rust type of a member, as the generated structures hold it (the same mapping the typify
//! projection produces; a mismatch would not compile, so the generated crate checks it).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Cx;
use super::names::type_name;
use crate::model::{FloatBits, IntBits, ShapeKind};

/// The type of a value of shape `target` (without the `Option` of optional members).
pub fn value_type(cx: &Cx, target: &str) -> TokenStream {
    let shape = cx.service.shape(target);
    let types_rt = &cx.types_rt;
    match &shape.kind {
        ShapeKind::String(s) if s.values.is_some() => named(target),
        ShapeKind::String(_) => quote!(::std::string::String),
        ShapeKind::Integer { bits: IntBits::I32, .. } => quote!(i32),
        ShapeKind::Integer { bits: IntBits::I64, .. } => quote!(i64),
        ShapeKind::Float { bits: FloatBits::F32, .. } => quote!(f32),
        ShapeKind::Float { bits: FloatBits::F64, .. } => quote!(f64),
        ShapeKind::Boolean => quote!(bool),
        ShapeKind::Timestamp => quote!(#types_rt::Timestamp),
        ShapeKind::DateTime => quote!(#types_rt::DateTime),
        ShapeKind::HttpDate => quote!(#types_rt::HttpDate),
        ShapeKind::Blob { .. } => quote!(#types_rt::Blob),
        ShapeKind::Document => quote!(::serde_json::Value),
        ShapeKind::List { member, .. } => {
            let item = value_type(cx, member);
            quote!(::std::vec::Vec<#item>)
        }
        // typify makes a map of any JSON values a JSON object (identitystore's `Extensions`).
        ShapeKind::Map { value, .. } if matches!(cx.service.shape(value).kind, ShapeKind::Document) => {
            quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
        }
        ShapeKind::Map { value, .. } => {
            let value = value_type(cx, value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        ShapeKind::Structure { .. } | ShapeKind::Union { .. } => named(target),
    }
}

/// The parameter type a setter takes for a value of shape `target`, and whether it is an
/// `impl Into<_>` (strings, enums, timestamps, blobs, documents accept anything convertible).
pub fn param_type(cx: &Cx, target: &str) -> (TokenStream, bool) {
    let shape = cx.service.shape(target);
    let ty = value_type(cx, target);
    match &shape.kind {
        ShapeKind::String(_)
        | ShapeKind::Timestamp
        | ShapeKind::DateTime
        | ShapeKind::HttpDate
        | ShapeKind::Blob { .. }
        | ShapeKind::Document => (quote!(impl ::std::convert::Into<#ty>), true),
        _ => (ty, false),
    }
}

fn named(target: &str) -> TokenStream {
    let ident = format_ident!("{}", type_name(target));
    quote!(crate::types::#ident)
}
