//! Forward-compatible string enums (typify's enums reject values they do not list).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{static_name, type_name, variant_names};
use super::{Cx, docs};
use crate::model::{Shape, ShapeKind};

pub fn emit(cx: &Cx, shape: &Shape) -> TokenStream {
    let ShapeKind::String(s) = &shape.kind else { unreachable!("emit_enum is called for enum shapes") };
    let values = s.values.as_deref().unwrap_or_default();
    let ident = format_ident!("{}", type_name(&shape.name));
    let variant_names = variant_names(values);
    let variants: Vec<_> = variant_names.iter().map(|v| format_ident!("{v}")).collect();
    let doc = docs::outer(&docs::shape_doc(cx.service, shape));
    let types_rt = &cx.types_rt;
    let shape_static = format_ident!("{}", static_name(&shape.name));
    let variant_docs = values.iter().map(|v| docs::outer(&format!("`{v}`")));
    quote! {
        #doc
        // `Debug` by hand, not derived, so that it is `#[inline]` (see `inline.rs`).
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ident {
            #( #variant_docs #variants, )*
            /// A value this version of the model does not list; it is kept as received.
            Unknown(#types_rt::UnknownVariantValue),
        }

        impl #ident {
            /// Every value the model lists, in model order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Self::#variants => f.write_str(#variant_names), )*
                    Self::Unknown(value) => f.debug_tuple("Unknown").field(value).finish(),
                }
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(#types_rt::UnknownVariantValue::new(other.to_owned())),
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        /// An empty unknown value: what a missing required member deserializes to.
        impl ::std::default::Default for #ident {
            fn default() -> Self {
                Self::Unknown(#types_rt::UnknownVariantValue::new(::std::string::String::new()))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #types_rt::enums::deserialize_enum(deserializer, |value| Self::from(value))
            }
        }

        impl #types_rt::Validate for #ident {
            fn shape() -> &'static #types_rt::Shape {
                &crate::shapes::#shape_static
            }
        }
    }
}
