//! The client: `Client` with one method per operation returning a fluent builder
//! (`client.admin_create_user().user_pool_id(id).username("diego").send().await`), and a
//! paginator for paginated operations. One module per operation's builder.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{method_name, module_name, type_name};
use super::render::Module;
use super::rust_types::{param_type, value_type};
use super::structs::{FieldInfo, StructInfo};
use super::{Cx, docs};
use crate::model::{Operation, ShapeKind};

/// Builder methods that a member setter must not shadow.
const RESERVED: &[&str] = &["new", "send", "input", "as_input", "into_paginator", "customize"];

pub fn module(cx: &Cx, structs: &BTreeMap<String, StructInfo>) -> Module {
    let client_rt = &cx.client_rt;
    let title = &cx.service.title;
    let methods = cx.service.operations.values().map(|op| {
        let method = format_ident!("{}", method_name(&op.name));
        let builder = builder_ident(op);
        let module = format_ident!("{}", module_name(&op.name));
        let doc = docs::outer(&format!(
            "{}\n\nReturns a builder: set the members, then `.send().await`.",
            docs::operation_doc(cx.service, op)
        ));
        quote! {
            #doc
            pub fn #method(&self) -> #module::#builder {
                #module::#builder::new(self.runtime.clone())
            }
        }
    });
    let reexports = cx.service.operations.values().map(|op| {
        let (module, builder) = (format_ident!("{}", module_name(&op.name)), builder_ident(op));
        quote!(pub use #module::#builder;)
    });
    let text = format!("Client for the {title} API: one method per operation, each returning a fluent builder.");
    let (inner_doc, doc) = (docs::inner(&text), docs::outer(&text));
    let items = quote! {
        #inner_doc
        #(#reexports)*

        #doc
        ///
        /// Cheap to clone: clones share connections, credentials and the retry quota.
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: #client_rt::Client,
        }

        impl Client {
            /// A client for this service with the given configuration.
            pub fn new(config: #client_rt::Config) -> Self {
                Client { runtime: #client_rt::Client::new(&crate::SERVICE, config) }
            }

            /// A client configured from the environment: region from `AWS_REGION`,
            /// `AWS_DEFAULT_REGION` or the profile; credentials from the default chain.
            pub fn from_env() -> Self {
                Client::new(#client_rt::Config::from_env())
            }

            /// Wraps an existing runtime client (it must be configured for this service).
            pub fn from_runtime(runtime: #client_rt::Client) -> Self {
                Client { runtime }
            }

            /// The runtime client that sends the requests.
            pub fn runtime(&self) -> &#client_rt::Client {
                &self.runtime
            }

            #(#methods)*
        }
    };
    let children = cx.service.operations.values().map(|op| builder_module(cx, op, structs)).collect();
    Module::new("client", items).with_children(children)
}

fn builder_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}Builder", type_name(&op.name))
}

