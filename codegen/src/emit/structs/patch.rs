//! Adjustments to typify's output (the reasons are in the parent module's docs).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Attribute, Fields, Item, ItemStruct, Type};

use super::{FieldInfo, StructInfo};
use crate::emit::names::{static_name, type_name};
use crate::emit::{Cx, EmitError, docs};
use crate::model::{Fault, Member, Shape, ShapeKind};

pub fn patch(cx: &Cx, file: syn::File) -> Result<BTreeMap<String, (TokenStream, StructInfo)>, EmitError> {
    let by_type: BTreeMap<String, &Shape> =
        cx.service.shapes.values().filter(|s| s.is_structure()).map(|s| (type_name(&s.name), s)).collect();
    let generated: BTreeSet<String> = cx
        .service
        .shapes
        .values()
        .filter(|s| s.is_structure() || s.is_enum() || s.is_union())
        .map(|s| type_name(&s.name))
        .collect();

    // Group typify's items by the type they define or implement.
    let mut owned: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in file.items {
        let owner = match &item {
            Item::Struct(s) => s.ident.to_string(),
            Item::Impl(i) => match &*i.self_ty {
                Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
                _ => String::new(),
            },
            // typify's shared `error` module (ConversionError) serves only its builders and
            // constrained types, which we do not use.
            Item::Mod(m) if m.ident == "error" => continue,
            other => return Err(EmitError::Typify(format!("unexpected item from typify: {}", quote!(#other)))),
        };
        if !by_type.contains_key(&owner) {
            return Err(EmitError::Typify(format!("typify emitted an item for unknown type `{owner}`")));
        }
        owned.entry(owner).or_default().push(item);
    }

    let mut out = BTreeMap::new();
    for (type_name, shape) in by_type {
        let items = owned.remove(&type_name).unwrap_or_default();
        let (tokens, info) = patch_type(cx, shape, &type_name, items, &generated)?;
        out.insert(shape.name.clone(), (tokens, info));
    }
    Ok(out)
}

fn patch_type(
    cx: &Cx,
    shape: &Shape,
    name: &str,
    items: Vec<Item>,
    generated: &BTreeSet<String>,
) -> Result<(TokenStream, StructInfo), EmitError> {
    let has_default_impl = items.iter().any(|i| matches!(i, Item::Impl(imp) if is_trait(imp, "Default")));
    let mut structure = None;
    let mut rest = Vec::new();
    for mut item in items {
        Qualify(generated).visit_item_mut(&mut item);
        match item {
            Item::Struct(s) => structure = Some(s),
            // `impl From<&T> for T` is a clone in disguise.
            Item::Impl(imp) if is_trait(&imp, "From") => {}
            other => rest.push(other),
        }
    }
    let mut structure = structure.ok_or_else(|| EmitError::Typify(format!("typify emitted no struct for `{name}`")))?;

    let members = shape.members();
    let mut fields = Vec::new();
    let mut redacted = Vec::new();
    if let Fields::Named(named) = &mut structure.fields {
        in_model_order(name, members, named)?;
        for field in named.named.iter_mut() {
            let ident = field.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            let wire_name = serde_rename(&field.attrs).unwrap_or_else(|| ident.clone());
            let member = members
                .iter()
                .find(|m| m.name == wire_name)
                .ok_or_else(|| EmitError::Typify(format!("{name}.{ident}: no member `{wire_name}` in the model")))?;
            // Serialization is written out below, so typify's serde attributes go.
            field.attrs.retain(|a| !a.path().is_ident("doc") && !a.path().is_ident("serde"));
            let doc = docs::member_doc(cx.service, member);
            let doc = format!(" {doc}");
            field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            if shape.sensitive || is_sensitive(cx, &member.target) {
                redacted.push(ident.clone());
            }
            let boxed = is_boxed(&field.ty);
            fields.push(FieldInfo { wire_name, ident, required: member.required, boxed });
        }
    }

    structure.attrs.retain(|a| !a.path().is_ident("doc") && !a.path().is_ident("serde"));
    let doc = docs::outer(&docs::shape_doc(cx.service, shape));
    let doc_attrs: Vec<Attribute> = syn::parse_quote!(#doc);
    structure.attrs.splice(0..0, doc_attrs);
    // `Debug` always by hand: for redaction, and so that it is `#[inline]` (see `inline.rs`).
    edit_derives(&mut structure, !has_default_impl);

    let ident = format_ident!("{name}");
    let debug_impl = debug_impl(cx, &ident, shape.sensitive);
    let serialize_impl = serialize_impl(cx, &ident, &fields, &redacted);
    let deserialize_impl = deserialize_impl(cx, &ident, &shape.name, &fields);
    let error_impls = shape.error.is_some().then(|| error_impls(cx, shape, &ident, &fields));
    let types_rt = &cx.types_rt;
    let shape_static = format_ident!("{}", static_name(&shape.name));
    let tokens = quote! {
        #structure
        #(#rest)*
        #serialize_impl
        #deserialize_impl
        #debug_impl
        #error_impls
        impl #types_rt::Validate for #ident {
            fn shape() -> &'static #types_rt::Shape {
                &crate::shapes::#shape_static
            }
        }
    };
    Ok((tokens, StructInfo { type_name: name.to_string(), fields }))
}

/// Puts typify's fields back in the model's member order, which is the order of `properties` in
/// the schema file (the loader keeps it). typify sorts a structure's fields by Rust name
/// (`struct_members` in typify-impl 0.6 sorts them "to ensure a deterministic result", with no
/// setting to turn that off), so `AdminGetUserResponse` would start with `enabled` where the
/// schema, AWS's documentation and AWS's SDKs start with `Username`. Everything written after
/// this point (the struct's fields, `WriteMembers` and so `Serialize` and `Debug`, `ReadMembers`,
/// the [`StructInfo`] the client's builders read) follows the reordered fields.
fn in_model_order(name: &str, members: &[Member], named: &mut syn::FieldsNamed) -> Result<(), EmitError> {
    let mut keyed = Vec::with_capacity(named.named.len());
    for field in std::mem::take(&mut named.named) {
        let ident = field.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
        let wire_name = serde_rename(&field.attrs).unwrap_or_else(|| ident.clone());
        let position = members
            .iter()
            .position(|m| m.name == wire_name)
            .ok_or_else(|| EmitError::Typify(format!("{name}.{ident}: no member `{wire_name}` in the model")))?;
        keyed.push((position, field));
    }
    if keyed.len() != members.len() {
        return Err(EmitError::Typify(format!(
            "{name}: typify emitted {} fields for {} members",
            keyed.len(),
            members.len()
        )));
    }
    // Positions are distinct (one member per wire name), so the order is total.
    keyed.sort_by_key(|(position, _)| *position);
    named.named = keyed.into_iter().map(|(_, field)| field).collect();
    Ok(())
}

/// Whether a field's type is `Box<_>` or `Option<Box<_>>`.
fn is_boxed(ty: &Type) -> bool {
    let last = |ty: &Type| match ty {
        Type::Path(p) => p.path.segments.last().cloned(),
        _ => None,
    };
    let Some(segment) = last(ty) else { return false };
    if segment.ident == "Box" {
        return true;
    }
    match (&segment.ident, &segment.arguments) {
        (option, syn::PathArguments::AngleBracketed(args)) if option == "Option" => {
            matches!(args.args.first(), Some(syn::GenericArgument::Type(inner)) if last(inner).is_some_and(|s| s.ident == "Box"))
        }
        _ => false,
    }
}

/// A member is printed redacted when its target, or what its list or map holds, is sensitive.
pub(crate) fn is_sensitive(cx: &Cx, target: &str) -> bool {
    let shape = cx.service.shape(target);
    shape.sensitive
        || match &shape.kind {
            ShapeKind::List { member, .. } => is_sensitive(cx, member),
            ShapeKind::Map { key, value, .. } => is_sensitive(cx, key) || is_sensitive(cx, value),
            _ => false,
        }
}

/// `Debug` through the members' list of [`serialize_impl`]; a wholly sensitive structure prints
/// only its name.
fn debug_impl(cx: &Cx, ident: &syn::Ident, whole: bool) -> TokenStream {
    let types_rt = &cx.types_rt;
    let name = ident.to_string();
    let body = if whole {
        quote! { f.debug_tuple(#name).field(&#types_rt::Redacted).finish() }
    } else {
        quote! { #types_rt::structure::debug(self, f) }
    };
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    }
}

/// Errors print as `Name: message`, are `std::error::Error`s, and say their code and fault to
/// the operations' error enums (`ErrorStructure`).
fn error_impls(cx: &Cx, shape: &Shape, ident: &syn::Ident, fields: &[FieldInfo]) -> TokenStream {
    let types_rt = &cx.types_rt;
    let name = ident.to_string();
    let code = &shape.name;
    let fault = match shape.error {
        Some(Fault::Server) => quote!(#types_rt::Fault::Server),
        _ => quote!(#types_rt::Fault::Client),
    };
    let message = fields.iter().find(|f| f.wire_name.eq_ignore_ascii_case("message"));
    let accessor = match message {
        Some(f) if !f.required => {
            let field = format_ident!("{}", f.ident);
            quote! { self.#field.as_deref() }
        }
        Some(f) => {
            let field = format_ident!("{}", f.ident);
            quote! { Some(self.#field.as_str()) }
        }
        None => quote! { None },
    };
    quote! {
        impl #ident {
            /// The error's message, as the service sent it.
            pub fn message(&self) -> ::std::option::Option<&str> {
                #accessor
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.message() {
                    Some(message) => write!(f, "{}: {}", #name, message),
                    None => f.write_str(#name),
                }
            }
        }
        impl ::std::error::Error for #ident {}
        impl #types_rt::ErrorStructure for #ident {
            fn code(&self) -> &'static str {
                #code
            }
            fn fault(&self) -> #types_rt::Fault {
                #fault
            }
            fn message(&self) -> ::std::option::Option<&str> {
                #ident::message(self)
            }
            fn to_body(&self) -> #types_rt::serde_json::Value {
                #types_rt::serde_json::to_value(self).unwrap_or_default()
            }
        }
    }
}

/// The members' list (`WriteMembers`: wire name, field name and value, in model order), and
/// `Serialize` through it: absent optional members are left out. `Debug` reads the same list,
/// so each structure has one generic body to compile for both.
fn serialize_impl(cx: &Cx, ident: &syn::Ident, fields: &[FieldInfo], redacted: &[String]) -> TokenStream {
    let types_rt = &cx.types_rt;
    let name = ident.to_string();
    let members = fields.iter().map(|f| {
        let (wire, label, field) = (&f.wire_name, &f.ident, format_ident!("{}", f.ident));
        let method = match (f.required, redacted.contains(&f.ident)) {
            (true, false) => quote!(member),
            (false, false) => quote!(optional),
            (true, true) => quote!(sensitive),
            (false, true) => quote!(sensitive_optional),
        };
        quote!(w.#method(#wire, #label, &self.#field);)
    });
    quote! {
        impl #types_rt::structure::WriteMembers for #ident {
            const NAME: &'static str = #name;
            #[allow(unused_variables)]
            fn write_members<W: #types_rt::structure::MemberWriter>(&self, w: &mut W) {
                #(#members)*
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #types_rt::structure::serialize(self, serializer)
            }
        }
    }
}

/// `Deserialize`, written here rather than derived: serde's derive expands to about 200 lines per
/// structure (a field enum and its visitor, `visit_seq` for arrays, missing-field handling), which
/// made it the largest part of the generated crate's compile time; AWS JSON needs only objects.
/// The visitor is the runtime's (`structure::deserialize`: reading starts from `Default`, so a
/// response missing a required member still parses; unknown members are skipped); a structure
/// says only where each member's value goes.
fn deserialize_impl(cx: &Cx, ident: &syn::Ident, name: &str, fields: &[FieldInfo]) -> TokenStream {
    let types_rt = &cx.types_rt;
    let wire: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    let field: Vec<syn::Ident> = fields.iter().map(|f| format_ident!("{}", f.ident)).collect();
    quote! {
        impl #types_rt::structure::ReadMembers for #ident {
            const NAME: &'static str = #name;
            const MEMBERS: &'static [&'static str] = &[#(#wire),*];
            fn read_member<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                name: &str,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                match name {
                    #( #wire => #types_rt::structure::read(map, &mut self.#field), )*
                    _ => #types_rt::structure::skip(map),
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #types_rt::structure::deserialize(deserializer)
            }
        }
    }
}

/// Keeps typify's derives but serde's and `Debug` (all written by hand here).
fn edit_derives(s: &mut ItemStruct, add_default: bool) {
    for attr in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let named = |p: &syn::Path, name: &str| p.segments.last().is_some_and(|s| s.ident == name);
        let mut kept: Vec<syn::Path> = paths
            .into_iter()
            .filter(|p| !(named(p, "Deserialize") || named(p, "Serialize") || named(p, "Debug")))
            .collect();
        if add_default {
            kept.push(syn::parse_quote!(Default));
        }
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        return;
    }
}

fn is_trait(imp: &syn::ItemImpl, name: &str) -> bool {
    imp.trait_.as_ref().and_then(|(_, p, _)| p.segments.last()).is_some_and(|s| s.ident == name)
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

/// Rewrites bare references to generated types (`AttributeType`) as `crate::types::AttributeType`,
/// so each type can live in its own module.
struct Qualify<'a>(&'a BTreeSet<String>);

impl VisitMut for Qualify<'_> {
    fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
        if tp.qself.is_none()
            && tp.path.leading_colon.is_none()
            && tp.path.segments.len() == 1
            && self.0.contains(&tp.path.segments[0].ident.to_string())
        {
            let ident = &tp.path.segments[0].ident;
            tp.path = syn::parse_quote!(crate::types::#ident);
        }
        syn::visit_mut::visit_type_path_mut(self, tp);
    }
}
