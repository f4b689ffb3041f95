//! The encryption context as authenticated data. It is never stored in the blob (AWS does not store
//! it either), so Decrypt must be given exactly the same pairs; only their order may differ.

use std::collections::BTreeMap;

/// The canonical bytes of a context: pairs sorted by key, each string length-prefixed, so no two
/// different contexts share an encoding. An absent and an empty context encode alike (AWS treats
/// them alike).
pub fn canonical(context: Option<&BTreeMap<String, String>>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in context.into_iter().flatten() {
        for s in [k, v] {
            out.extend_from_slice(&u64::try_from(s.len()).unwrap_or(u64::MAX).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_free_but_exact() {
        let a: BTreeMap<_, _> = [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        let b: BTreeMap<_, _> = [("b".into(), "2".into()), ("a".into(), "1".into())].into();
        let c: BTreeMap<_, _> = [("a".into(), "12".into())].into();
        let d: BTreeMap<_, _> = [("a1".into(), "2".into())].into();
        assert_eq!(canonical(Some(&a)), canonical(Some(&b)));
        assert_ne!(canonical(Some(&c)), canonical(Some(&d)));
        assert_eq!(canonical(None), canonical(Some(&BTreeMap::new())));
    }
}
