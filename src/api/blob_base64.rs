//! Base64 of blob members: the standard alphabet, padded, canonical (what AWS sends and accepts).
//!
//! A host may register an [`Accelerator`] doing the same faster: in wasm a 4 KiB blob costs ~8 µs
//! each way in software, several times Node's native `Buffer` base64 (issue 15: the HTTP door's
//! wasm side was dominated by base64 and JSON escaping). The host only ever *accepts* text that
//! the software decoder accepts: anything it declines is decoded in software, so a malformed
//! blob fails exactly as before.

use std::cell::RefCell;

use base64::Engine as _;

/// Below this many bytes of text (or data) the software codec wins: a call out to the host costs
/// about a microsecond, software base64 about 2 ns per byte.
const ACCELERATE_FROM: usize = 512;

/// An accelerator could not perform the call (and software should).
#[derive(Debug)]
pub struct Unavailable;

/// Base64 done outside this crate, e.g. by Node's `Buffer` through the wasm binding. Results are
/// written into `out`, which has exactly the result's size.
pub trait Accelerator {
    /// Decodes `text` into `out` (`decoded_len(text)` bytes) and returns `Ok(true)` only when
    /// `text` is canonical padded standard base64; `Ok(false)` when it is not, or the host is unsure.
    fn decode(&self, text: &[u8], out: &mut [u8]) -> Result<bool, Unavailable>;
    /// Writes the padded standard base64 of `bytes` into `out` (`encoded_len(bytes.len())` bytes).
    fn encode(&self, bytes: &[u8], out: &mut [u8]) -> Result<(), Unavailable>;
}

thread_local! {
    // The engine is single-threaded (one wasm instance, or one test thread natively).
    static ACCELERATOR: RefCell<Option<Box<dyn Accelerator>>> = RefCell::new(None);
}

/// Routes large blobs through `accelerator` from now on (`None`: software only).
pub fn set_accelerator(accelerator: Option<Box<dyn Accelerator>>) {
    ACCELERATOR.with(|slot| *slot.borrow_mut() = accelerator);
}

/// The bytes of `text`, or `None` when it is not canonical padded standard base64.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() >= ACCELERATE_FROM {
        if let Some(bytes) = decode_on_host(text) {
            return Some(bytes);
        }
    }
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The padded standard base64 of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    if bytes.len() >= ACCELERATE_FROM {
        if let Some(text) = encode_on_host(bytes) {
            return text;
        }
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The length `text` decodes to if it is valid: a multiple of four characters, at most two `=`.
fn decoded_len(text: &[u8]) -> Option<usize> {
    if text.len() % 4 != 0 {
        return None;
    }
    let pad = text.iter().rev().take_while(|&&c| c == b'=').count();
    (pad <= 2).then(|| text.len() / 4 * 3 - pad)
}

fn decode_on_host(text: &[u8]) -> Option<Vec<u8>> {
    let len = decoded_len(text)?;
    ACCELERATOR.with(|slot| {
        let slot = slot.try_borrow().ok()?;
        let accelerator = slot.as_ref()?;
        let mut out = vec![0; len];
        accelerator.decode(text, &mut out).ok()?.then_some(out)
    })
}

fn encode_on_host(bytes: &[u8]) -> Option<String> {
    let len = bytes.len().div_ceil(3).checked_mul(4)?;
    let out = ACCELERATOR.with(|slot| {
        let slot = slot.try_borrow().ok()?;
        let accelerator = slot.as_ref()?;
        let mut out = vec![0; len];
        accelerator.encode(bytes, &mut out).ok()?;
        Some(out)
    })?;
    // A host that wrote anything but ASCII is ignored rather than trusted.
    String::from_utf8(out).ok().filter(|t| t.is_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A host that decodes with the software engine but answers as told, counting calls.
    struct Scripted {
        accept: bool,
        calls: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl Accelerator for Scripted {
        fn decode(&self, text: &[u8], out: &mut [u8]) -> Result<bool, Unavailable> {
            self.calls.set(self.calls.get() + 1);
            if !self.accept {
                return Ok(false);
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| Unavailable)?;
            out.copy_from_slice(&bytes);
            Ok(true)
        }
        fn encode(&self, bytes: &[u8], out: &mut [u8]) -> Result<(), Unavailable> {
            self.calls.set(self.calls.get() + 1);
            let text = base64::engine::general_purpose::STANDARD.encode(bytes);
            out.copy_from_slice(text.as_bytes());
            Ok(())
        }
    }

    fn install(accept: bool) -> std::rc::Rc<std::cell::Cell<usize>> {
        let calls = std::rc::Rc::new(std::cell::Cell::new(0));
        set_accelerator(Some(Box::new(Scripted {
            accept,
            calls: calls.clone(),
        })));
        calls
    }

    #[test]
    fn large_blobs_go_to_the_host_and_small_ones_stay() {
        let calls = install(true);
        let big = vec![7u8; 4096];
        let text = encode(&big);
        assert_eq!(decode(text.as_bytes()).unwrap(), big);
        assert_eq!(calls.get(), 2);
        assert_eq!(decode(b"AQI=").unwrap(), vec![1, 2]);
        assert_eq!(encode(&[1, 2]), "AQI=");
        assert_eq!(calls.get(), 2);
        set_accelerator(None);
    }

    #[test]
    fn text_the_host_declines_is_judged_in_software() {
        let calls = install(false);
        let good = encode(&[9u8; 1000]);
        assert_eq!(decode(good.as_bytes()).unwrap(), vec![9u8; 1000]);
        let mut bad = good.clone().into_bytes();
        bad[10] = b'-';
        assert!(decode(&bad).is_none());
        // Not a multiple of four, or three pads: never offered to the host.
        let before = calls.get();
        assert!(decode(&good.as_bytes()[1..]).is_none());
        assert!(decode(&[b"A===".as_slice(); 200].concat()).is_none());
        assert_eq!(calls.get(), before);
        set_accelerator(None);
    }
}
