//! Ports: the traits through which the engine reaches the outside. Adapters implement them in crates
//! of their own; `billing-core` itself never does I/O.
//!
//! | port | trait | adapters |
//! |---|---|---|
//! | storage | [`ProjectStore`] | memory, SQLite, PostgreSQL (`billing-store`) |
//! | card acquirer | [`CardAcquirer`] | memory; monobank, LiqPay |
//! | Vchasno | [`Vchasno`] | memory; HTTP |
//! | registry lookup | [`RegistryLookup`] | memory; YouScore; the platform's own |
//! | bank statements | [`BankStatementSource`] | memory; statement files (`billing-statements`) |
//! | clock | [`Clock`] | system, test |
//!
//! Notifications are not a port: they go to the store's outbox, which the platform drains.

pub mod acquirer;
pub mod bank;
pub mod clock;
pub mod registry;
pub mod store;
pub mod vchasno;

pub use acquirer::{
    AcquirerError, CardAcquirer, ChargeOutcome, ChargeRequest, PaymentEvent, PaymentLinkRequest,
    PaymentStatus, ProviderLink, RefundRequest,
};
pub use bank::{BankSourceError, BankStatementSource};
pub use clock::Clock;
pub use registry::{RegistryAnswer, RegistryError, RegistryLookup, RegistryRecord, VatStatus};
pub use store::{
    AppendBatch, BankLineRecord, BankLineState, LoadedProject, NewEvent, OutboxItem, OutsideId,
    ProjectStore, StoreError, StoredEvent,
};
pub use vchasno::{ActUpload, CompanyCheck, Vchasno, VchasnoPortError, VchasnoStatus};
