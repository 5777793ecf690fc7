//! Placeholder: the Node binding lands here.
