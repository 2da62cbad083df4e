//! The managed login pages from a test's side, on [`super::oauth::Browser`]: [`Pages`] posts
//! their forms (with the browser's CSRF token, or a page's hidden inputs), and [`Read`] reads
//! what a page says (`#errorMessage`, `#infoMessage`) and its forms.
//!
//! ```ignore
//! let mut pages = Pages::new(&server.url(), "myapp", &[("client_id", &app), ...]);
//! pages.get("/signup").await;                                   // sets the XSRF-TOKEN cookie
//! let confirm = pages.post("/signup", &[("username", "diego"), ...]).await;
//! let done = pages.submit(&confirm, "/confirm", &[("code", &code)]).await;
//! assert_eq!(done.info().as_deref(), Some("Your account is confirmed. Please sign in."));
//! ```

#![allow(dead_code)]

use std::collections::BTreeMap;

use super::oauth::{Browser, Page};

/// A [`Browser`] on one domain's pages with one authorization request: it adds its CSRF token
/// to the forms it posts and replays a page's hidden inputs.
pub struct Pages {
    http: Browser,
    /// `{server}/domain/{domain}`.
    base: String,
    /// `/domain/{domain}`: where the pages' forms post.
    path: String,
    query: String,
}

impl Pages {
    /// A browser without cookies on the pages of domain `domain` of the server at `url`, with
    /// the authorization request `request` (`client_id`, `redirect_uri`...).
    pub fn new(url: &str, domain: &str, request: &[(&str, &str)]) -> Pages {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in request {
            query.append_pair(name, value);
        }
        let path = format!("/domain/{domain}");
        Pages { http: Browser::new(), base: format!("{url}{path}"), path, query: query.finish() }
    }

    /// Pages in `lang` (the authorization request's `lang`).
    pub fn in_language(mut self, lang: &str) -> Pages {
        self.query.push_str(&format!("&lang={lang}"));
        self
    }

    /// The browser's CSRF token (its `XSRF-TOKEN` cookie).
    pub fn csrf(&self) -> String {
        self.http.cookie("XSRF-TOKEN").expect("a CSRF cookie")
    }

    /// `GET {page}?{authorization request}`.
    pub async fn get(&mut self, page: &str) -> Page {
        self.http.get(&format!("{}{page}?{}", self.base, self.query)).await
    }

    /// Posts `fields` to `page` with the browser's CSRF token, unless `fields` has a `_csrf` of
    /// its own (an empty one: a form without the field).
    pub async fn post(&mut self, page: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.http.cookie("XSRF-TOKEN");
        let mut form: Vec<(&str, &str)> =
            fields.iter().copied().filter(|(name, value)| *name != "_csrf" || !value.is_empty()).collect();
        if !fields.iter().any(|(name, _)| *name == "_csrf") {
            form.push(("_csrf", csrf.as_deref().expect("a CSRF cookie")));
        }
        self.http.post(&format!("{}{page}?{}", self.base, self.query), &form).await
    }

    /// Sends the form of `answer` that posts to `page` (which must keep the authorization
    /// request): its hidden inputs (CSRF token, session, username...) and `fields`.
    pub async fn submit(&mut self, answer: &Page, page: &str, fields: &[(&str, &str)]) -> Page {
        let (action, hidden) = answer.form(page);
        let (target, query) = action.split_once('?').expect("the form carries the request");
        assert_eq!(target, format!("{}{page}", self.path));
        assert_eq!(pairs(query), pairs(&self.query), "the form keeps the authorization request");
        let mut all: Vec<(&str, &str)> = hidden.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        all.extend_from_slice(fields);
        self.post(page, &all).await
    }
}

/// What the tests read of a page.
pub trait Read {
    /// The page's error message (`#errorMessage`), unescaped.
    fn error(&self) -> Option<String>;
    /// The page's informative message (`#infoMessage`), unescaped.
    fn info(&self) -> Option<String>;
    /// Where a redirect goes (panics, showing the page, for anything but a 302).
    fn redirect(&self) -> String;
    /// The action and hidden inputs of the first form posting to `path`.
    fn form(&self, path: &str) -> (String, Vec<(String, String)>);
}

impl Read for Page {
    fn error(&self) -> Option<String> {
        element_text(&self.body, "id=\"errorMessage\"")
    }

    fn info(&self) -> Option<String> {
        element_text(&self.body, "id=\"infoMessage\"")
    }

    fn redirect(&self) -> String {
        assert_eq!(self.status, 302, "a redirect, not: {:?} {}", self.error(), self.body);
        self.location.clone().expect("a redirect has a Location")
    }

    fn form(&self, path: &str) -> (String, Vec<(String, String)>) {
        let marker = format!("{path}?");
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find("<form ") {
            let form = &rest[at..];
            let end = form.find("</form>").expect("a closed form");
            let action = unescape(&attribute(form, "action").unwrap_or_default());
            if action.contains(&marker) {
                let hidden = form[..end]
                    .split("<input ")
                    .skip(1)
                    .filter(|input| attribute(input, "type").as_deref() == Some("hidden"))
                    .map(|input| {
                        let name = attribute(input, "name").expect("a named input");
                        (name, unescape(&attribute(input, "value").unwrap_or_default()))
                    })
                    .collect();
                return (action, hidden);
            }
            rest = &form[end..];
        }
        panic!("no form posting to {path} in {}", self.body)
    }
}

/// Attribute `name` of the tag `tag` starts (up to its `>`), as written.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = format!(" {}", &tag[..tag.find('>').unwrap_or(tag.len())]);
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[start..start + tag[start..].find('"')?].to_owned())
}

/// The text of the element whose start tag holds `marker`.
fn element_text(body: &str, marker: &str) -> Option<String> {
    let at = body.find(marker)?;
    let text = &body[at + body[at..].find('>')? + 1..];
    Some(unescape(&text[..text.find('<')?]))
}

/// HTML's escapes undone (what maud escapes).
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

/// The pairs of a query string, by name (order and encoding aside).
pub fn pairs(query: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}
