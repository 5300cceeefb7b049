//! Conclusions several checks share, each derived from [`Facts`] alone: which provider table
//! Codex uses, its mode, and the deployment. A check that needs another's conclusion calls
//! these instead of receiving it, so every check can run (and be tested) on its own.

use super::facts::{Facts, File};
use crate::coder::deployment::Deployment;
use crate::codex::inspect::{Block, Located, OLDER_GATEWAY_IDS, redact_url};
use crate::codex::mode;
use crate::secrets;

/// Index into [`Facts::files`] of the first file that defines provider `id`.
pub fn table_file(facts: &Facts, id: &str) -> Option<usize> {
    facts
        .files()
        .iter()
        .position(|f| f.doc.as_ref().is_some_and(|d| d.provider(id).is_some()))
}

/// The `model_provider` line Codex reads (the profile file's first), with its file.
pub fn selected(facts: &Facts) -> Option<(&File, Located<String>)> {
    facts
        .docs()
        .find_map(|(f, d)| d.model_provider().map(|l| (f, l)))
}

/// The provider the checks judge: `--provider-id`, else the selected one when it has a table,
/// else the first gateway id (current, then older ones) that has a table.
pub fn target_id(facts: &Facts) -> Option<String> {
    facts
        .provider_id
        .clone()
        .or_else(|| {
            selected(facts)
                .map(|(_, l)| l.value)
                .filter(|id| table_file(facts, id).is_some())
        })
        .or_else(|| {
            std::iter::once(mode::DEFAULT_PROVIDER_ID)
                .chain(OLDER_GATEWAY_IDS)
                .find(|id| table_file(facts, id).is_some())
                .map(str::to_string)
        })
}

/// The judged provider table and the file it is in.
pub fn block(facts: &Facts) -> Option<(Block, &File)> {
    let id = target_id(facts)?;
    let file = facts.files()[table_file(facts, &id)?];
    Some((file.doc.as_ref()?.provider(&id)?, file))
}

/// The deployment the judged table belongs to ([`Block::deployment`]), else the one found
/// outside the config; with why no token may go there.
pub fn deployment(facts: &Facts) -> (Option<Deployment>, Option<String>) {
    match block(facts).and_then(|(b, _)| b.deployment()) {
        Some(deployment) => (Some(deployment), None),
        None => detected_deployment(facts),
    }
}

/// The key tokens for [`deployment`] are stored under (empty without one). Secrets are
/// stored per deployment (host, port, path), not per host.
pub fn store_key(facts: &Facts) -> String {
    deployment(facts)
        .0
        .as_ref()
        .map_or_else(String::new, secrets::store_key)
}

/// `$CODER_URL`, the coder CLI's login or the agent URL, when the config names no deployment,
/// and why no token may go there (plain http to a host that is not loopback).
fn detected_deployment(facts: &Facts) -> (Option<Deployment>, Option<String>) {
    let Some(found) = facts
        .detected
        .iter()
        .find(|d| Deployment::parse(&d.url, true).is_ok())
    else {
        return (None, None);
    };
    let deployment = Deployment::parse(&found.url, true)
        .ok()
        .map(|p| p.deployment);
    // Loopback http stays allowed, as everywhere else.
    let note = Deployment::parse(&found.url, false).is_err().then(|| {
        format!(
            "`{}` (from {}) is plain http to a host that is not loopback, and a token would travel unencrypted",
            redact_url(&found.url),
            found.source
        )
    });
    (deployment, note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coder::detect::{DetectedUrl, UrlSource};
    use crate::doctor::facts::build::facts;

    fn from_coder_url(url: &str) -> (Option<Deployment>, Option<String>) {
        let mut f = facts(None, &[]);
        f.detected = vec![DetectedUrl {
            url: url.to_string(),
            source: UrlSource::CoderUrlVar,
        }];
        deployment(&f)
    }

    #[test]
    fn a_plain_http_deployment_from_the_environment_gets_no_token() {
        let (deployment, note) = from_coder_url("http://coder.internal:3000");
        assert_eq!(deployment.unwrap().as_str(), "http://coder.internal:3000");
        assert!(note.unwrap().contains("plain http"));
        let (deployment, note) = from_coder_url("http://127.0.0.1:3000");
        assert!(deployment.is_some());
        assert_eq!(note, None);
        let (_, note) = from_coder_url("https://coder.example.com");
        assert_eq!(note, None);
    }

    #[test]
    fn the_selected_table_wins_then_the_gateway_ids() {
        let two = "model_provider = \"gw\"\n[model_providers.gw]\nbase_url = \"https://a.example.com/api/v2/aibridge/openai/v1\"\n[model_providers.ai_gateway]\nbase_url = \"https://b.example.com/api/v2/aibridge/openai/v1\"\n";
        let f = facts(Some(two), &[]);
        assert_eq!(target_id(&f).as_deref(), Some("gw"));
        assert_eq!(store_key(&f), "a.example.com");
        let f = facts(Some(&two.replace("\"gw\"\n[", "\"none\"\n[")), &[]);
        assert_eq!(target_id(&f).as_deref(), Some("ai_gateway"));
        let f = facts(Some(two), &[]).with_provider_id("other");
        assert_eq!(target_id(&f).as_deref(), Some("other"));
        assert!(block(&f).is_none());
    }
}
