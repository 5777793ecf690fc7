//! Deleting a project: the owner asks (in the panel, or by email from the owner's address) and answers
//! a short questionnaire; a manager confirms, or the request is withdrawn.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::contact::Email;

/// A reason to leave, from the questionnaire's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletionReason {
    /// Too expensive.
    TooExpensive,
    /// Moving to another platform.
    SwitchingPlatform,
    /// Closing the business.
    ClosingBusiness,
    /// Features are missing.
    MissingFeatures,
    /// Technical problems.
    TechnicalProblems,
    /// Unhappy with support.
    PoorSupport,
    /// A pause: may come back later.
    TemporaryPause,
    /// Something else (the free text says what).
    Other,
}

impl DeletionReason {
    /// Every reason, in the order the questionnaire lists them.
    pub const ALL: [DeletionReason; 8] = [
        DeletionReason::TooExpensive,
        DeletionReason::SwitchingPlatform,
        DeletionReason::ClosingBusiness,
        DeletionReason::MissingFeatures,
        DeletionReason::TechnicalProblems,
        DeletionReason::PoorSupport,
        DeletionReason::TemporaryPause,
        DeletionReason::Other,
    ];

    /// The label the questionnaire shows (Ukrainian).
    pub fn label_uk(self) -> &'static str {
        match self {
            DeletionReason::TooExpensive => "Занадто дорого",
            DeletionReason::SwitchingPlatform => "Переходжу на іншу платформу",
            DeletionReason::ClosingBusiness => "Закриваю бізнес",
            DeletionReason::MissingFeatures => "Бракує потрібних функцій",
            DeletionReason::TechnicalProblems => "Технічні проблеми",
            DeletionReason::PoorSupport => "Незадоволений підтримкою",
            DeletionReason::TemporaryPause => "Тимчасова пауза",
            DeletionReason::Other => "Інше",
        }
    }
}

/// The owner's answers: at least one reason from the list and, with [`DeletionReason::Other`], a
/// comment saying what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    /// The reasons chosen (kept sorted and without repeats once recorded).
    pub reasons: Vec<DeletionReason>,
    /// Free text.
    pub comment: Option<String>,
}

/// How a deletion request reached the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum DeletionChannel {
    /// The owner, signed in to the admin panel (actor [`Actor::Owner`]).
    Panel,
    /// An email, recorded by support or the mail intake; accepted only from the owner's address.
    Email {
        /// The address it was sent from.
        sender: Email,
    },
}

/// Where a deletion request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DeletionStatus {
    /// Waiting for a manager.
    Pending,
    /// Withdrawn: the project goes on.
    Withdrawn {
        /// Who withdrew it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
    /// Confirmed by a manager: the project is deleted.
    Confirmed {
        /// The manager.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
}

/// A request to delete the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionRequest {
    /// The owner's answers.
    pub questionnaire: Questionnaire,
    /// How it came.
    pub channel: DeletionChannel,
    /// Who recorded it.
    pub requested_by: Actor,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Where it stands.
    pub status: DeletionStatus,
}

impl DeletionRequest {
    /// Whether it still waits for a manager.
    pub fn is_pending(&self) -> bool {
        self.status == DeletionStatus::Pending
    }
}
