//! Validation tables: one `static` descriptor per shape, read by the runtime's validator.
//!
//! Statics refer to each other by name (cycles are fine), so adding or changing one shape changes
//! only its own lines in the output.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::static_name;
use super::{Cx, docs};
use crate::model::{Shape, ShapeKind};

pub fn emit(cx: &Cx) -> TokenStream {
    let statics = cx.service.shapes.values().map(|shape| shape_static(cx, shape));
    let types_rt = &cx.types_rt;
    let doc = docs::inner("Static descriptions of every shape's constraints, read by `Validate::validate`.");
    // `Pattern` only when a shape has one: an unused import would warn in the generated crate.
    let any_pattern =
        cx.service.shapes.values().any(|s| matches!(&s.kind, ShapeKind::String(st) if st.pattern.is_some()));
    let pattern = any_pattern.then(|| quote!(Pattern,));
    quote! {
        #doc
        #![allow(clippy::all)]
        use #types_rt::{Member, #pattern Shape, ShapeKind, StringRules};
        #(#statics)*
    }
}

fn shape_static(cx: &Cx, shape: &Shape) -> TokenStream {
    let ident = format_ident!("{}", static_name(&shape.name));
    let name = &shape.name;
    let sensitive = shape.sensitive;
    let opt_u = |v: &Option<u64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let opt_i = |v: &Option<i64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let opt_f = |v: &Option<f64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let target = |n: &str| {
        let t = format_ident!("{}", static_name(n));
        quote!(&#t)
    };
    let mut pattern_static = None;
    let kind = match &shape.kind {
        ShapeKind::String(s) => {
            let (min, max) = (opt_u(&s.min), opt_u(&s.max));
            let pattern = match &s.pattern {
                Some(p) => {
                    // `<SHAPE>_PATTERN`, unless a shape has that static name itself (CloudWatch
                    // Logs has `LogGroupName` and `LogGroupNamePattern`): then `<SHAPE>_PATTERN_2`, ...
                    let taken = |candidate: &str| {
                        cx.service
                            .shapes
                            .keys()
                            .filter(|n| n.to_ascii_lowercase().contains("pattern"))
                            .any(|n| static_name(n) == candidate)
                    };
                    let mut pattern_name = format!("{}_PATTERN", static_name(&shape.name));
                    let mut n = 2;
                    while taken(&pattern_name) {
                        pattern_name = format!("{}_PATTERN_{n}", static_name(&shape.name));
                        n += 1;
                    }
                    let pattern_ident = format_ident!("{pattern_name}");
                    pattern_static = Some(quote! { static #pattern_ident: Pattern = Pattern::new(#p); });
                    quote!(Some(&#pattern_ident))
                }
                None => quote!(None),
            };
            let values = match &s.values {
                Some(values) => quote!(Some(&[#(#values),*])),
                None => quote!(None),
            };
            quote!(ShapeKind::String(StringRules { min: #min, max: #max, pattern: #pattern, values: #values }))
        }
        ShapeKind::Integer { min, max, .. } => {
            let (min, max) = (opt_i(min), opt_i(max));
            quote!(ShapeKind::Integer { min: #min, max: #max })
        }
        ShapeKind::Float { min, max, .. } => {
            let (min, max) = (opt_f(min), opt_f(max));
            quote!(ShapeKind::Float { min: #min, max: #max })
        }
        ShapeKind::Boolean => quote!(ShapeKind::Boolean),
        // Validation reads both wire forms of a timestamp.
        ShapeKind::Timestamp | ShapeKind::DateTime | ShapeKind::HttpDate => quote!(ShapeKind::Timestamp),
        ShapeKind::Document => quote!(ShapeKind::Document),
        ShapeKind::Blob { min, max } => {
            let (min, max) = (opt_u(min), opt_u(max));
            quote!(ShapeKind::Blob { min: #min, max: #max })
        }
        ShapeKind::List { member, min, max } => {
            let (member, min, max) = (target(member), opt_u(min), opt_u(max));
            quote!(ShapeKind::List { member: #member, min: #min, max: #max })
        }
        ShapeKind::Map { key, value, min, max } => {
            let (key, value, min, max) = (target(key), target(value), opt_u(min), opt_u(max));
            quote!(ShapeKind::Map { key: #key, value: #value, min: #min, max: #max })
        }
        ShapeKind::Structure { members } => {
            let members = members.iter().map(|m| {
                let (member_name, t, required) = (&m.name, target(&m.target), m.required);
                quote!(Member { name: #member_name, target: #t, required: #required })
            });
            quote!(ShapeKind::Structure { members: &[#(#members),*] })
        }
        ShapeKind::Union { members } => {
            let members = members.iter().map(|m| {
                let (member_name, t) = (&m.name, target(&m.target));
                quote!(Member { name: #member_name, target: #t, required: false })
            });
            quote!(ShapeKind::Union { members: &[#(#members),*] })
        }
    };
    quote! {
        #pattern_static
        pub static #ident: Shape = Shape { name: #name, sensitive: #sensitive, kind: #kind };
    }
}
