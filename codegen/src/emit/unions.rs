//! Unions (AWS's `union` shapes) as Rust enums: one variant per member, in model order, and
//! `Unknown` for a member this version of the model does not know, as AWS's SDKs have it. On the
//! wire a union is the one-member object `{"Member": value}`; the runtime's `union` module reads
//! and writes it, so each union only says which name goes with which variant.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{static_name, type_name, variant_names};
use super::rust_types::value_type;
use super::structs::is_sensitive;
use super::{Cx, docs};
use crate::model::{Service, Shape, ShapeKind};

pub fn emit(cx: &Cx, shape: &Shape) -> TokenStream {
    let members = shape.members();
    let types_rt = &cx.types_rt;
    let ident = format_ident!("{}", type_name(&shape.name));
    let name = &shape.name;
    let wire: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let variant_names = variant_names(&members.iter().map(|m| m.name.clone()).collect::<Vec<_>>());
    let variants: Vec<syn::Ident> = variant_names.iter().map(|v| format_ident!("{v}")).collect();
    // A member whose value can hold this union again, directly, is boxed: the enum would have
    // no finite size otherwise (lists and maps already put their items on the heap).
    let boxed: Vec<bool> = members.iter().map(|m| contains_inline(cx.service, &m.target, &shape.name)).collect();
    let values: Vec<TokenStream> = members.iter().map(|m| value_type(cx, &m.target)).collect();
    let types =
        values.iter().zip(&boxed).map(|(ty, boxed)| if *boxed { quote!(::std::boxed::Box<#ty>) } else { ty.clone() });
    let borrow = boxed.iter().map(|boxed| if *boxed { quote!(&**value) } else { quote!(value) });
    let variant_docs = members.iter().map(|m| docs::outer(&docs::member_doc(cx.service, m)));
    let is_methods: Vec<syn::Ident> = variant_names.iter().map(|v| format_ident!("is_{}", v.to_snake_case())).collect();
    let as_methods: Vec<syn::Ident> = variant_names.iter().map(|v| format_ident!("as_{}", v.to_snake_case())).collect();
    let is_docs = wire.iter().map(|w| docs::outer(&format!("Whether the member set is `{w}`.")));
    let as_docs = wire.iter().map(|w| docs::outer(&format!("The value of `{w}`, if that is the member set.")));
    let debug_arms = members.iter().zip(&variants).zip(&variant_names).map(|((m, v), label)| {
        if shape.sensitive || is_sensitive(cx, &m.target) {
            quote!(Self::#v(_) => f.debug_tuple(#label).field(&#types_rt::Redacted).finish(),)
        } else {
            quote!(Self::#v(value) => f.debug_tuple(#label).field(value).finish(),)
        }
    });
    let type_ident = ident.to_string();
    let doc = docs::outer(&docs::shape_doc(cx.service, shape));
    let shape_static = format_ident!("{}", static_name(&shape.name));
    quote! {
        #doc
        // `Debug` by hand, not derived, so that it is `#[inline]` (see `inline.rs`) and redacts.
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #( #variant_docs #variants(#types), )*
            /// A member this version of the model does not know (its name as received). It
            /// cannot be sent: its value was not kept.
            Unknown(#types_rt::UnknownVariantValue),
        }

        impl #ident {
            /// The wire name of the member set.
            pub fn member_name(&self) -> &str {
                match self {
                    #( Self::#variants(_) => #wire, )*
                    Self::Unknown(name) => name.as_str(),
                }
            }

            #(
                #is_docs
                pub fn #is_methods(&self) -> bool {
                    matches!(self, Self::#variants(_))
                }
            )*

            #(
                #as_docs
                pub fn #as_methods(&self) -> ::std::option::Option<&#values> {
                    match self {
                        Self::#variants(value) => Some(#borrow),
                        _ => None,
                    }
                }
            )*

            /// Whether the member set is one this version of the model does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        /// `Unknown` with an empty name: what a missing required member deserializes to.
        impl ::std::default::Default for #ident {
            fn default() -> Self {
                Self::Unknown(#types_rt::UnknownVariantValue::new(::std::string::String::new()))
            }
        }

        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( #debug_arms )*
                    Self::Unknown(name) => f.debug_tuple("Unknown").field(name).finish(),
                }
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => #types_rt::union::serialize(serializer, #type_ident, #wire, value), )*
                    Self::Unknown(name) => Err(#types_rt::union::unknown_error::<S::Error>(#name, name.as_str())),
                }
            }
        }

        impl #types_rt::union::ReadUnion for #ident {
            const NAME: &'static str = #name;
            const MEMBERS: &'static [&'static str] = &[#(#wire),*];
            fn read_variant<'de, A: ::serde::de::MapAccess<'de>>(
                name: &str,
                map: &mut A,
            ) -> ::std::result::Result<::std::option::Option<Self>, A::Error> {
                Ok(match name {
                    #( #wire => map.next_value::<::std::option::Option<_>>()?.map(Self::#variants), )*
                    _ => #types_rt::union::read_unknown(name, map)?.map(Self::Unknown),
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #types_rt::union::deserialize(deserializer)
            }
        }

        impl #types_rt::Validate for #ident {
            fn shape() -> &'static #types_rt::Shape {
                &crate::shapes::#shape_static
            }
        }
    }
}

/// Whether a value of shape `from` holds a value of shape `target` inline: through structure
/// members and union variants, not through lists or maps (their items are on the heap).
pub fn contains_inline(service: &Service, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(name) = stack.pop() {
        if name == target {
            return true;
        }
        if !seen.insert(name) {
            continue;
        }
        if let ShapeKind::Structure { members } | ShapeKind::Union { members } = &service.shape(name).kind {
            stack.extend(members.iter().map(|m| m.target.as_str()));
        }
    }
    false
}
