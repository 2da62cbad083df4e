//! UserMigration.
