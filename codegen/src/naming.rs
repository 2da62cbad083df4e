//! The one naming rule for shapes, shared by the importer (file names), the loader (model names)
//! and the emitter (Rust names).
//!
//! A shape's file is `<Name>.json` and its Rust type is [`type_name`](crate::emit::names::type_name)
//! of the name. Two shapes must therefore not fold to the same key, the ASCII-lower-cased Rust
//! type name: that covers names differing only in case (`Double` / `double`, file names collide on
//! case-insensitive file systems), names PascalCase merges (`IPAddress` / `IpAddress`, both
//! `IpAddress`), and names equal to the service description's stem (`Service` vs
//! `service.json`). [`renames`] gives such shapes new names: within a group that folds to the same
//! key, error shapes first (their name is their wire code) and then in byte order, the first keeps
//! its name and each other one gets the first free numeric suffix (`double` -> `double2`); in the
//! group of the reserved key every shape gets a suffix (`Service` -> `Service2`).

use std::collections::{BTreeMap, BTreeSet};

/// The stem of `service.json`: no type may fold to it.
pub const RESERVED: &str = "service";

/// The key two names must not share.
pub fn fold(name: &str) -> String {
    crate::emit::names::type_name(name).to_ascii_lowercase()
}

/// Old name -> new name for the shapes the rule renames (empty when every name is fine).
/// `is_error` tells which names are error shapes, which keep their name first.
pub fn renames<'a>(
    names: impl IntoIterator<Item = &'a str>,
    is_error: impl Fn(&str) -> bool,
) -> BTreeMap<String, String> {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in names {
        groups.entry(fold(name)).or_default().push(name);
    }
    let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
    taken.insert(RESERVED.to_string());
    let mut renames = BTreeMap::new();
    for (key, mut group) in groups {
        let reserved = key == RESERVED;
        if group.len() == 1 && !reserved {
            continue;
        }
        group.sort_by_key(|name| (!is_error(name), *name));
        let keep = usize::from(!reserved);
        for name in group.into_iter().skip(keep) {
            let new = (2..)
                .map(|n| format!("{name}{n}"))
                .find(|candidate| !taken.contains(&fold(candidate)))
                .expect("an unused suffix exists");
            taken.insert(fold(&new));
            renames.insert(name.to_string(), new);
        }
    }
    renames
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_pascal_and_reserved_collisions_are_renamed() {
        let names = [
            "Double",
            "double",
            "IPAddress",
            "IpAddress",
            "Service",
            "Double2",
            "UserType",
            "FooException",
            "fooException",
        ];
        let renamed = renames(names, |n| n == "fooException");
        assert_eq!(
            renamed.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>(),
            [
                ("FooException", "FooException2"),
                ("IpAddress", "IpAddress2"),
                ("Service", "Service2"),
                ("double", "double3")
            ]
        );
        // Applied again to the result, the rule changes nothing.
        let after: Vec<String> = names.iter().map(|n| renamed.get(*n).cloned().unwrap_or(n.to_string())).collect();
        assert!(renames(after.iter().map(String::as_str), |_| false).is_empty());
    }
}
