//! KeySpec × KeyUsage × algorithm compatibility, as tables rather than if-chains. The algorithm
//! lists are in the order AWS returns them in KeyMetadata (AWS-KMS-BEHAVIOUR.md §2.4).

use crate::api::{
    EncapsulationAlgorithmSpec as Encap, EncryptionAlgorithmSpec as Enc,
    KeyAgreementAlgorithmSpec as Agree, KeySpec, KeyUsageType as Usage, MacAlgorithmSpec as Mac,
    SigningAlgorithmSpec as Sig,
};

/// The algorithms one (spec, usage) pair offers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Algorithms {
    /// `EncryptionAlgorithms`.
    pub encryption: &'static [Enc],
    /// `SigningAlgorithms`.
    pub signing: &'static [Sig],
    /// `MacAlgorithms`.
    pub mac: &'static [Mac],
    /// `KeyAgreementAlgorithms`.
    pub key_agreement: &'static [Agree],
    /// `EncapsulationAlgorithms`.
    pub encapsulation: &'static [Encap],
}

const NONE: Algorithms = Algorithms {
    encryption: &[],
    signing: &[],
    mac: &[],
    key_agreement: &[],
    encapsulation: &[],
};

const RSA_SIGNING: &[Sig] = &[
    Sig::RSASSA_PKCS1_V1_5_SHA_256,
    Sig::RSASSA_PKCS1_V1_5_SHA_384,
    Sig::RSASSA_PKCS1_V1_5_SHA_512,
    Sig::RSASSA_PSS_SHA_256,
    Sig::RSASSA_PSS_SHA_384,
    Sig::RSASSA_PSS_SHA_512,
];

/// The usages a spec allows, each with its algorithms. The first usage listed is not a default:
/// only SYMMETRIC_DEFAULT may omit KeyUsage.
pub fn usages(spec: KeySpec) -> &'static [(Usage, Algorithms)] {
    use KeySpec as S;
    match spec {
        S::SYMMETRIC_DEFAULT => &[(
            Usage::ENCRYPT_DECRYPT,
            Algorithms {
                encryption: &[Enc::SYMMETRIC_DEFAULT],
                ..NONE
            },
        )],
        S::RSA_2048 | S::RSA_3072 | S::RSA_4096 => &[
            (
                Usage::ENCRYPT_DECRYPT,
                Algorithms {
                    encryption: &[Enc::RSAES_OAEP_SHA_1, Enc::RSAES_OAEP_SHA_256],
                    ..NONE
                },
            ),
            (
                Usage::SIGN_VERIFY,
                Algorithms {
                    signing: RSA_SIGNING,
                    ..NONE
                },
            ),
        ],
        S::ECC_NIST_P256 => &[
            (
                Usage::SIGN_VERIFY,
                Algorithms {
                    signing: &[Sig::ECDSA_SHA_256],
                    ..NONE
                },
            ),
            (
                Usage::KEY_AGREEMENT,
                Algorithms {
                    key_agreement: &[Agree::ECDH],
                    ..NONE
                },
            ),
        ],
        S::ECC_NIST_P384 => &[
            (
                Usage::SIGN_VERIFY,
                Algorithms {
                    signing: &[Sig::ECDSA_SHA_384],
                    ..NONE
                },
            ),
            (
                Usage::KEY_AGREEMENT,
                Algorithms {
                    key_agreement: &[Agree::ECDH],
                    ..NONE
                },
            ),
        ],
        S::ECC_NIST_P521 => &[
            (
                Usage::SIGN_VERIFY,
                Algorithms {
                    signing: &[Sig::ECDSA_SHA_512],
                    ..NONE
                },
            ),
            (
                Usage::KEY_AGREEMENT,
                Algorithms {
                    key_agreement: &[Agree::ECDH],
                    ..NONE
                },
            ),
        ],
        S::ECC_SECG_P256K1 => &[(
            Usage::SIGN_VERIFY,
            Algorithms {
                signing: &[Sig::ECDSA_SHA_256],
                ..NONE
            },
        )],
        S::HMAC_224 => &[(
            Usage::GENERATE_VERIFY_MAC,
            Algorithms {
                mac: &[Mac::HMAC_SHA_224],
                ..NONE
            },
        )],
        S::HMAC_256 => &[(
            Usage::GENERATE_VERIFY_MAC,
            Algorithms {
                mac: &[Mac::HMAC_SHA_256],
                ..NONE
            },
        )],
        S::HMAC_384 => &[(
            Usage::GENERATE_VERIFY_MAC,
            Algorithms {
                mac: &[Mac::HMAC_SHA_384],
                ..NONE
            },
        )],
        S::HMAC_512 => &[(
            Usage::GENERATE_VERIFY_MAC,
            Algorithms {
                mac: &[Mac::HMAC_SHA_512],
                ..NONE
            },
        )],
        S::SM2 => &[
            (
                Usage::ENCRYPT_DECRYPT,
                Algorithms {
                    encryption: &[Enc::SM2PKE],
                    ..NONE
                },
            ),
            (
                Usage::SIGN_VERIFY,
                Algorithms {
                    signing: &[Sig::SM2DSA],
                    ..NONE
                },
            ),
            (
                Usage::KEY_AGREEMENT,
                Algorithms {
                    key_agreement: &[Agree::ECDH],
                    ..NONE
                },
            ),
        ],
        S::ML_DSA_44 | S::ML_DSA_65 | S::ML_DSA_87 => &[(
            Usage::SIGN_VERIFY,
            Algorithms {
                signing: &[Sig::ML_DSA_SHAKE_256],
                ..NONE
            },
        )],
        S::ECC_NIST_EDWARDS25519 => &[(
            Usage::SIGN_VERIFY,
            Algorithms {
                signing: &[Sig::ED25519_SHA_512, Sig::ED25519_PH_SHA_512],
                ..NONE
            },
        )],
        S::ML_KEM_512 | S::ML_KEM_768 | S::ML_KEM_1024 => &[(
            Usage::ENCAPSULATE_DECAPSULATE,
            Algorithms {
                encapsulation: &[Encap::ML_KEM],
                ..NONE
            },
        )],
    }
}

