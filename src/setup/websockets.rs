//! Whether the provider table asks Codex for WebSockets (`supports_websockets`), matched to the
//! gateway's Responses-WebSocket relay: with the key and no relay Codex loses about 7 s per
//! session retrying the upgrade; with the relay and no key it never uses it. What cannot be
//! told leaves the user's value alone.

use crate::coder::api::Relay;
use crate::codex::mode::{WEBSOCKETS_KEY, Websockets};

/// The choice for the relay's state, with the status line that says what and why.
pub fn matching(relay: &Relay) -> (Websockets, String) {
    match relay {
        Relay::On => (
            Websockets::On,
            format!(
                "WebSockets: the gateway relays them, so the provider gets `{WEBSOCKETS_KEY} = true`"
            ),
        ),
        Relay::Off => (
            Websockets::Off,
            format!(
                "WebSockets: the gateway has no WebSocket relay (HTTP 501), so the provider gets no `{WEBSOCKETS_KEY}` and Codex uses HTTP"
            ),
        ),
        Relay::Unknown(why) => (
            Websockets::Leave,
            format!(
                "WebSockets: cannot tell whether the gateway relays them ({why}), so `{WEBSOCKETS_KEY}` stays as it is; `--websockets on|off` decides"
            ),
        ),
    }
}

/// The status line for a choice made with `--websockets`.
pub fn chosen(choice: Websockets) -> String {
    match choice {
        Websockets::On => format!("WebSockets: `{WEBSOCKETS_KEY} = true` (`--websockets on`)"),
        Websockets::Off => {
            format!("WebSockets: no `{WEBSOCKETS_KEY}`, so Codex uses HTTP (`--websockets off`)")
        }
        Websockets::Leave => format!("WebSockets: `{WEBSOCKETS_KEY}` stays as it is"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_follows_the_relay_and_an_unknown_relay_leaves_it() {
        let (on, line) = matching(&Relay::On);
        assert_eq!(on, Websockets::On);
        assert!(line.contains("supports_websockets = true"), "{line}");
        let (off, line) = matching(&Relay::Off);
        assert_eq!(off, Websockets::Off);
        assert!(line.contains("HTTP 501"), "{line}");
        let (leave, line) = matching(&Relay::Unknown("`--offline`".into()));
        assert_eq!(leave, Websockets::Leave);
        assert_eq!(
            line,
            "WebSockets: cannot tell whether the gateway relays them (`--offline`), so `supports_websockets` stays as it is; `--websockets on|off` decides"
        );
        assert!(chosen(Websockets::On).contains("--websockets on"));
        assert!(chosen(Websockets::Off).contains("--websockets off"));
    }
}