fn builder_module(cx: &Cx, op: &Operation, structs: &BTreeMap<String, StructInfo>) -> Module {
    let client_rt = &cx.client_rt;
    let builder = builder_ident(op);
    let builder_name = builder.to_string();
    let marker = format_ident!("{}", type_name(&op.name));
    let input_ty = format_ident!("{}", type_name(&op.input));
    let input_shape = cx.service.shape(&op.input);
    let info = &structs[&op.input];
    // A required idempotency token is filled by the runtime when left unset, so the builder does
    // not ask for it.
    let token = |f: &FieldInfo| input_shape.members().iter().any(|m| m.name == f.wire_name && m.idempotency_token);
    let required: Vec<&FieldInfo> = info.fields.iter().filter(|f| f.required && !token(f)).collect();
    let required_count = proc_macro2::Literal::usize_unsuffixed(required.len());
    let setters = input_shape.members().iter().map(|member| {
        let field = info.fields.iter().find(|f| f.wire_name == member.name).expect("typify emitted every member");
        let slot = required.iter().position(|f| f.wire_name == member.name).map(proc_macro2::Literal::usize_unsuffixed);
        setters(cx, member, field, slot)
    });
    let required_names: Vec<&str> = required.iter().map(|f| f.wire_name.as_str()).collect();
    let name = &op.name;
    let paginator = op.pagination.as_ref().map(|_| paginator(cx, op, structs));
    let doc = docs::outer(&format!(
        "Builder for the `{name}` operation: set the members, then call [`send`](Self::send).\n\n{}",
        docs::operation_doc(cx.service, op)
    ));
    let items = quote! {
        #doc
        // `Debug` by hand, not derived, so that it is `#[inline]` (see `inline.rs`).
        #[derive(Clone)]
        pub struct #builder {
            client: #client_rt::Client,
            input: crate::types::#input_ty,
            /// Which required members were set, in model order.
            required: [bool; #required_count],
        }

        impl #builder {
            pub(crate) fn new(client: #client_rt::Client) -> Self {
                #builder { client, input: ::std::default::Default::default(), required: [false; #required_count] }
            }

            /// Replaces the whole input (required members count as set).
            pub fn input(mut self, input: crate::types::#input_ty) -> Self {
                self.input = input;
                self.required = [true; #required_count];
                self
            }

            /// The input as built so far.
            pub fn as_input(&self) -> &crate::types::#input_ty {
                &self.input
            }

            #(#setters)*

            /// Sends the request. A required member that was never set is an error here, before
            /// anything is sent.
            // Marked `#[inline]` like every non-generic generated method (see `inline.rs`). The
            // future is the runtime's (`send_built`), so builders have no `async` body of their
            // own to compile.
            pub fn send(self) -> #client_rt::SendFuture<crate::operation::#marker> {
                const REQUIRED: [&str; #required_count] = [#(#required_names),*];
                let unset = #client_rt::first_unset(&self.required, &REQUIRED);
                self.client.send_built::<crate::operation::#marker>(self.input, unset)
            }

            #paginator
        }

        impl ::std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#builder_name).field("input", &self.input).field("required", &self.required).finish_non_exhaustive()
            }
        }
    };
    Module::new(module_name(&op.name), items).private()
}

