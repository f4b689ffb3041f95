//! Data-key lengths: exactly one of KeySpec (AES_128 = 16, AES_256 = 32 bytes) or NumberOfBytes.

use crate::api::DataKeySpec;
use crate::error::{KmsError, KmsResult};

/// The data-key length a GenerateDataKey* request asks for (both members validated already).
pub fn length(key_spec: Option<DataKeySpec>, number_of_bytes: Option<i64>) -> KmsResult<usize> {
    let either = || KmsError::validation("Please specify either number of bytes or key spec.");
    match (key_spec, number_of_bytes) {
        (Some(DataKeySpec::AES_128), None) => Ok(16),
        (Some(DataKeySpec::AES_256), None) => Ok(32),
        (None, Some(n)) => usize::try_from(n).map_err(|_| either()),
        _ => Err(either()),
    }
}
