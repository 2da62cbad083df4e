//! User import jobs (`CreateUserImportJob` and the rest), made real on one machine: the job's
//! pre-signed URL is served by this server ([`upload`]), which keeps the uploaded CSV file in
//! the store, and a started job is run by a background task ([`runner`]) that creates the
//! users, checkpointing as it goes, so that a job survives a restart and runs on one instance
//! at a time when several share a database.
//!
//! Everything is kept as pool-owned resources ([`job`]): the job (the API's `UserImportJobType`
//! with what the server keeps beside it), the uploaded file in chunks of lines, and a marker
//! per started job that the instances' runners find and lease.

pub mod job;
pub mod presign;
pub mod runner;
pub mod upload;
