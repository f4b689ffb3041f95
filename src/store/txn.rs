//! `Txn`: a write overlay over the committed `Store`. Reads see the transaction's own pending
//! writes; nothing touches the store until the engine commits the resulting `WriteSet` — so an
//! operation that fails part-way leaves state untouched by construction.
//!
//! It also records every existing key it hands out (`key`, `resolve_key`) as *touched*, with the
//! alias the caller named it by: the engine authorizes the operation on exactly those keys after it
//! ran, so operations never have to call the authorizer themselves.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{scan, RecordKey, Store, Table};
use crate::context::RequestCtx;
use crate::error::{KmsError, KmsResult};
use crate::model::alias::AliasRecord;
use crate::model::custom_key_store::CustomKeyStoreRecord;
use crate::model::grant::GrantRecord;
use crate::model::key::KeyRecord;
use crate::model::key_ref::{self, Forms, Target};
use crate::model::multi_region;

/// The records one operation wrote: the new value, or `None` for a delete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WriteSet {
    /// Key writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<(RecordKey, Option<KeyRecord>)>,
    /// Alias writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<(RecordKey, Option<AliasRecord>)>,
    /// Grant writes (absent in entries written before grants existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<(RecordKey, Option<GrantRecord>)>,
    /// Custom key store writes (absent in entries written before custom key stores existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_key_stores: Vec<(RecordKey, Option<CustomKeyStoreRecord>)>,
}

impl WriteSet {
    /// True when nothing was written (reads cost no I/O).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
            && self.aliases.is_empty()
            && self.grants.is_empty()
            && self.custom_key_stores.is_empty()
    }
}

/// A key an operation used, and the alias the caller named it by (for `kms:RequestAlias`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// The account the key belongs to (another account's when the caller named it by ARN).
    pub account_id: String,
    /// The key ID.
    pub key_id: String,
    /// `alias/…` when the caller named the key by an alias.
    pub alias: Option<String>,
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
    grants: Overlay<GrantRecord>,
    custom_key_stores: Overlay<CustomKeyStoreRecord>,
    touched: Cell<Vec<Touch>>,
}

impl<'a> Txn<'a> {
    /// A transaction reading `base`.
    pub fn new(base: &'a Store) -> Self {
        Self {
            base,
            keys: Overlay::new(),
            aliases: Overlay::new(),
            grants: Overlay::new(),
            custom_key_stores: Overlay::new(),
            touched: Cell::new(Vec::new()),
        }
    }

