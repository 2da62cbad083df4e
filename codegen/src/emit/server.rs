//! The server trait (one async method per operation, each with a default "not implemented"
//! answer) and the dispatch from an operation name to a method.

use heck::ToPascalCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{method_name, type_name};
use super::{Cx, docs};
use crate::model::Auth;

/// Name of the generated trait: the service's name in PascalCase (`cognito-idp` -> `CognitoIdp`).
pub fn trait_name(cx: &Cx) -> String {
    let name = type_name(&cx.service.name.to_pascal_case());
    // The crate root re-exports these names beside the trait (AWS Config is `config`): the
    // runtimes' and the generated `ErrorCode`.
    const ROOT_NAMES: &[&str] = &[
        "Client",
        "Config",
        "Credentials",
        "RetryConfig",
        "SdkError",
        "TimeoutConfig",
        "Blob",
        "Empty",
        "Timestamp",
        "Validate",
        "ValidationError",
        "ErrorCode",
    ];
    if ROOT_NAMES.contains(&name.as_str()) { format!("{name}Service") } else { name }
}

pub fn emit(cx: &Cx) -> TokenStream {
    let server_rt = &cx.server_rt;
    let types_rt = &cx.types_rt;
    let trait_ident = format_ident!("{}", trait_name(cx));
    let title = &cx.service.title;

    // Each method names its concrete types (the same ones the operation's `Operation` impl
    // names), so rustdoc and an IDE's hover show what to return.
    let methods = cx.service.operations.values().map(|op| {
        let method = format_ident!("{}", method_name(&op.name));
        let input = format_ident!("{}", type_name(&op.input));
        let output = match &op.output {
            Some(o) => {
                let o = format_ident!("{}", type_name(o));
                quote!(crate::types::#o)
            }
            None => quote!(crate::Empty),
        };
        let error = format_ident!("{}Error", type_name(&op.name));
        let name = &op.name;
        let doc = docs::outer(&format!(
            "{}\n\nThe default answers `UnsupportedOperationException` (HTTP 400): this backend does not implement \
             the operation.",
            docs::server_method_doc(cx.service, op)
        ));
        quote! {
            #doc
            fn #method(
                &self,
                ctx: RequestContext,
                input: crate::types::#input,
            ) -> impl Future<Output = Result<#output, crate::operation::#error>> + Send {
                let _ = (ctx, input);
                ::std::future::ready(Err(#types_rt::ModeledError::not_implemented(#name)))
            }
        }
    });

    let arms = cx.service.operations.values().map(|op| {
        let method = format_ident!("{}", method_name(&op.name));
        let marker = format_ident!("{}", type_name(&op.name));
        let name = &op.name;
        quote! {
            #name => ::std::boxed::Box::pin(#server_rt::invoke::<crate::operation::#marker, _, _>(
                ctx,
                body,
                move |ctx, input| async move { service.#method(ctx, input).await },
            )),
        }
    });

    let auth_arms = cx.service.operations.values().map(|op| {
        let name = &op.name;
        let scheme = match op.auth {
            Auth::SigV4 => quote!(#types_rt::AuthScheme::SigV4),
            Auth::None => quote!(#types_rt::AuthScheme::None),
        };
        quote!(#name => ::std::option::Option::Some((#name, #scheme)),)
    });

    let module_doc = docs::inner(
        "The server side: the service trait, the dispatch of requests to its methods, and the axum router.",
    );
    let trait_doc = docs::outer(&format!(
        "The {title} API as a server: implement the operations your backend supports; the others answer \
         `UnsupportedOperationException` (HTTP 400). Requests reach a method already routed, parsed and \
         validated against the model (and, when configured, with a verified SigV4 signature); the method \
         returns the typed output or one of the operation's errors, and the runtime encodes it."
    ));
    quote! {
        #module_doc

        pub use #server_rt::{
            Cors, CredentialStore, InMemoryCredentials, RequestContext, ServerConfig, SigV4Config, StoredCredential,
        };
        use ::std::future::Future;

        #trait_doc
        pub trait #trait_ident: Send + Sync + 'static {
            #(#methods)*
        }

        /// Runs the method for `ctx.operation` on `service`: reads, parses and validates `body`,
        /// calls the method, and encodes its answer (or error) as an AWS JSON response.
        pub fn dispatch<S: #trait_ident>(
            service: ::std::sync::Arc<S>,
            ctx: #server_rt::RequestContext,
            body: #server_rt::RequestBody,
        ) -> #server_rt::BoxFuture<'static, #server_rt::Response> {
            match ctx.operation {
                #(#arms)*
                operation => ::std::boxed::Box::pin(::std::future::ready(#server_rt::unknown_operation(&crate::SERVICE, operation))),
            }
        }

        /// How an operation authenticates: signed (SigV4) or public; `None` for a name that is not
        /// an operation of the service.
        pub fn operation_auth(operation: &str) -> ::std::option::Option<#types_rt::AuthScheme> {
            lookup_operation(operation).map(|(_, scheme)| scheme)
        }

        /// The operation a name denotes, as its `'static` name and how it authenticates; `None`
        /// for a name that is not an operation of the service.
        pub fn lookup_operation(operation: &str) -> ::std::option::Option<(&'static str, #types_rt::AuthScheme)> {
            match operation {
                #(#auth_arms)*
                _ => ::std::option::Option::None,
            }
        }

        /// An axum router serving `service` at `POST /`, dispatching on `X-Amz-Target`, with the
        /// default settings (no signature checks, CORS for any origin).
        pub fn router<S: #trait_ident>(service: S) -> #server_rt::axum::Router {
            router_with(service, #server_rt::ServerConfig::default())
        }

        /// An axum router serving `service` with `config` (SigV4 verification, CORS, body limit).
        pub fn router_with<S: #trait_ident>(service: S, config: #server_rt::ServerConfig) -> #server_rt::axum::Router {
            let spec = #server_rt::ServiceSpec {
                info: &crate::SERVICE,
                dispatch: dispatch::<S>,
                auth: lookup_operation,
            };
            #server_rt::router(spec, ::std::sync::Arc::new(service), config)
        }
    }
}
