//! HMAC (RFC 2104) over SHA-224/256/384/512. Verification compares in constant time.

use hmac::{Hmac, Mac};

use super::digest::Hash;

/// The MAC of `message` under `key`. `None` only for SHA-1, which no KMS MAC algorithm uses.
pub fn mac(hash: Hash, key: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    macro_rules! run {
        ($d:ty) => {{
            let mut m = <Hmac<$d>>::new_from_slice(key).ok()?;
            m.update(message);
            Some(m.finalize().into_bytes().to_vec())
        }};
    }
    match hash {
        Hash::Sha1 => None,
        Hash::Sha224 => run!(sha2::Sha224),
        Hash::Sha256 => run!(sha2::Sha256),
        Hash::Sha384 => run!(sha2::Sha384),
        Hash::Sha512 => run!(sha2::Sha512),
    }
}

/// Whether `tag` is the MAC of `message` under `key` (constant-time comparison).
pub fn verify(hash: Hash, key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    macro_rules! run {
        ($d:ty) => {{
            let Ok(mut m) = <Hmac<$d>>::new_from_slice(key) else {
                return false;
            };
            m.update(message);
            m.verify_slice(tag).is_ok()
        }};
    }
    match hash {
        Hash::Sha1 => false,
        Hash::Sha224 => run!(sha2::Sha224),
        Hash::Sha256 => run!(sha2::Sha256),
        Hash::Sha384 => run!(sha2::Sha384),
        Hash::Sha512 => run!(sha2::Sha512),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 4231 test cases 1, 2, 6 and 7 (test case 5 truncates, which KMS never does).
    #[test]
    fn rfc4231_vectors() {
        let key1 = [0x0b; 20];
        let key6 = [0xaa; 131];
        let msg6 = b"Test Using Larger Than Block-Size Key - Hash Key First";
        let msg7: &[u8] = b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.";
        let cases: &[(&[u8], &[u8], [&str; 4])] = &[
            (&key1, b"Hi There", [
                "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ]),
            (b"Jefe", b"what do ya want for nothing?", [
                "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ]),
            (&key6, msg6, [
                "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ]),
            (&key6, msg7, [
                "3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
                "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
                "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
            ]),
        ];
        for (key, msg, tags) in cases {
            for (hash, tag) in [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512]
                .into_iter()
                .zip(tags)
            {
                let want = hex(tag);
                assert_eq!(mac(hash, key, msg).unwrap(), want, "{hash:?}");
                assert!(verify(hash, key, msg, &want));
                let mut bad = want.clone();
                bad[0] ^= 1;
                assert!(!verify(hash, key, msg, &bad));
                assert!(!verify(hash, key, msg, &want[..want.len() - 1]));
            }
        }
    }
}