    /// The committed store this transaction reads (the state before the operation).
    pub fn base(&self) -> &'a Store {
        self.base
    }

    /// The keys handed out so far, in order (a key used twice appears twice); takes the list.
    pub fn take_touched(&self) -> Vec<Touch> {
        self.touched.take()
    }

    fn touch(&self, key: &KeyRecord, alias: Option<&str>) {
        let mut list = self.touched.take();
        list.push(Touch {
            account_id: key.account_id.clone(),
            key_id: key.key_id.clone(),
            alias: alias.map(str::to_string),
        });
        self.touched.set(list);
    }

    /// The writes made, for the journal and for commit.
    pub fn into_write_set(self) -> WriteSet {
        WriteSet {
            keys: self.keys.writes.into_iter().collect(),
            aliases: self.aliases.writes.into_iter().collect(),
            grants: self.grants.writes.into_iter().collect(),
            custom_key_stores: self.custom_key_stores.writes.into_iter().collect(),
        }
    }

    /// A key by ID in the caller's account and Region (recorded as touched when it exists).
    pub fn key(&self, ctx: &RequestCtx, key_id: &str) -> Option<KeyRecord> {
        let key = self.keys.get(
            &self.base.keys,
            &RecordKey::new(&ctx.account_id, &ctx.region, key_id),
        );
        let key = key
            .map(|k| self.settle(k, ctx.now))
            .filter(|k| !k.is_deleted_at(ctx.now));
        if let Some(k) = &key {
            self.touch(k, None);
        }
        key
    }

    /// The key a ciphertext or a grant token names by its ID alone: the caller's own if it has
    /// one, else the key with that ID in another account of the Region (recorded as touched).
    /// AWS's blobs and tokens also identify the key's account; ours carry only the ID, which is
    /// random and so names one key. Whether the caller may use it there is for the authorizer.
    pub fn key_by_id(&self, ctx: &RequestCtx, key_id: &str) -> Option<KeyRecord> {
        if let Some(own) = self.key(ctx, key_id) {
            return Some(own);
        }
        let owner = self
            .base
            .keys
            .keys()
            .find(|k| k.region == ctx.region && k.id == key_id)?
            .account_id
            .clone();
        let key = self.key_in(&owner, &ctx.region, key_id, ctx.now)?;
        self.touch(&key, None);
        Some(key)
    }

    /// Whether `key_id` no longer exists for callers at `ctx.now` (never created, or its deletion
    /// window has passed). The records of a deleted key stay in storage but are invisible, with their
    /// aliases and grants, exactly as if they had been removed when the window ended.
    fn is_gone(&self, ctx: &RequestCtx, key_id: &str) -> bool {
        self.key_in(&ctx.account_id, &ctx.region, key_id, ctx.now)
            .is_none()
    }

    /// Whether a key with this ID was ever created in the caller's account and Region, even if
    /// its deletion window has passed since (its records stay, invisible).
    pub fn key_was_created(&self, ctx: &RequestCtx, key_id: &str) -> bool {
        self.keys
            .get(
                &self.base.keys,
                &RecordKey::new(&ctx.account_id, &ctx.region, key_id),
            )
            .is_some()
    }

    /// A key in the given account and Region as of `now`, unless its deletion window has passed:
    /// the copy of a Multi-Region key in another Region, or a key of another account. Not recorded
    /// as touched (the callers that hand it to an operation touch it themselves).
    pub fn key_in(
        &self,
        account_id: &str,
        region: &str,
        key_id: &str,
        now: f64,
    ) -> Option<KeyRecord> {
        self.keys
            .get(&self.base.keys, &RecordKey::new(account_id, region, key_id))
            .map(|k| self.settle(k, now))
            .filter(|k| !k.is_deleted_at(now))
    }

    /// A key as of `now` (`KeyRecord::settle`): the lazily applied, time- and store-driven state.
    /// Every read of a key goes through here, so no operation can see a stale state.
    fn settle(&self, mut key: KeyRecord, now: f64) -> KeyRecord {
        let connected = key.custom_key_store_id.as_deref().map(|id| {
            self.custom_key_stores
                .get(
                    &self.base.custom_key_stores,
                    &RecordKey::new(&key.account_id, &key.region, id),
                )
                .is_some_and(|mut s| {
                    s.settle();
                    s.is_connected()
                })
        });
        key.settle(now, connected);
        if let Some(links) = key.multi_region_links.clone() {
            let replicas: Vec<Option<KeyRecord>> = links
                .replica_regions
                .iter()
                .map(|r| {
                    self.keys.get(
                        &self.base.keys,
                        &RecordKey::new(&key.account_id, r, &key.key_id),
                    )
                })
                .collect();
            multi_region::settle_primary(&mut key, &replicas, now);
        }
        key
    }

    /// A custom key store by ID in the caller's account and Region, as of this request.
    pub fn custom_key_store(&self, ctx: &RequestCtx, id: &str) -> Option<CustomKeyStoreRecord> {
        self.custom_key_stores
            .get(
                &self.base.custom_key_stores,
                &RecordKey::new(&ctx.account_id, &ctx.region, id),
            )
            .map(|mut s| {
                s.settle();
                s
            })
    }

    /// Every custom key store in the caller's account and Region, by ID.
    pub fn custom_key_stores(&self, ctx: &RequestCtx) -> Vec<CustomKeyStoreRecord> {
        self.custom_key_stores
            .list(&self.base.custom_key_stores, &ctx.account_id, &ctx.region)
            .into_iter()
            .map(|(_, mut s)| {
                s.settle();
                s
            })
            .collect()
    }

    /// Inserts or replaces a custom key store in the caller's account and Region.
    pub fn put_custom_key_store(&mut self, ctx: &RequestCtx, store: CustomKeyStoreRecord) {
        let k = RecordKey::new(&ctx.account_id, &ctx.region, &store.id);
        self.custom_key_stores.writes.insert(k, Some(store));
    }

    /// Deletes a custom key store.
    pub fn delete_custom_key_store(&mut self, ctx: &RequestCtx, id: &str) {
        self.custom_key_stores
            .writes
            .insert(RecordKey::new(&ctx.account_id, &ctx.region, id), None);
    }

    /// Whether a key ID is taken (CreateKey's collision check; not a use of the key).
    pub fn key_exists(&self, ctx: &RequestCtx, key_id: &str) -> bool {
        self.keys
            .get(
                &self.base.keys,
                &RecordKey::new(&ctx.account_id, &ctx.region, key_id),
            )
            .is_some()
    }

    /// Deletes a key together with its aliases and grants (the end of a deletion window).
    pub fn delete_key(&mut self, ctx: &RequestCtx, key_id: &str) {
        self.keys
            .writes
            .insert(RecordKey::new(&ctx.account_id, &ctx.region, key_id), None);
        for alias in self.aliases(ctx) {
            if alias.target_key_id == key_id {
                self.delete_alias(ctx, &alias.name);
            }
        }
        let prefix = format!("{key_id}/");
        let grants = self
            .grants
            .list(&self.base.grants, &ctx.account_id, &ctx.region);
        for (k, _) in grants
            .into_iter()
            .filter(|(k, _)| k.id.starts_with(&prefix))
        {
            self.grants.writes.insert(k, None);
        }
    }

    /// The grants of a key, in grant-ID order. Grants live with their key, in its account, whoever
    /// created them.
    pub fn grants_of(&self, key: &KeyRecord) -> Vec<GrantRecord> {
        let prefix = format!("{}/", key.key_id);
        self.grants
            .list(&self.base.grants, &key.account_id, &key.region)
            .into_iter()
            .filter(|(k, _)| k.id.starts_with(&prefix))
            .map(|(_, v)| v)
            .collect()
    }

    /// Every grant in the caller's account and Region, by key ID then grant ID.
    pub fn grants(&self, ctx: &RequestCtx) -> Vec<GrantRecord> {
        self.live_grants(ctx, &ctx.account_id)
    }

    /// The grants in `account_id` (the caller's Region) whose key still exists, by record key.
    fn live_grants(&self, ctx: &RequestCtx, account_id: &str) -> Vec<GrantRecord> {
        self.grants
            .list(&self.base.grants, account_id, &ctx.region)
            .into_iter()
            .filter(|(_, g)| {
                self.key_in(account_id, &ctx.region, &g.key_id, ctx.now)
                    .is_some()
            })
            .map(|(_, v)| v)
            .collect()
    }

    /// Every grant in the caller's Region, of every account, sorted by key ID then grant ID: the
    /// grants another account made on its keys for principals of the caller's account.
    pub fn grants_of_every_account(&self, ctx: &RequestCtx) -> Vec<GrantRecord> {
        let mut accounts: Vec<&str> = self
            .base
            .grants
            .keys()
            .chain(self.grants.writes.keys())
            .filter(|k| k.region == ctx.region)
            .map(|k| k.account_id.as_str())
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        let mut all: Vec<GrantRecord> = accounts
            .into_iter()
            .flat_map(|account| self.live_grants(ctx, account))
            .collect();
        all.sort_by(|a, b| (&a.key_id, &a.grant_id).cmp(&(&b.key_id, &b.grant_id)));
        all
    }

    /// Inserts or replaces a grant on `key` (in the key's account and Region).
    pub fn put_grant(&mut self, key: &KeyRecord, grant: GrantRecord) {
        let id = format!("{}/{}", key.key_id, grant.grant_id);
        self.grants.writes.insert(
            RecordKey::new(&key.account_id, &key.region, &id),
            Some(grant),
        );
    }

    /// Deletes a grant on `key`.
    pub fn delete_grant(&mut self, key: &KeyRecord, grant: &GrantRecord) {
        let id = format!("{}/{}", key.key_id, grant.grant_id);
        self.grants
            .writes
            .insert(RecordKey::new(&key.account_id, &key.region, &id), None);
    }

    /// Every key in the caller's account and Region, by key ID.
    pub fn keys(&self, ctx: &RequestCtx) -> Vec<KeyRecord> {
        self.keys
            .list(&self.base.keys, &ctx.account_id, &ctx.region)
            .into_iter()
            .map(|(_, v)| self.settle(v, ctx.now))
            .filter(|k| !k.is_deleted_at(ctx.now))
            .collect()
    }

    /// Inserts or replaces a key.
    pub fn put_key(&mut self, key: KeyRecord) {
        let k = RecordKey::new(&key.account_id, &key.region, &key.key_id);
        self.keys.writes.insert(k, Some(key));
    }

    /// An alias by name in the caller's account and Region.
    pub fn alias(&self, ctx: &RequestCtx, name: &str) -> Option<AliasRecord> {
        self.alias_in(ctx, &ctx.account_id, name)
    }

    /// An alias by name in `account_id` (the caller's Region), unless its key is gone.
    fn alias_in(&self, ctx: &RequestCtx, account_id: &str, name: &str) -> Option<AliasRecord> {
        self.aliases
            .get(
                &self.base.aliases,
                &RecordKey::new(account_id, &ctx.region, name),
            )
            .filter(|a| {
                self.key_in(account_id, &ctx.region, &a.target_key_id, ctx.now)
                    .is_some()
            })
    }

    /// Every alias in the caller's account and Region, by name (aliases die with their key).
    pub fn aliases(&self, ctx: &RequestCtx) -> Vec<AliasRecord> {
        self.aliases
            .list(&self.base.aliases, &ctx.account_id, &ctx.region)
            .into_iter()
            .map(|(_, v)| v)
            .filter(|a| !self.is_gone(ctx, &a.target_key_id))
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
    /// A key ARN or alias ARN of another account resolves there (see `key_ref`).
    pub fn resolve_key(&self, ctx: &RequestCtx, input: &str, forms: Forms) -> KmsResult<KeyRecord> {
        let named = key_ref::parse(ctx, input, forms)?;
        let account = named.account_id.as_str();
        let (key_id, alias) = match &named.target {
            Target::KeyId(id) => (id.clone(), None),
            Target::Alias(name) => {
                let target = self
                    .alias_in(ctx, account, name)
                    .ok_or_else(|| KmsError::alias_not_found(&named.arn(ctx, name)))?
                    .target_key_id;
                (target, Some(name.as_str()))
            }
        };
        let key = self
            .key_in(account, &ctx.region, &key_id, ctx.now)
            .ok_or_else(|| KmsError::key_not_found(&named.arn(ctx, &format!("key/{key_id}"))))?;
        self.touch(&key, alias);
        Ok(key)
    }
}
