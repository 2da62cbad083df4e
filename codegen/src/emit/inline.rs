//! Marks every non-generic method of the generated `impl` blocks `#[inline]`.
//!
//! Why: rustc compiles a non-generic function to machine code in the crate that defines it,
//! whether or not anyone calls it, but an `#[inline]` one only in the crates that call it (even
//! in debug builds, where nothing is actually inlined). A generated SDK defines thousands of such
//! methods (`Debug`, `Display`, error decoding, enum conversions) and a program calls a handful,
//! so without this every build of the SDK pays LLVM for all of them. Generic methods are already
//! compiled only where they are used, and are left as they are.

use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericParam, Generics, ImplItem, ImplItemFn, ItemImpl, Type};

/// Adds `#[inline]` to the non-generic methods of every `impl` in `file` that has none.
pub fn mark(file: &mut syn::File) {
    MarkInline.visit_file_mut(file);
}

struct MarkInline;

impl VisitMut for MarkInline {
    fn visit_item_impl_mut(&mut self, imp: &mut ItemImpl) {
        if is_generic(&imp.generics) {
            return;
        }
        for item in &mut imp.items {
            if let ImplItem::Fn(f) = item
                && !is_generic_fn(f)
                && !f.attrs.iter().any(|a| a.path().is_ident("inline"))
            {
                f.attrs.push(syn::parse_quote!(#[inline]));
            }
        }
    }
}

/// Type or const parameters (lifetimes do not make a function generic in this sense).
fn is_generic(generics: &Generics) -> bool {
    generics.params.iter().any(|p| !matches!(p, GenericParam::Lifetime(_)))
}

fn is_generic_fn(f: &ImplItemFn) -> bool {
    is_generic(&f.sig.generics)
        || f.sig.inputs.iter().any(|arg| matches!(arg, FnArg::Typed(t) if matches!(*t.ty, Type::ImplTrait(_))))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn marked(tokens: proc_macro2::TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        super::mark(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn marks_non_generic_methods_only() {
        let out = marked(quote! {
            impl Foo {
                fn plain(&self) -> u8 { 1 }
                fn with_lifetime<'a>(&'a self) -> &'a str { "" }
                fn generic<T>(&self, t: T) {}
                fn impl_arg(&self, t: impl Into<String>) {}
                #[inline(never)]
                fn opted_out(&self) {}
            }
            impl<T> Bar<T> { fn in_generic_impl(&self) {} }
            impl<'de> Baz<'de> { fn in_lifetime_impl(&self) {} }
        });
        let inline_before = |name: &str| {
            let at = out.find(&format!("fn {name}")).unwrap();
            out[..at].trim_end().ends_with("#[inline]")
        };
        assert!(inline_before("plain"));
        assert!(inline_before("with_lifetime"));
        assert!(inline_before("in_lifetime_impl"));
        assert!(!inline_before("generic"));
        assert!(!inline_before("impl_arg"));
        assert!(!inline_before("in_generic_impl"));
        assert!(out.contains("#[inline(never)]\n    fn opted_out"), "{out}");
        assert_eq!(out.matches("#[inline]").count(), 3, "{out}");
    }
}
