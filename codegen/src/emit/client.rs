//! The client: one async method per operation, each a call into the client runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{method_name, type_name};
use super::{Cx, docs};

pub fn emit(cx: &Cx) -> TokenStream {
    let client_rt = &cx.client_rt;
    let title = &cx.service.title;
    let methods = cx.service.operations.values().map(|op| {
        let method = format_ident!("{}", method_name(&op.name));
        let marker = format_ident!("{}", type_name(&op.name));
        let input = format_ident!("{}", type_name(&op.input));
        let doc = docs::outer(&docs::operation_doc(cx.service, op));
        quote! {
            #doc
            pub async fn #method(
                &self,
                input: crate::types::#input,
            ) -> ::std::result::Result<
                <crate::operation::#marker as #client_rt::Operation>::Output,
                #client_rt::SdkError<<crate::operation::#marker as #client_rt::Operation>::Error>,
            > {
                self.runtime.send::<crate::operation::#marker>(input).await
            }
        }
    });
    let text = format!("Client for the {title} API: one async method per operation.");
    let (inner_doc, doc) = (docs::inner(&text), docs::outer(&text));
    quote! {
        #inner_doc

        #doc
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: #client_rt::Client,
        }

        impl Client {
            /// A client for this service with the given configuration.
            pub fn new(config: #client_rt::Config) -> Self {
                Client { runtime: #client_rt::Client::new(&crate::SERVICE, config) }
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
    }
}
