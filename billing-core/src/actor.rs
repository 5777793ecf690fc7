//! Who does what: every command names its actor, and every change is audited with actor and time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The one who issues a command.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// The project's owner, acting in the admin panel (or by email from the owner's address).
    Owner,
    /// A support agent, by their id.
    Support {
        /// The agent's id in the platform.
        id: String,
    },
    /// A manager (confirms deletions), by their id.
    Manager {
        /// The manager's id in the platform.
        id: String,
    },
    /// The billing engine itself: scheduled jobs, outside events (bank lines, acquirer callbacks).
    System,
}

impl Actor {
    /// A short label for logs and audit views: `owner`, `support:ann`, `manager:bob`, `system`.
    pub fn label(&self) -> String {
        match self {
            Actor::Owner => "owner".to_string(),
            Actor::Support { id } => format!("support:{id}"),
            Actor::Manager { id } => format!("manager:{id}"),
            Actor::System => "system".to_string(),
        }
    }
}

/// An audit record: what happened, when, and who did it. A project's audit trail is the list of its
/// events wrapped in this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audited<E> {
    /// When the change was decided (the `now` the command was given).
    pub at: DateTime<Utc>,
    /// Who issued the command.
    pub actor: Actor,
    /// What changed.
    pub event: E,
}
