//! The `error_code` module: one `ErrorCode` enum naming every error the service's model defines.
//!
//! The module is a sibling of `types` and `operation`, not a member of either: shapes live in
//! `types` and some services model a shape called `ErrorCode`, operations live in `operation`;
//! `error_code` holds nothing else, so its names cannot meet a shape's or an operation's. It uses
//! only `std`, so it compiles on its own (the tests below check that with rustc).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::type_name;
use super::{Cx, docs};
use crate::model::Service;

/// Name of the module (and file) holding the enum `ErrorCode`, re-exported at the crate root.
pub const MODULE: &str = "error_code";

/// The wire codes of the service's error shapes, sorted (the shapes map is ordered by name).
pub fn codes(service: &Service) -> Vec<&str> {
    service.shapes.values().filter(|s| s.error.is_some()).map(|s| s.name.as_str()).collect()
}

pub fn emit(cx: &Cx) -> TokenStream {
    let service = cx.service;
    let codes = codes(service);
    let variant_names: Vec<String> = codes.iter().map(|c| type_name(c)).collect();
    let variants: Vec<_> = variant_names.iter().map(|v| format_ident!("{v}")).collect();
    let variant_docs = codes.iter().map(|code| {
        let count = service.operations.values().filter(|op| op.errors.iter().any(|e| e == code)).count();
        docs::outer(&format!("`{code}`, modeled for {count} operation(s)."))
    });
    let module_doc = docs::inner(&format!(
        "The error codes of the {} API: [`ErrorCode`], one variant per error shape of its model.",
        service.title
    ));
    let enum_doc = docs::outer(&format!(
        "An error code the {title} API's model defines ({n} in all): one variant per error shape, named as \
         the shape's type in `crate::types`.\n\n\
         [`as_str`](Self::as_str) (and `Display`) give the code as it is on the wire (`__type`); \
         [`parse`](Self::parse) and `FromStr` read it back, exactly and without a namespace. The operations' \
         error enums keep their `code()` as a string, since a peer may answer a code the model does not \
         define (`ErrorCode::parse(error.code())` is `None` then); a server names the codes it answers \
         with this enum, so a misspelt code does not compile. Variants are in code order; `ALL` lists them.",
        title = service.title,
        n = codes.len(),
    ));
    let error_doc = docs::outer(&format!(
        "Parsing a string that is not an error code of the {} API (`FromStr` for [`ErrorCode`]).",
        service.title
    ));
    // With no variants `Debug` never writes (`_f`, or rustc warns of an unused variable).
    let formatter = if codes.is_empty() { format_ident!("_f") } else { format_ident!("f") };
    let not_a_code = format!("`{{}}` is not an error code of the {} API", service.title);
    quote! {
        #module_doc

        #enum_doc
        // `Debug` by hand, not derived, so that it is `#[inline]` (see `inline.rs`).
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #( #variant_docs #variants, )*
        }

        impl ErrorCode {
            /// Every code, in order.
            pub const ALL: &'static [ErrorCode] = &[#(Self::#variants),*];

            /// The code as it is on the wire, e.g. in `__type`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #( Self::#variants => #codes, )*
                }
            }

            /// The variant for a wire code, or `None` when the model defines no such error.
            pub fn parse(code: &str) -> ::std::option::Option<Self> {
                match code {
                    #( #codes => ::std::option::Option::Some(Self::#variants), )*
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::fmt::Debug for ErrorCode {
            fn fmt(&self, #formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // One call per arm: with no variants the `match` is the whole body (a call
                // around an empty `match` would be unreachable code).
                match *self {
                    #( Self::#variants => f.write_str(#variant_names), )*
                }
            }
        }

        impl ::std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for ErrorCode {
            type Err = UnknownErrorCode;
            fn from_str(code: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::parse(code).ok_or_else(|| UnknownErrorCode(::std::string::String::from(code)))
            }
        }

        #error_doc
        #[derive(Clone, PartialEq, Eq)]
        pub struct UnknownErrorCode(::std::string::String);

        impl UnknownErrorCode {
            /// The string that was not a code.
            pub fn code(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for UnknownErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple("UnknownErrorCode").field(&self.0).finish()
            }
        }

        impl ::std::fmt::Display for UnknownErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, #not_a_code, self.0)
            }
        }

        impl ::std::error::Error for UnknownErrorCode {}
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;
    use crate::emit::EmitOptions;
    use crate::model::{Fault, Protocol, Shape, ShapeKind};

    fn service(errors: &[(&str, Fault)]) -> Service {
        let shapes = errors
            .iter()
            .map(|(name, fault)| {
                let shape = Shape {
                    name: name.to_string(),
                    sensitive: false,
                    error: Some(*fault),
                    kind: ShapeKind::Structure { members: Vec::new() },
                };
                (name.to_string(), shape)
            })
            .collect();
        Service {
            name: "example".into(),
            title: "Example".into(),
            api_version: None,
            protocol: Protocol::AwsJson1_1,
            target_prefix: "Example".into(),
            signing_name: "example".into(),
            endpoint_prefix: "example".into(),
            api_reference: None,
            validation_error: None,
            left_out: Default::default(),
            not_paginated: Default::default(),
            operations: Default::default(),
            shapes,
        }
    }

    fn module(service: &Service) -> String {
        let options = EmitOptions::default();
        let cx = Cx {
            service,
            options: &options,
            types_rt: quote!(::awsjson_types),
            client_rt: quote!(::awsjson_client),
            server_rt: quote!(::awsjson_server),
        };
        let mut file: syn::File = syn::parse2(emit(&cx)).expect("the module parses");
        file.attrs.clear();
        prettyplease::unparse(&file)
    }

    /// Compiles `source` followed by `main` as a test binary with rustc, runs it, and fails
    /// with rustc's or the test's output.
    fn compile_and_run(name: &str, source: &str, main: &str) {
        let dir = std::env::temp_dir().join(format!("awsjson-error-code-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("main.rs");
        std::fs::write(&src, format!("#![deny(warnings)]\n#![allow(dead_code)]\n{source}\n{main}\n")).unwrap();
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let bin = dir.join("main");
        let out =
            Command::new(rustc).args(["--edition", "2024", "-o"]).arg(&bin).arg(&src).output().expect("rustc runs");
        assert!(out.status.success(), "rustc failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let run = Command::new(&bin).output().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }

    #[test]
    fn codes_are_the_error_shapes_sorted() {
        let s = service(&[("ZetaException", Fault::Client), ("AlphaFault", Fault::Server)]);
        assert_eq!(codes(&s), ["AlphaFault", "ZetaException"]);
    }

    #[test]
    fn a_service_with_errors_compiles_and_round_trips() {
        let s = service(&[
            ("MFAMethodNotFoundException", Fault::Client),
            ("InternalErrorException", Fault::Server),
            ("ErrorCode", Fault::Client),
        ]);
        let source = module(&s);
        assert!(source.contains("MfaMethodNotFoundException => \"MFAMethodNotFoundException\""), "{source}");
        compile_and_run(
            "some",
            &source,
            r#"
            fn main() {
                assert_eq!(ErrorCode::ALL.len(), 3);
                assert!(ErrorCode::ALL.windows(2).all(|w| w[0].as_str() < w[1].as_str()));
                for &code in ErrorCode::ALL {
                    assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
                    assert_eq!(code.to_string().parse::<ErrorCode>(), Ok(code));
                }
                assert_eq!(ErrorCode::MfaMethodNotFoundException.as_str(), "MFAMethodNotFoundException");
                assert_eq!(format!("{:?}", ErrorCode::MfaMethodNotFoundException), "MfaMethodNotFoundException");
                assert_eq!(ErrorCode::parse("mfaMethodNotFoundException"), None);
                let err = "Nope".parse::<ErrorCode>().unwrap_err();
                assert_eq!(err.code(), "Nope");
                assert_eq!(err.to_string(), "`Nope` is not an error code of the Example API");
                let _: &dyn std::error::Error = &err;
                let set: std::collections::HashSet<ErrorCode> = ErrorCode::ALL.iter().copied().collect();
                assert_eq!(set.len(), 3);
            }
            "#,
        );
    }

    #[test]
    fn a_service_without_errors_compiles() {
        let source = module(&service(&[]));
        compile_and_run(
            "none",
            &source,
            r#"
            fn main() {
                assert!(ErrorCode::ALL.is_empty());
                assert_eq!(ErrorCode::parse("InternalErrorException"), None);
                assert!("".parse::<ErrorCode>().is_err());
            }
            "#,
        );
    }
}
