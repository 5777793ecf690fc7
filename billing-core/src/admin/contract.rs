//! Contracts: the public offer (публічна оферта) the owner accepted, and, where one exists, a personal
//! contract (індивідуальний договір) with its number, date and a document to download.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::AdminError;
use crate::actor::Actor;

/// The longest offer version label accepted (`2025-03`, `v4.1`).
pub const MAX_OFFER_VERSION_LENGTH: usize = 32;
/// The longest link accepted.
pub const MAX_LINK_LENGTH: usize = 2048;
/// The longest contract number accepted.
pub const MAX_CONTRACT_NUMBER_LENGTH: usize = 64;
/// The longest document reference accepted.
pub const MAX_DOCUMENT_REF_LENGTH: usize = 512;
/// The longest free-text comment accepted (requests, rejections, questionnaires).
pub const MAX_COMMENT_LENGTH: usize = 2000;

/// The public offer as the owner accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferAcceptance {
    /// The offer's version label.
    pub version: String,
    /// Where that version is published (an `https://` link).
    pub link: String,
    /// When the owner accepted it.
    pub accepted_at: DateTime<Utc>,
}

/// A personal contract signed with the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalContract {
    /// Its number (`12/2025-ПД`).
    pub number: String,
    /// The date it was signed (the Kyiv calendar date).
    pub date: NaiveDate,
    /// A reference to the signed document in the platform's storage, for download.
    pub document: String,
    /// Who recorded it.
    pub recorded_by: Actor,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// Where a request for a personal contract stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ContractRequestStatus {
    /// Waiting for support.
    Pending,
    /// Support recorded a personal contract.
    Fulfilled {
        /// Who.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// Support declined it (or the project was deleted).
    Declined {
        /// Who.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
        /// Why, for the owner.
        comment: String,
    },
}

/// The owner's request for a personal contract, recorded for support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRequest {
    /// The owner's comment (what they need it for, details of their company).
    pub comment: Option<String>,
    /// Who made the request (the owner, or support on the owner's behalf).
    pub requested_by: Actor,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Where it stands.
    pub status: ContractRequestStatus,
}

impl ContractRequest {
    /// Whether it still waits for support.
    pub fn is_pending(&self) -> bool {
        self.status == ContractRequestStatus::Pending
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Checks an offer version label: 1 to [`MAX_OFFER_VERSION_LENGTH`] characters without spaces.
pub(crate) fn offer_version(input: &str) -> Result<String, AdminError> {
    let v = input.trim();
    if v.is_empty()
        || v.chars().count() > MAX_OFFER_VERSION_LENGTH
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AdminError::OfferVersion {
            input: input.to_string(),
        });
    }
    Ok(v.to_string())
}

/// Checks a link: `https://`, a host, no spaces, at most [`MAX_LINK_LENGTH`] characters.
pub(crate) fn https_link(input: &str) -> Result<String, AdminError> {
    let v = input.trim();
    let host_ok = v
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .is_some_and(|host| !host.is_empty() && !host.starts_with('.'));
    if !host_ok
        || v.len() > MAX_LINK_LENGTH
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AdminError::OfferLink {
            input: input.to_string(),
        });
    }
    Ok(v.to_string())
}

/// Checks a contract number: 1 to [`MAX_CONTRACT_NUMBER_LENGTH`] characters, no control characters.
pub(crate) fn contract_number(input: &str) -> Result<String, AdminError> {
    let v = input.trim();
    if v.is_empty() || v.chars().count() > MAX_CONTRACT_NUMBER_LENGTH || has_control(v) {
        return Err(AdminError::ContractNumber {
            input: input.to_string(),
        });
    }
    Ok(v.to_string())
}

/// Checks a document reference: 1 to [`MAX_DOCUMENT_REF_LENGTH`] characters, no spaces or control
/// characters (a storage key such as `contracts/00042/12-2025.pdf`).
pub(crate) fn document_ref(input: &str) -> Result<String, AdminError> {
    let v = input.trim();
    if v.is_empty()
        || v.chars().count() > MAX_DOCUMENT_REF_LENGTH
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AdminError::ContractDocument {
            input: input.to_string(),
        });
    }
    Ok(v.to_string())
}

/// Checks a free-text comment: trimmed, at most [`MAX_COMMENT_LENGTH`] characters; `None` when
/// empty. Line breaks and tabs are allowed, other control characters are not.
pub(crate) fn comment(input: Option<&str>) -> Result<Option<String>, AdminError> {
    let Some(v) = input.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_COMMENT_LENGTH
        || v.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AdminError::Comment {
            length: v.chars().count(),
        });
    }
    Ok(Some(v.to_string()))
}
