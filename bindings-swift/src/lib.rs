//! Placeholder: the Swift binding lands here.