/// `x(value)` (plus `set_x(Option<_>)` for optional members); lists append one item and maps
/// insert one entry, as in AWS's SDKs.
fn setters(
    cx: &Cx,
    member: &crate::model::Member,
    field: &FieldInfo,
    slot: Option<proc_macro2::Literal>,
) -> TokenStream {
    let mut method = field.ident.trim_start_matches("r#").to_string();
    if RESERVED.contains(&method.as_str()) {
        method.push_str("_member");
    }
    let method = format_ident!("{method}");
    let set_method = format_ident!("set_{}", field.ident.trim_start_matches("r#").trim_end_matches('_'));
    let ident = syn::parse_str::<syn::Ident>(&field.ident).unwrap_or_else(|_| format_ident!("{}", field.ident));
    let doc = docs::outer(&docs::member_doc(cx.service, member));
    let mark = slot.map(|i| quote!(self.required[#i] = true;));
    let value_ty = value_type(cx, &member.target);
    let target = cx.service.shape(&member.target);
    let (adder, store) = match &target.kind {
        ShapeKind::List { member: item, .. } => {
            let (param, into) = param_type(cx, item);
            let convert = if into { quote!(item.into()) } else { quote!(item) };
            let push = if member.required {
                quote!(self.input.#ident.push(#convert);)
            } else {
                quote!(self.input.#ident.get_or_insert_with(::std::vec::Vec::new).push(#convert);)
            };
            (quote! { pub fn #method(mut self, item: #param) -> Self { #push #mark self } }, true)
        }
        ShapeKind::Map { value, .. } => {
            // A `BTreeMap`, or the JSON object typify makes of a map of documents.
            let new_map = match cx.service.shape(value).kind {
                ShapeKind::Document => quote!(::serde_json::Map::new),
                _ => quote!(::std::collections::BTreeMap::new),
            };
            let (param, into) = param_type(cx, value);
            let convert = if into { quote!(value.into()) } else { quote!(value) };
            let insert = if member.required {
                quote!(self.input.#ident.insert(key.into(), #convert);)
            } else {
                quote!(self.input.#ident.get_or_insert_with(#new_map).insert(key.into(), #convert);)
            };
            let adder = quote! {
                pub fn #method(mut self, key: impl ::std::convert::Into<::std::string::String>, value: #param) -> Self {
                    #insert #mark self
                }
            };
            (adder, true)
        }
        _ => {
            let (param, into) = param_type(cx, &member.target);
            let convert = match (into, field.boxed) {
                (true, false) => quote!(value.into()),
                (true, true) => quote!(::std::boxed::Box::new(value.into())),
                (false, false) => quote!(value),
                (false, true) => quote!(::std::boxed::Box::new(value)),
            };
            let assign = if member.required { quote!(#convert) } else { quote!(Some(#convert)) };
            (
                quote! { pub fn #method(mut self, value: #param) -> Self { self.input.#ident = #assign; #mark self } },
                false,
            )
        }
    };
    // Optional members, and required collections (built one item at a time), also get a
    // `set_` form taking the whole value.
    let rebox = field.boxed.then(|| quote!(.map(::std::boxed::Box::new)));
    let set = if !member.required {
        Some(quote! {
            #[doc = " Sets or clears the whole member."]
            pub fn #set_method(mut self, value: ::std::option::Option<#value_ty>) -> Self {
                self.input.#ident = value #rebox;
                self
            }
        })
    } else if store {
        Some(quote! {
            #[doc = " Sets the whole member."]
            pub fn #set_method(mut self, value: #value_ty) -> Self {
                self.input.#ident = value;
                #mark
                self
            }
        })
    } else {
        None
    };
    quote! { #doc #adder #set }
}

fn paginator(cx: &Cx, op: &Operation, structs: &BTreeMap<String, StructInfo>) -> TokenStream {
    let client_rt = &cx.client_rt;
    let p = op.pagination.as_ref().expect("called for paginated operations");
    let marker = format_ident!("{}", type_name(&op.name));
    let input_info = &structs[&op.input];
    let output_name = op.output.as_deref().expect("a paginated operation has an output");
    let output_info = &structs[output_name];
    let field = |info: &StructInfo, wire: &str| info.fields.iter().find(|f| f.wire_name == wire).cloned();
    let (Some(in_token), Some(out_token)) = (field(input_info, &p.input_token), field(output_info, &p.output_token))
    else {
        return quote!();
    };
    let in_ident = format_ident!("{}", in_token.ident);
    let input_ty = format_ident!("{}", type_name(&op.input));
    let output_ty = format_ident!("{}", type_name(output_name));
    let out_ident = format_ident!("{}", out_token.ident);
    let set_token = if in_token.required {
        quote!(|input: &mut crate::types::#input_ty, token| input.#in_ident = token.unwrap_or_default())
    } else {
        quote!(|input: &mut crate::types::#input_ty, token| input.#in_ident = token)
    };
    let next_token = if out_token.required {
        quote!(|output: &crate::types::#output_ty| Some(output.#out_ident.as_str()))
    } else {
        quote!(|output: &crate::types::#output_ty| output.#out_ident.as_deref())
    };
    let items_member = p.items.as_deref().and_then(|i| field(output_info, i).map(|f| (i, f)));
    let (item_ty, items) = match items_member {
        Some((wire, f)) => {
            let member =
                cx.service.shape(output_name).members().iter().find(|m| m.name == wire).expect("member exists");
            let ShapeKind::List { member: item, .. } = &cx.service.shape(&member.target).kind else {
                return quote!();
            };
            let item_ty = value_type(cx, item);
            let ident = format_ident!("{}", f.ident);
            let take = if f.required {
                quote!(|output: crate::types::#output_ty| output.#ident)
            } else {
                quote!(|output: crate::types::#output_ty| output.#ident.unwrap_or_default())
            };
            (item_ty, take)
        }
        None => (quote!(crate::types::#output_ty), quote!(|output: crate::types::#output_ty| vec![output])),
    };
    let name = &op.name;
    quote! {
        /// Pages through every result: `.into_paginator().items()` is a stream of every item,
        /// `.pages()` a stream of whole responses. Each page is one request, made as the stream
        /// is polled.
        pub fn into_paginator(self) -> #client_rt::Paginator<crate::operation::#marker, #item_ty> {
            let links = #client_rt::PageLinks {
                next_token: #next_token,
                set_token: #set_token,
                items: #items,
            };
            match self.required.iter().position(|set| !set) {
                Some(_) => #client_rt::Paginator::failed(
                    self.client,
                    format!("{}: a required member is not set", #name),
                    links,
                ),
                None => #client_rt::Paginator::new(self.client, self.input, links),
            }
        }
    }
}
