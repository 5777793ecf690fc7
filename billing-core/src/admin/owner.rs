//! The owner contact (ПІБ, email, phone) and the requests that change it.
//!
//! The contact receives invoices, payment reminders and other important messages. It changes only
//! when support applies a request that came from the owner's current email address.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::contact::{Email, Phone};
use crate::error::ErrorCode;
use crate::ids::serde_as_string;

/// The longest full name accepted, in characters.
pub const MAX_PERSON_NAME_LENGTH: usize = 150;

/// Why a text is not a person's full name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    /// Empty or only spaces.
    #[error("full name is empty")]
    Empty {
        /// The offending input.
        input: String,
    },
    /// Longer than [`MAX_PERSON_NAME_LENGTH`] characters.
    #[error("full name is too long: {input:?}")]
    Length {
        /// The offending input.
        input: String,
    },
    /// Characters a name cannot have (digits, symbols), or no letter at all.
    #[error(
        "full name may contain only letters, spaces, hyphens, apostrophes and dots: {input:?}"
    )]
    Format {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for PersonNameError {
    fn code(&self) -> &'static str {
        match self {
            PersonNameError::Empty { .. } => "person_name.empty",
            PersonNameError::Length { .. } => "person_name.length",
            PersonNameError::Format { .. } => "person_name.format",
        }
    }
}

/// A person's full name (ПІБ): letters in any script, spaces, hyphens, apostrophes (`'`, `’`, `ʼ`)
/// and dots; surrounding spaces trimmed and inner runs of spaces collapsed.
///
/// ```
/// use billing_core::PersonName;
/// let n: PersonName = "  Мар'яна   Іванівна Коваль-Петренко ".parse().unwrap();
/// assert_eq!(n.as_str(), "Мар'яна Іванівна Коваль-Петренко");
/// assert!("R2-D2".parse::<PersonName>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

impl PersonName {
    /// Parses and normalises a full name.
    pub fn parse(input: &str) -> Result<PersonName, PersonNameError> {
        let normalised = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if normalised.is_empty() {
            return Err(PersonNameError::Empty {
                input: input.to_string(),
            });
        }
        if normalised.chars().count() > MAX_PERSON_NAME_LENGTH {
            return Err(PersonNameError::Length {
                input: input.to_string(),
            });
        }
        let allowed = |c: char| c.is_alphabetic() || " -'’ʼ.".contains(c);
        if !normalised.chars().all(allowed) || !normalised.chars().any(char::is_alphabetic) {
            return Err(PersonNameError::Format {
                input: input.to_string(),
            });
        }
        Ok(PersonName(normalised))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({self})")
    }
}

impl FromStr for PersonName {
    type Err = PersonNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PersonName::parse(s)
    }
}

serde_as_string!(PersonName);

/// The project owner's contact: where invoices, payment reminders and important messages go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OwnerContact {
    /// Full name (ПІБ).
    pub full_name: PersonName,
    /// Email address: receives the messages, and is the only address change requests are taken from.
    pub email: Email,
    /// Phone number (E.164).
    pub phone: Phone,
}

/// A change request's number within its project (1, 2, ...), in the order received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChangeRequestId(pub u32);

impl fmt::Display for ChangeRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a change request asks for. Either way, once applied the new contact replaces the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The same owner's new details (name, email, phone).
    ContactChange,
    /// A transfer of ownership (передача прав власності) to another person, whose contact it carries.
    OwnershipTransfer,
}

/// Why a change request was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RejectReason {
    /// Support declined it, with a comment for the owner.
    Declined {
        /// The comment.
        comment: String,
    },
    /// The project was deleted while the request was pending.
    ProjectDeleted,
}

/// Where a change request stands, with who moved it there and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for support.
    Pending,
    /// Support applied it: the contact was replaced.
    Applied {
        /// Who applied it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// Rejected: the contact did not change.
    Rejected {
        /// Who rejected it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: RejectReason,
    },
}

/// A request to change the owner contact or transfer ownership, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    /// Its number within the project.
    pub id: ChangeRequestId,
    /// What it asks for.
    pub kind: ChangeKind,
    /// The contact it asks for.
    pub new_contact: OwnerContact,
    /// The address it was sent from (the owner's email at the time it was received).
    pub sender: Email,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Who recorded it (support, or the mail intake as `System`).
    pub received_by: Actor,
    /// Where it stands.
    pub status: RequestStatus,
}

impl ChangeRequest {
    /// Whether it still waits for support.
    pub fn is_pending(&self) -> bool {
        self.status == RequestStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let ok = |s: &str| PersonName::parse(s).unwrap().to_string();
        assert_eq!(ok("Тарас Шевченко"), "Тарас Шевченко");
        assert_eq!(ok(" O’Brien  J. "), "O’Brien J.");
        assert_eq!(ok("Ґанна Мʼяка"), "Ґанна Мʼяка");
        let code = |s: &str| PersonName::parse(s).unwrap_err().code();
        assert_eq!(code("   "), "person_name.empty");
        assert_eq!(code("Agent 007"), "person_name.format");
        assert_eq!(code("- ."), "person_name.format");
        assert_eq!(code("<script>"), "person_name.format");
        assert_eq!(code(&"я".repeat(151)), "person_name.length");
        assert!(PersonName::parse(&"я".repeat(150)).is_ok());
    }
}