/// The algorithms of (spec, usage), or `None` when the pair is invalid.
pub fn algorithms(spec: KeySpec, usage: Usage) -> Option<Algorithms> {
    usages(spec)
        .iter()
        .find(|(u, _)| *u == usage)
        .map(|(_, a)| *a)
}

/// Whether this emulator can generate and use material of this spec. Every spec of the model is
/// implemented; a spec added to the model later is accepted by validation but refused at creation
/// with UnsupportedOperationException until its cryptography lands, so nothing is faked.
pub fn is_implemented(spec: KeySpec) -> bool {
    use KeySpec as S;
    matches!(
        spec,
        S::SYMMETRIC_DEFAULT
            | S::RSA_2048
            | S::RSA_3072
            | S::RSA_4096
            | S::ECC_NIST_P256
            | S::ECC_NIST_P384
            | S::ECC_NIST_P521
            | S::ECC_SECG_P256K1
            | S::HMAC_224
            | S::HMAC_256
            | S::HMAC_384
            | S::HMAC_512
            | S::SM2
            | S::ECC_NIST_EDWARDS25519
            | S::ML_DSA_44
            | S::ML_DSA_65
            | S::ML_DSA_87
            | S::ML_KEM_512
            | S::ML_KEM_768
            | S::ML_KEM_1024
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_has_a_usage() {
        for name in KeySpec::ALL {
            let spec = KeySpec::from_str(name).unwrap();
            assert!(!usages(spec).is_empty(), "{name}");
        }
    }

    #[test]
    fn secp256k1_cannot_agree_keys() {
        assert!(algorithms(KeySpec::ECC_SECG_P256K1, Usage::KEY_AGREEMENT).is_none());
        assert!(algorithms(KeySpec::RSA_2048, Usage::KEY_AGREEMENT).is_none());
    }
}
