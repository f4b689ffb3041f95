//! The README's operation table must say exactly what the engine implements: no more, no less.
use kms_wasm::api::Operation;
use kms_wasm::ops::is_implemented;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn readme_table_lists_exactly_the_implemented_operations() {
    let text = readme();
    let section = text
        .split("## Implemented operations")
        .nth(1)
        .expect("section")
        .split("\n## ")
        .next()
        .unwrap();
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let implemented: Vec<&str> = Operation::ALL
        .iter()
        .filter(|op| is_implemented(**op))
        .map(|op| op.name())
        .collect();
    let mut a = listed.clone();
    let mut b = implemented.clone();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "README table vs implemented operations");

    let unimplemented: Vec<_> = Operation::ALL
        .iter()
        .filter(|op| !is_implemented(**op))
        .collect();
    let missing = section
        .split("Not yet supported")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(
        unimplemented.is_empty(),
        missing.is_empty(),
        "the not-yet list exists exactly when some operation is unimplemented"
    );
    for op in unimplemented {
        assert!(
            missing.contains(op.name()),
            "{} missing from the not-yet list",
            op.name()
        );
    }
    let count = if implemented.len() == Operation::ALL.len() {
        format!("All {} KMS operations", Operation::ALL.len())
    } else {
        format!(
            "{} of the {} KMS operations",
            implemented.len(),
            Operation::ALL.len()
        )
    };
    assert!(section.contains(&count), "README should say '{count}'");
}
