//! `Store`: every record by (account, Region, id), in sorted maps so listing one account and Region
//! is a range scan. Writes happen only through `Txn` (pending, overlay) and `Store::apply` (commit,
//! replay); the persistence encoding lives in `journal`.

pub mod journal;
pub mod txn;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::alias::AliasRecord;
use crate::model::custom_key_store::CustomKeyStoreRecord;
use crate::model::grant::GrantRecord;
use crate::model::key::KeyRecord;

pub use txn::{Txn, WriteSet};

/// Where a record lives and what it is called there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordKey {
    /// Account ID.
    pub account_id: String,
    /// Region.
    pub region: String,
    /// Key ID, alias name, or `<key ID>/<grant ID>`.
    pub id: String,
}

impl RecordKey {
    /// A key for `id` in the given account and Region.
    pub fn new(account_id: &str, region: &str, id: &str) -> Self {
        Self {
            account_id: account_id.into(),
            region: region.into(),
            id: id.into(),
        }
    }
}

/// One table: records of one kind.
pub type Table<V> = BTreeMap<RecordKey, V>;

/// All persistent state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Store {
    /// Keys by key ID.
    pub keys: Table<KeyRecord>,
    /// Aliases by alias name.
    pub aliases: Table<AliasRecord>,
    /// Grants by `<key ID>/<grant ID>`, so one key's grants are adjacent.
    pub grants: Table<GrantRecord>,
    /// Custom key stores by store ID.
    pub custom_key_stores: Table<CustomKeyStoreRecord>,
}

impl Store {
    /// Applies a committed write set.
    pub fn apply(&mut self, writes: WriteSet) {
        apply_table(&mut self.keys, writes.keys);
        apply_table(&mut self.aliases, writes.aliases);
        apply_table(&mut self.grants, writes.grants);
        apply_table(&mut self.custom_key_stores, writes.custom_key_stores);
    }

    /// The grants of one key, in grant-ID order.
    pub fn grants_of<'a>(
        &'a self,
        account_id: &str,
        region: &str,
        key_id: &str,
    ) -> impl Iterator<Item = &'a GrantRecord> {
        let prefix = format!("{key_id}/");
        let start = RecordKey::new(account_id, region, &prefix);
        let (account_id, region) = (account_id.to_string(), region.to_string());
        self.grants
            .range(start..)
            .take_while(move |(k, _)| {
                k.account_id == account_id && k.region == region && k.id.starts_with(&prefix)
            })
            .map(|(_, v)| v)
    }
}

fn apply_table<V>(table: &mut Table<V>, writes: Vec<(RecordKey, Option<V>)>) {
    for (k, v) in writes {
        match v {
            Some(v) => table.insert(k, v),
            None => table.remove(&k),
        };
    }
}

/// The records of `table` in one account and Region, in id order.
pub fn scan<'a, V>(
    table: &'a Table<V>,
    account_id: &str,
    region: &str,
) -> impl Iterator<Item = (&'a RecordKey, &'a V)> {
    let start = RecordKey::new(account_id, region, "");
    let (account_id, region) = (account_id.to_string(), region.to_string());
    table
        .range(start..)
        .take_while(move |(k, _)| k.account_id == account_id && k.region == region)
}
