//! Facts about operations that the layers around them act on, as one table rather than lists
//! kept in each layer: who authorizes an operation, whether it administers its key (which AWS
//! managed keys refuse), whether its alias needs IAM permission too, whether naming an AWS
//! managed key's alias creates that key, and whether another account may use it on a key. The model's own facts (members, constraints, DryRun) are
//! generated into `api`; the request members these facts read are `api::Request`'s accessors.

use crate::api::Operation;

/// Who authorizes an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// IAM alone: the operation acts on no key (or, like ListAliases, only lists).
    Identity,
    /// The key policy (with grants, and IAM through it) of every key the operation touched.
    Keys,
    /// The grant the request names, checked inside the operation (RetireGrant).
    Grant,
}

/// The facts of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// Who authorizes it.
    pub authority: Authority,
    /// It administers its key: the AWS managed key policy allows none of these, and AWS refuses
    /// them even to the account root.
    pub administers: bool,
    /// It also needs IAM permission on the alias it names (the alias operations).
    pub alias_permission: bool,
    /// Naming a predefined `alias/aws/<service>` whose key does not exist yet creates that key
    /// first (the cryptographic operations and DescribeKey), for each key the request names.
    pub creates_aws_managed_keys: bool,
    /// Another account may call it on a key it names by ARN, as the key policy or a grant allows:
    /// the API reference's "Cross-account use: Yes" for the operation.
    pub cross_account: bool,
}

const KEYS: Facts = Facts {
    authority: Authority::Keys,
    administers: false,
    alias_permission: false,
    creates_aws_managed_keys: false,
    cross_account: false,
};
const IDENTITY: Facts = Facts {
    authority: Authority::Identity,
    ..KEYS
};
const ADMINISTERS: Facts = Facts {
    administers: true,
    ..KEYS
};
const USES_AWS_MANAGED: Facts = Facts {
    creates_aws_managed_keys: true,
    ..KEYS
};

/// The facts of `op`.
pub fn facts(op: Operation) -> Facts {
    Facts {
        cross_account: cross_account(op),
        ..own_account_facts(op)
    }
}

/// The operations whose API reference page says "Cross-account use: Yes"
/// (https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html, per operation; the
/// developer guide lists the same set in key-policy-modifying-external-accounts.html).
fn cross_account(op: Operation) -> bool {
    use Operation as O;
    matches!(
        op,
        O::CreateGrant
            | O::Decrypt
            | O::Decapsulate
            | O::DeriveSharedSecret
            | O::DescribeKey
            | O::Encapsulate
            | O::Encrypt
            | O::GenerateDataKey
            | O::GenerateDataKeyPair
            | O::GenerateDataKeyPairWithoutPlaintext
            | O::GenerateDataKeyWithoutPlaintext
            | O::GenerateMac
            | O::GetKeyRotationStatus
            | O::GetPublicKey
            | O::ListGrants
            | O::ReEncrypt
            | O::RetireGrant
            | O::RevokeGrant
            | O::Sign
            | O::Verify
            | O::VerifyMac
    )
}

fn own_account_facts(op: Operation) -> Facts {
    use Operation as O;
    match op {
        O::CreateKey
        | O::ListKeys
        | O::ListAliases
        | O::GenerateRandom
        | O::ListRetirableGrants
        | O::CreateCustomKeyStore
        | O::DescribeCustomKeyStores
        | O::DeleteCustomKeyStore
        | O::ConnectCustomKeyStore
        | O::DisconnectCustomKeyStore
        | O::UpdateCustomKeyStore => IDENTITY,
        O::RetireGrant => Facts {
            authority: Authority::Grant,
            ..KEYS
        },
        O::Encrypt
        | O::Decrypt
        | O::ReEncrypt
        | O::GenerateDataKey
        | O::GenerateDataKeyWithoutPlaintext
        | O::GenerateDataKeyPair
        | O::GenerateDataKeyPairWithoutPlaintext
        | O::DescribeKey => USES_AWS_MANAGED,
        O::CreateAlias | O::UpdateAlias => Facts {
            alias_permission: true,
            ..ADMINISTERS
        },
        O::DeleteAlias => Facts {
            alias_permission: true,
            ..KEYS
        },
        O::ScheduleKeyDeletion
        | O::CancelKeyDeletion
        | O::PutKeyPolicy
        | O::DisableKey
        | O::EnableKey
        | O::EnableKeyRotation
        | O::DisableKeyRotation
        | O::RotateKeyOnDemand
        | O::UpdateKeyDescription
        | O::TagResource
        | O::UntagResource
        | O::ReplicateKey
        | O::UpdatePrimaryRegion
        | O::GetParametersForImport
        | O::ImportKeyMaterial
        | O::DeleteImportedKeyMaterial => ADMINISTERS,
        _ => KEYS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_operations_administer_no_key() {
        for op in Operation::ALL {
            let f = facts(*op);
            if f.authority != Authority::Keys {
                assert!(!f.administers && !f.creates_aws_managed_keys, "{op:?}");
            }
        }
    }

    #[test]
    fn no_operation_that_administers_a_key_is_cross_account() {
        for op in Operation::ALL {
            let f = facts(*op);
            assert!(!(f.administers && f.cross_account), "{op:?}");
            if f.authority == Authority::Identity {
                assert!(!f.cross_account, "{op:?}");
            }
        }
    }
}
