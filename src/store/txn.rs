//! `Txn`: a write overlay over the committed `Store`. Reads see the transaction's own pending
//! writes; nothing touches the store until the engine commits the resulting `WriteSet` — so an
//! operation that fails part-way leaves state untouched by construction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{scan, RecordKey, Store, Table};
use crate::context::RequestCtx;
use crate::error::{KmsError, KmsResult};
use crate::model::alias::AliasRecord;
use crate::model::key::KeyRecord;
use crate::model::key_ref::{self, Forms, KeyRef};

/// The records one operation wrote: the new value, or `None` for a delete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WriteSet {
    /// Key writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<(RecordKey, Option<KeyRecord>)>,
    /// Alias writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<(RecordKey, Option<AliasRecord>)>,
}

impl WriteSet {
    /// True when nothing was written (reads cost no I/O).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.aliases.is_empty()
    }
}

/// Pending writes of one table.
struct Overlay<V> {
    writes: BTreeMap<RecordKey, Option<V>>,
}

impl<V: Clone> Overlay<V> {
    fn new() -> Self {
        Self {
            writes: BTreeMap::new(),
        }
    }

    fn get(&self, base: &Table<V>, key: &RecordKey) -> Option<V> {
        match self.writes.get(key) {
            Some(pending) => pending.clone(),
            None => base.get(key).cloned(),
        }
    }

    fn list(&self, base: &Table<V>, account_id: &str, region: &str) -> Vec<(RecordKey, V)> {
        let mut merged: BTreeMap<RecordKey, V> = scan(base, account_id, region)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in &self.writes {
            if k.account_id == account_id && k.region == region {
                match v {
                    Some(v) => merged.insert(k.clone(), v.clone()),
                    None => merged.remove(k),
                };
            }
        }
        merged.into_iter().collect()
    }
}

/// A transaction over the store.
pub struct Txn<'a> {
    base: &'a Store,
    keys: Overlay<KeyRecord>,
    aliases: Overlay<AliasRecord>,
}

impl<'a> Txn<'a> {
    /// A transaction reading `base`.
    pub fn new(base: &'a Store) -> Self {
        Self {
            base,
            keys: Overlay::new(),
            aliases: Overlay::new(),
        }
    }

    /// The writes made, for the journal and for commit.
    pub fn into_write_set(self) -> WriteSet {
        WriteSet {
            keys: self.keys.writes.into_iter().collect(),
            aliases: self.aliases.writes.into_iter().collect(),
        }
    }

    /// A key by ID in the caller's account and Region.
    pub fn key(&self, ctx: &RequestCtx, key_id: &str) -> Option<KeyRecord> {
        self.keys.get(
            &self.base.keys,
            &RecordKey::new(&ctx.account_id, &ctx.region, key_id),
        )
    }

    /// Every key in the caller's account and Region, by key ID.
    pub fn keys(&self, ctx: &RequestCtx) -> Vec<KeyRecord> {
        self.keys
            .list(&self.base.keys, &ctx.account_id, &ctx.region)
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    }

    /// Inserts or replaces a key.
    pub fn put_key(&mut self, key: KeyRecord) {
        let k = RecordKey::new(&key.account_id, &key.region, &key.key_id);
        self.keys.writes.insert(k, Some(key));
    }

    /// An alias by name in the caller's account and Region.
    pub fn alias(&self, ctx: &RequestCtx, name: &str) -> Option<AliasRecord> {
        self.aliases.get(
            &self.base.aliases,
            &RecordKey::new(&ctx.account_id, &ctx.region, name),
        )
    }

    /// Every alias in the caller's account and Region, by name.
    pub fn aliases(&self, ctx: &RequestCtx) -> Vec<AliasRecord> {
        self.aliases
            .list(&self.base.aliases, &ctx.account_id, &ctx.region)
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    }

    /// Inserts or replaces an alias in the caller's account and Region.
    pub fn put_alias(&mut self, ctx: &RequestCtx, alias: AliasRecord) {
        let k = RecordKey::new(&ctx.account_id, &ctx.region, &alias.name);
        self.aliases.writes.insert(k, Some(alias));
    }

    /// Deletes an alias.
    pub fn delete_alias(&mut self, ctx: &RequestCtx, name: &str) {
        self.aliases
            .writes
            .insert(RecordKey::new(&ctx.account_id, &ctx.region, name), None);
    }

    /// Resolves a caller's key identifier to the key, with AWS's NotFoundException for each miss.
    pub fn resolve_key(&self, ctx: &RequestCtx, input: &str, forms: Forms) -> KmsResult<KeyRecord> {
        let key_id = match key_ref::parse(ctx, input, forms)? {
            KeyRef::KeyId(id) => id,
            KeyRef::Alias(name) => {
                self.alias(ctx, &name)
                    .ok_or_else(|| KmsError::alias_not_found(&ctx.arn(&name)))?
                    .target_key_id
            }
        };
        self.key(ctx, &key_id)
            .ok_or_else(|| KmsError::key_not_found(&ctx.arn(&format!("key/{key_id}"))))
    }
}
