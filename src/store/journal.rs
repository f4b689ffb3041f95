//! The persistence encoding: journal entries (one operation's resulting records, never the command,
//! so replay is deterministic and needs no randomness) and snapshots (every record). Both are
//! versioned JSON; JS storage adapters treat them as opaque bytes.

use serde::{Deserialize, Serialize};

use super::{RecordKey, Store, WriteSet};
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

/// Encodes a write set as a journal entry.
pub fn encode_entry(writes: &WriteSet) -> Vec<u8> {
    let entry = Entry {
        format: FORMAT.into(),
        v: VERSION,
        writes: writes.clone(),
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
    let snapshot = Snapshot {
        format: FORMAT.into(),
        v: VERSION,
        keys: store
            .keys
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        aliases: store
            .aliases
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        grants: store
            .grants
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        custom_key_stores: store
            .custom_key_stores
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
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
