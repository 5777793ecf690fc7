//! Placeholder: the Python binding lands here.
