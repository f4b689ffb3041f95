//! List pagination: opaque markers and page limits (AWS-KMS-BEHAVIOUR.md §2.17). A marker encodes
//! the sort key of the last item returned, so a page is stable while items are added or removed.

use base64::Engine as _;

use crate::api::ErrorCode;
use crate::error::{KmsError, KmsResult};

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The marker that resumes after `last_key`.
pub fn marker_after(last_key: &str) -> String {
    ENGINE.encode(format!("kmsw1:{last_key}"))
}

/// The sort key a marker resumes after; InvalidMarkerException for anything we did not issue.
pub fn resume_after(marker: Option<&str>) -> KmsResult<Option<String>> {
    let Some(m) = marker else { return Ok(None) };
    let invalid = || KmsError::new(ErrorCode::InvalidMarkerException, "The marker is invalid.");
    let bytes = ENGINE.decode(m).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("kmsw1:")
        .map(|k| Some(k.to_string()))
        .ok_or_else(invalid)
}

/// One page of `items` (already sorted by `key`), after the marker, with at most `limit` items.
/// Returns the page, and the next marker when more remain.
pub fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    limit: Option<i64>,
    default_limit: usize,
) -> KmsResult<(Vec<T>, Option<String>)> {
    let after = resume_after(marker)?;
    let limit = limit
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(default_limit)
        .max(1);
    let mut rest: Vec<T> = items
        .into_iter()
        .filter(|i| after.as_ref().is_none_or(|a| key(i) > *a))
        .collect();
    if rest.len() <= limit {
        return Ok((rest, None));
    }
    rest.truncate(limit);
    let next = rest.last().map(|i| marker_after(&key(i)));
    Ok((rest, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_everything_once() {
        let items: Vec<String> = (0..25).map(|i| format!("{i:03}")).collect();
        let mut seen = Vec::new();
        let mut marker = None;
        loop {
            let (page, next) = page(
                items.clone(),
                |s| s.clone(),
                marker.as_deref(),
                Some(10),
                100,
            )
            .unwrap();
            seen.extend(page);
            match next {
                Some(m) => marker = Some(m),
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert_eq!(
            resume_after(Some("garbage!")).unwrap_err().code,
            ErrorCode::InvalidMarkerException
        );
    }
}
