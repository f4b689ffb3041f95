//! The persistence encoding: journal entries (one operation's resulting records, never the command,
//! so replay is deterministic and needs no randomness) and snapshots (every record). Both are
//! versioned JSON; JS storage adapters treat them as opaque bytes.

use serde::{Deserialize, Serialize};

use super::{RecordKey, Store, Table, WriteSet};
use crate::model::alias::AliasRecord;
use crate::model::custom_key_store::CustomKeyStoreRecord;
use crate::model::grant::GrantRecord;
use crate::model::key::KeyRecord;

const FORMAT: &str = "kms-wasm";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry {
    format: String,
    v: u32,
    writes: WriteSet,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: String,
    v: u32,
    keys: Vec<(RecordKey, KeyRecord)>,
    aliases: Vec<(RecordKey, AliasRecord)>,
    /// Absent in snapshots written before grants existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    grants: Vec<(RecordKey, GrantRecord)>,
    /// Absent in snapshots written before custom key stores existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    custom_key_stores: Vec<(RecordKey, CustomKeyStoreRecord)>,
}

/// Why stored bytes could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

/// `Entry` by reference, for encoding without cloning the records (same bytes).
#[derive(Serialize)]
struct EntryRef<'a> {
    format: &'a str,
    v: u32,
    writes: &'a WriteSet,
}

/// `Snapshot` by reference: encoding a large store must not first clone every record (same bytes).
#[derive(Serialize)]
struct SnapshotRef<'a> {
    format: &'a str,
    v: u32,
    keys: Pairs<'a, KeyRecord>,
    aliases: Pairs<'a, AliasRecord>,
    #[serde(skip_serializing_if = "Pairs::is_empty")]
    grants: Pairs<'a, GrantRecord>,
    #[serde(skip_serializing_if = "Pairs::is_empty")]
    custom_key_stores: Pairs<'a, CustomKeyStoreRecord>,
}

/// A table serialized as the `[[key, record], …]` list `Snapshot` reads back.
struct Pairs<'a, V>(&'a Table<V>);

impl<V> Pairs<'_, V> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for Pairs<'_, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter())
    }
}

/// Encodes a write set as a journal entry.
pub fn encode_entry(writes: &WriteSet) -> Vec<u8> {
    let entry = EntryRef {
        format: FORMAT,
        v: VERSION,
        writes,
    };
    serde_json::to_vec(&entry).unwrap_or_default()
}

/// Decodes a journal entry.
pub fn decode_entry(bytes: &[u8]) -> Result<WriteSet, DecodeError> {
    let entry: Entry =
        serde_json::from_slice(bytes).map_err(|e| DecodeError(format!("journal entry: {e}")))?;
    check_header(&entry.format, entry.v)?;
    Ok(entry.writes)
}

/// Encodes the whole store.
pub fn encode_snapshot(store: &Store) -> Vec<u8> {
    let snapshot = SnapshotRef {
        format: FORMAT,
        v: VERSION,
        keys: Pairs(&store.keys),
        aliases: Pairs(&store.aliases),
        grants: Pairs(&store.grants),
        custom_key_stores: Pairs(&store.custom_key_stores),
    };
    serde_json::to_vec(&snapshot).unwrap_or_default()
}

/// Decodes a snapshot; empty bytes are the empty store.
pub fn decode_snapshot(bytes: &[u8]) -> Result<Store, DecodeError> {
    if bytes.is_empty() {
        return Ok(Store::default());
    }
    let snapshot: Snapshot =
        serde_json::from_slice(bytes).map_err(|e| DecodeError(format!("snapshot: {e}")))?;
    check_header(&snapshot.format, snapshot.v)?;
    Ok(Store {
        keys: snapshot.keys.into_iter().collect(),
        aliases: snapshot.aliases.into_iter().collect(),
        grants: snapshot.grants.into_iter().collect(),
        custom_key_stores: snapshot.custom_key_stores.into_iter().collect(),
    })
}

fn check_header(format: &str, v: u32) -> Result<(), DecodeError> {
    if format != FORMAT || v != VERSION {
        return Err(DecodeError(format!(
            "unsupported storage format {format} v{v}"
        )));
    }
    Ok(())
}

/// A journal entry that writes every record of a snapshot: appended as the first entry of an
/// empty storage, it imports a whole state (`importState`) through any adapter.
pub fn entry_from_snapshot(snapshot: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let store = decode_snapshot(snapshot)?;
    let writes = WriteSet {
        keys: store.keys.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        aliases: store
            .aliases
            .into_iter()
            .map(|(k, v)| (k, Some(v)))
            .collect(),
        grants: store
            .grants
            .into_iter()
            .map(|(k, v)| (k, Some(v)))
            .collect(),
        custom_key_stores: store
            .custom_key_stores
            .into_iter()
            .map(|(k, v)| (k, Some(v)))
            .collect(),
    };
    Ok(encode_entry(&writes))
}

/// The writes that turn `current` into `target`: a delete for every record `target` lacks and a
/// put for every record that is new or changed. Appended like any operation's writes, it replaces
/// a whole state (a test harness's reset to empty or to a checkpoint) in every storage and in
/// every process that shares it, without touching the storage's own files.
pub fn replacing(current: &Store, target: Store) -> WriteSet {
    WriteSet {
        keys: table_changes(&current.keys, target.keys),
        aliases: table_changes(&current.aliases, target.aliases),
        grants: table_changes(&current.grants, target.grants),
        custom_key_stores: table_changes(&current.custom_key_stores, target.custom_key_stores),
    }
}

fn table_changes<V: PartialEq>(
    current: &Table<V>,
    target: Table<V>,
) -> Vec<(RecordKey, Option<V>)> {
    let mut changes: Vec<(RecordKey, Option<V>)> = current
        .keys()
        .filter(|k| !target.contains_key(k))
        .map(|k| (k.clone(), None))
        .collect();
    changes.extend(
        target
            .into_iter()
            .filter(|(k, v)| current.get(k) != Some(v))
            .map(|(k, v)| (k, Some(v))),
    );
    changes
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::api::Operation;
    use crate::context::RequestCtx;
    use crate::engine::Engine;

    /// The by-reference encoders write exactly the bytes the owned `Entry`/`Snapshot` would.
    #[test]
    fn reference_encoding_is_byte_identical() {
        let mut engine = Engine::new();
        let ctx = RequestCtx::new("111122223333", "us-east-1", 1_700_000_000.0);
        let mut entries = Vec::new();
        for body in [
            r#"{"Description":"a"}"#,
            r#"{"Tags":[{"TagKey":"t","TagValue":"v"}]}"#,
        ] {
            let (_, entry) = engine
                .dispatch(Operation::CreateKey, &ctx, body.as_bytes())
                .unwrap();
            engine.commit();
            entries.push(entry.unwrap());
        }
        let bytes = engine.snapshot();
        let store = decode_snapshot(&bytes).unwrap();
        let owned = Snapshot {
            format: FORMAT.into(),
            v: VERSION,
            keys: store.keys.clone().into_iter().collect(),
            aliases: Vec::new(),
            grants: Vec::new(),
            custom_key_stores: Vec::new(),
        };
        assert_eq!(encode_snapshot(&store), serde_json::to_vec(&owned).unwrap());
        assert_eq!(bytes, serde_json::to_vec(&owned).unwrap());
        for entry in entries {
            let writes = decode_entry(&entry).unwrap();
            let owned = Entry {
                format: FORMAT.into(),
                v: VERSION,
                writes: writes.clone(),
            };
            assert_eq!(encode_entry(&writes), serde_json::to_vec(&owned).unwrap());
        }
    }
}
