//! Blobs beside the JSON instead of base64 inside it, for the in-process door.
//!
//! Over HTTP a blob member is base64 text, so a 4 KiB Encrypt carries ~11 KB of base64 through two
//! encoders, two decoders and two JSON scanners; in process that costs more than the AES itself
//! (issue 7: the boundary must stay under 20% of a call). The JS client instead sends each blob as
//! raw bytes in a list beside the body and writes `"#<index>"` where the base64 would be. `#` is not
//! a base64 character, so a marker can never be mistaken for data, and a marker sent over HTTP
//! (where no channel is open) fails as any other bad base64 does.
//!
//! The channel answers only inside [`codec`], which `ops` wraps around decoding the request and
//! encoding the response: journal records, which hold key material as [`super::Blob`] too, are
//! always written as base64.

use std::cell::RefCell;

/// The marker prefix.
const MARK: char = '#';

#[derive(Default)]
struct Channel {
    /// The request's blobs; `None` once taken.
    inputs: Vec<Option<Vec<u8>>>,
    /// The response's blobs, in marker order.
    outputs: Vec<Vec<u8>>,
    /// Set by `begin`, cleared by `end`.
    open: bool,
    /// Inside `codec` while open.
    active: bool,
}

thread_local! {
    // One engine call at a time per thread (a wasm instance is single-threaded).
    static CHANNEL: RefCell<Channel> = RefCell::new(Channel::default());
}

/// Opens the channel for one call with the request's out-of-band blobs.
pub fn begin(inputs: Vec<Vec<u8>>) {
    CHANNEL.with(|c| {
        *c.borrow_mut() = Channel {
            inputs: inputs.into_iter().map(Some).collect(),
            outputs: Vec::new(),
            open: true,
            active: false,
        };
    });
}

/// Closes the channel and returns the response's blobs.
pub fn end() -> Vec<Vec<u8>> {
    CHANNEL.with(|c| std::mem::take(&mut *c.borrow_mut()).outputs)
}

/// Runs `f` (a request decode or a response encode) with markers honoured, if the channel is open.
pub fn codec<R>(f: impl FnOnce() -> R) -> R {
    let was = CHANNEL.with(|c| {
        let mut c = c.borrow_mut();
        let was = c.active;
        c.active = c.open;
        was
    });
    let result = f();
    CHANNEL.with(|c| c.borrow_mut().active = was);
    result
}

/// The bytes a request marker stands for: `None` when `text` is not read as a marker (no active
/// channel, or not a marker), `Some(None)` for a marker with no blob behind it.
pub(super) fn take_input(text: &str) -> Option<Option<Vec<u8>>> {
    let index = text.strip_prefix(MARK)?;
    CHANNEL.with(|c| {
        let mut c = c.borrow_mut();
        if !c.active {
            return None;
        }
        let slot = index
            .parse::<usize>()
            .ok()
            .and_then(|i| c.inputs.get_mut(i));
        Some(slot.and_then(Option::take))
    })
}

/// The marker to write for `bytes`, which join the response's blobs; `None` without an active channel.
pub(super) fn put_output(bytes: &[u8]) -> Option<String> {
    CHANNEL.with(|c| {
        let mut c = c.borrow_mut();
        if !c.active {
            return None;
        }
        c.outputs.push(bytes.to_vec());
        Some(format!("{MARK}{}", c.outputs.len() - 1))
    })
}

#[cfg(test)]
mod tests {
    use super::super::Blob;
    use super::*;

    #[test]
    fn markers_are_read_only_inside_codec_of_an_open_channel() {
        let decode = |json: &str| serde_json::from_str::<Blob>(json).map(|b| b.0);
        begin(vec![b"raw".to_vec()]);
        // Outside codec (a journal record, say) a marker is just bad base64.
        assert!(decode("\"#0\"").is_err());
        assert_eq!(codec(|| decode("\"#0\"")).unwrap(), b"raw");
        // Taken once; an index with nothing behind it fails; base64 still works.
        assert!(codec(|| decode("\"#0\"")).is_err());
        assert!(codec(|| decode("\"#7\"")).is_err());
        assert_eq!(codec(|| decode("\"AQI=\"")).unwrap(), vec![1, 2]);
        let encoded = codec(|| serde_json::to_string(&Blob(vec![9, 9])).unwrap());
        assert_eq!(encoded, "\"#0\"");
        assert_eq!(
            serde_json::to_string(&Blob(vec![9, 9])).unwrap(),
            "\"CQk=\""
        );
        assert_eq!(end(), vec![vec![9, 9]]);
        // Closed: markers are bad base64 even inside codec.
        assert!(codec(|| decode("\"#0\"")).is_err());
        assert_eq!(
            codec(|| serde_json::to_string(&Blob(vec![1])).unwrap()),
            "\"AQ==\""
        );
    }
}
