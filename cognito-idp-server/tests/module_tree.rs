//! The server's modules form a tree of dependencies: no module reaches, through `crate::` or
//! `super::` paths, a module that reaches back to it. A cycle is how shared pieces end up in
//! whichever handler came first; the fix is to move the shared piece below both.
//!
//! The check reads the source as text: every `crate::a::b` / `super::a` path (in `use` lines and
//! in code, test modules left out) names the deepest module it reaches, and the modules with
//! their edges must have no strongly connected component of more than one module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`handlers::auth::app`) → file, for every `.rs` file under `src/`.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                parts.pop();
            }
            found.insert(parts.join("::"), path);
        }
    }
    found
}

/// The source without its `#[cfg(test)] mod tests { .. }` (tests may use anything) and
/// without comments (doc links are not dependencies).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The identifiers of a path starting at `at` (`a::b::{c, d::e}` gives `a::b::c`, `a::b::d::e`).
fn paths_at(code: &str, at: usize) -> Vec<String> {
    let rest = &code[at..];
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
    let base = rest[..end].trim_end_matches(':').to_owned();
    if rest[end..].starts_with('{') && rest[..end].ends_with("::") {
        let inner_end = rest[end..].find('}').map(|i| end + i).unwrap_or(rest.len());
        return rest[end + 1..inner_end]
            .split(',')
            .map(|item| item.split_whitespace().next().unwrap_or("").split("::{").next().unwrap_or("").to_owned())
            .filter(|item| !item.is_empty() && item != "self")
            .map(|item| format!("{base}::{item}"))
            .chain(std::iter::once(base.clone()))
            .collect();
    }
    vec![base]
}

/// The deepest known module a path names.
fn resolve(modules: &BTreeMap<String, PathBuf>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len()).rev().map(|n| parts[..n].join("::")).find(|m| modules.contains_key(m))
}

fn edges(modules: &BTreeMap<String, PathBuf>) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (module, file) in modules {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let parent: Vec<&str> = module.split("::").collect();
        let parent = parent[..parent.len().saturating_sub(1)].join("::");
        let mut deps = BTreeSet::new();
        for (prefix, base) in [("crate::", String::new()), ("super::", parent)] {
            let mut from = 0;
            while let Some(found) = code[from..].find(prefix) {
                let at = from + found + prefix.len();
                let preceded = code[..from + found].chars().next_back();
                from = at;
                if preceded.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                for path in paths_at(&code, at) {
                    let full = if base.is_empty() { path } else { format!("{base}::{path}") };
                    if let Some(target) = resolve(modules, &full).filter(|t| t != module) {
                        deps.insert(target);
                    }
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

/// Strongly connected components of more than one module (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn the_servers_modules_have_no_import_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(modules.contains_key("handlers::one_time_codes") && modules.len() > 40, "{:?}", modules.keys());
    let graph = edges(&modules);
    // The scan sees what it should: a few edges known to exist.
    assert!(graph["handlers::recovery"].contains("handlers::one_time_codes"));
    assert!(graph["handlers::pools"].contains("handlers::mfa::config"));
    assert!(graph["state"].contains("tokens::key_pairs"));
    let found = cycles(&graph);
    assert!(found.is_empty(), "import cycles among the server's modules: {found:?}");
}

#[test]
fn the_scan_finds_a_cycle_when_there_is_one() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".into()].into());
    graph.insert("b".into(), ["c".into()].into());
    graph.insert("c".into(), ["a".into(), "d".into()].into());
    graph.insert("d".into(), BTreeSet::new());
    assert_eq!(cycles(&graph), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    let mut modules = BTreeMap::new();
    for m in ["handlers", "handlers::users", "handlers::signup"] {
        modules.insert(m.to_owned(), PathBuf::new());
    }
    assert_eq!(paths_at("handlers::{users, signup::PURPOSE};", 0).len(), 3);
    assert_eq!(resolve(&modules, "handlers::signup::PURPOSE").as_deref(), Some("handlers::signup"));
}
