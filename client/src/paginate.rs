//! Paginated operations as streams of pages and of items.

use std::pin::Pin;

use futures_core::Stream;

use awsjson_types::Operation;

use crate::client::Client;
use crate::error::SdkError;

/// A boxed stream (so `StreamExt::next` works on it without pinning by hand).
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// How a paginated operation links its pages (generated per operation).
#[derive(Debug)]
pub struct PageLinks<O: Operation, T> {
    /// The output's next-page token.
    pub next_token: fn(&O::Output) -> Option<&str>,
    /// Sets the input's page token.
    pub set_token: fn(&mut O::Input, Option<String>),
    /// The page's items.
    pub items: fn(O::Output) -> Vec<T>,
}

/// The pages of one paginated call. Pages are fetched lazily, one request each, until the
/// service sends no next token (or sends the same token twice, which would loop forever).
pub struct Paginator<O: Operation, T> {
    client: Client,
    /// The first page's input, or why it could not be built.
    input: Result<O::Input, String>,
    links: PageLinks<O, T>,
}

impl<O: Operation, T: Send + 'static> Paginator<O, T>
where
    O::Input: Clone,
{
    /// The pages of `O` called with `input` (which holds the first page's token, if any).
    pub fn new(client: Client, input: O::Input, links: PageLinks<O, T>) -> Self {
        Paginator { client, input: Ok(input), links }
    }

    /// A paginator whose input could not be built: its streams yield that one error.
    pub fn failed(client: Client, message: String, links: PageLinks<O, T>) -> Self {
        Paginator { client, input: Err(message), links }
    }

    /// Every page, as the operation's output.
    pub fn pages(self) -> BoxStream<Result<O::Output, SdkError<O::Error>>> {
        struct State<O: Operation> {
            client: Client,
            input: Option<Result<O::Input, String>>,
            previous: Option<String>,
        }
        let next_token = self.links.next_token;
        let set_token = self.links.set_token;
        let state = State::<O> { client: self.client, input: Some(self.input), previous: None };
        Box::pin(futures_util::stream::unfold(state, move |mut state| async move {
            let input = match state.input.take()? {
                Ok(input) => input,
                Err(message) => return Some((Err(SdkError::Construction(message)), state)),
            };
            match state.client.send::<O>(input.clone()).await {
                Err(e) => Some((Err(e), state)),
                Ok(page) => {
                    let token = next_token(&page).filter(|t| !t.is_empty()).map(str::to_owned);
                    if let Some(t) = &token
                        && state.previous.as_ref() != Some(t)
                    {
                        let mut next = input;
                        set_token(&mut next, Some(t.clone()));
                        state.input = Some(Ok(next));
                        state.previous = token;
                    }
                    Some((Ok(page), state))
                }
            }
        }))
    }

    /// Every item of every page.
    pub fn items(self) -> BoxStream<Result<T, SdkError<O::Error>>> {
        use futures_util::StreamExt;
        let items = self.links.items;
        Box::pin(self.pages().flat_map(move |page| {
            let batch: Vec<Result<T, SdkError<O::Error>>> = match page {
                Ok(page) => items(page).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(batch)
        }))
    }
}
