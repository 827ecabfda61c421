//! Placeholder: this pallet is being written.
